"""deploy.toml: one file of deploy settings, validated with errors that name the key."""

from pathlib import Path

import pytest

from stacks.config import EXAMPLE_FILE, DeploySettings, SettingsError, load_settings
from tests.infra.conftest import FRONTEND_API, PUBLISHABLE_KEY


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deploy.toml"
    path.write_text(text)
    return path


def test_without_a_file_the_defaults_apply(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml") == DeploySettings()


def test_the_example_file_is_valid_and_holds_the_defaults() -> None:
    assert load_settings(EXAMPLE_FILE) == DeploySettings()


def test_the_clerk_issuer_and_frontend_api_come_from_the_publishable_key(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, f'[clerk]\npublishable_key = "{PUBLISHABLE_KEY}"\n'))
    assert settings.clerk.frontend_api == FRONTEND_API
    assert settings.clerk.issuer == f"https://{FRONTEND_API}"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[clerk]\npublishable_key = "sk_test_abc"\n', "clerk.publishable_key"),
        ('[clerk]\npublishable_key = "pk_test_bm90IGEgaG9zdA"\n', "clerk.publishable_key"),
        ('[clerk]\nauthorized_parties = ["http://alex.example.com"]\n', "clerk.authorized_parties"),
        ('[clerk]\nauthorized_parties = ["https://a.example.com/"]\n', "clerk.authorized_parties"),
        ('[modle]\nbedrock_region = "us-east-1"\n', "modle"),
        ('environment = "Prod env"\n', "environment"),
        ("deletion_protection = 3\n", "deletion_protection"),
        ('[operations]\nalarm_email = "ops at example"\n', "operations.alarm_email"),
        ("[operations]\nmonthly_budget_usd = 0\n", "operations.monthly_budget_usd"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(SettingsError, match=rf"deploy\.toml: {named}: "):
        load_settings(write(tmp_path, text))


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(write(tmp_path, "environment = dev\n"))


@pytest.mark.parametrize("production", ['environment = "prod"', "deletion_protection = true"])
def test_fault_injection_is_refused_in_production(tmp_path: Path, production: str) -> None:
    text = f"{production}\n[teaching]\nfault_injection = true\n"
    with pytest.raises(SettingsError, match="fault_injection cannot be on in a production"):
        load_settings(write(tmp_path, text))


def test_parameters_are_named_by_environment() -> None:
    settings = DeploySettings(environment="staging")
    assert settings.parameter_name("faults") == "/alex/staging/faults"
