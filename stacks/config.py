"""Deploy settings: one file a student edits once, `deploy.toml` at the project's root.

Every `cdk synth` and `cdk deploy` (and `./alex deploy`) reads it, so a later deploy never drops a
setting the way a forgotten `-c key=value` would. Without the file the defaults apply: the app
synthesizes offline, with no sign-in configured. `deploy.example.toml` documents every key.
"""

import base64
import binascii
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.settings import PROJECT_ROOT

SETTINGS_FILE = PROJECT_ROOT / "deploy.toml"
EXAMPLE_FILE = PROJECT_ROOT / "deploy.example.toml"
SETTINGS_ENV = "ALEX_DEPLOY_SETTINGS"
"""Names another settings file (tests). One account and region holds one Alex: the stacks'
names are fixed."""
PRODUCTION = "prod"
# A web ACL for CloudFront lives in us-east-1, whatever region the app is in (stacks/edge.py).
WAF_REGION = "us-east-1"
_PUBLISHABLE_KEY = re.compile(r"pk_(test|live)_([A-Za-z0-9+/=_-]+)")
_ORIGIN = re.compile(r"https://[a-z0-9.-]+(:\d+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class SettingsError(ValueError):
    """The deploy settings file is missing a value or holds a wrong one; the message says which."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClerkSettings(_Section):
    publishable_key: str | None = Field(
        None, description="Clerk's publishable key (pk_test_... or pk_live_...), built into the SPA"
    )
    authorized_parties: tuple[str, ...] = Field(
        (),
        description="Origins besides the app's own CloudFront URL whose Clerk tokens the API"
        " accepts (a custom domain, https://...)",
    )

    @field_validator("publishable_key", mode="before")
    @classmethod
    def _publishable_key(cls, key: Any) -> Any:
        if key == "":  # the example file's "not set yet"
            return None
        if isinstance(key, str):
            frontend_api_of(key)
        return key

    @field_validator("authorized_parties")
    @classmethod
    def _origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an https:// origin (no path, no slash)")
        return origins

    @property
    def frontend_api(self) -> str | None:
        """The Clerk instance's Frontend API host, which the key names."""
        return frontend_api_of(self.publishable_key) if self.publishable_key else None

    @property
    def issuer(self) -> str | None:
        """Clerk's session tokens name their Frontend API as issuer."""
        return f"https://{self.frontend_api}" if self.frontend_api else None


class ModelSettings(_Section):
    bedrock_model_id: str = "openai.gpt-oss-120b-1:0"
    bedrock_region: str = "us-west-2"


class TeachingSettings(_Section):
    fault_injection: bool = Field(
        False,
        description="Creates a parameter through which a chosen step can be made to fail, to"
        " watch the failure in the console and redrive it; refused in production",
    )


class OperationsSettings(_Section):
    alarm_email: str | None = Field(
        None, description="Where the alarms and budget alerts are e-mailed (AWS asks to confirm)"
    )
    monthly_budget_usd: float = Field(
        50, gt=0, description="The monthly AWS Budgets limit for the project's tagged resources"
    )

    @field_validator("alarm_email", mode="before")
    @classmethod
    def _email(cls, email: Any) -> Any:
        if email == "":  # the example file's "not set yet"
            return None
        if isinstance(email, str) and not _EMAIL.fullmatch(email):
            raise ValueError(f"{email!r} is not an e-mail address")
        return email


class DeploySettings(_Section):
    environment: str = Field("dev", pattern=r"^[a-z][a-z0-9-]{0,19}$")
    owner: str = "alex-team"
    deletion_protection: bool = False
    clerk: ClerkSettings = ClerkSettings()
    model: ModelSettings = ModelSettings()
    teaching: TeachingSettings = TeachingSettings()
    operations: OperationsSettings = OperationsSettings()

    @model_validator(mode="after")
    def _no_faults_in_production(self) -> "DeploySettings":
        if self.teaching.fault_injection and (
            self.environment == PRODUCTION or self.deletion_protection
        ):
            raise ValueError(
                "teaching.fault_injection cannot be on in a production deployment"
                f" (environment = {PRODUCTION!r} or deletion_protection = true): turn it off"
            )
        return self

    def parameter_name(self, name: str) -> str:
        """The SSM parameter `name` of this deployment."""
        return f"/alex/{self.environment}/{name}"


def frontend_api_of(publishable_key: str) -> str:
    """The Frontend API host a Clerk publishable key encodes: `pk_<env>_<base64(host + "$")>`."""
    match = _PUBLISHABLE_KEY.fullmatch(publishable_key)
    try:
        decoded = base64.b64decode(match.group(2) + "==", validate=False).decode() if match else ""
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    host = decoded.removesuffix("$")
    if not decoded.endswith("$") or not re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", host):
        raise ValueError(
            "not a Clerk publishable key (pk_test_... or pk_live_..., as Clerk's dashboard shows"
            " it under API keys)"
        )
    return host


def settings_path() -> Path:
    return Path(os.environ.get(SETTINGS_ENV) or SETTINGS_FILE)


def load_settings(path: Path | None = None) -> DeploySettings:
    """The deploy settings in `path` (by default deploy.toml); the defaults when it is absent."""
    path = path or settings_path()
    if not path.exists():
        return DeploySettings()
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path} is not valid TOML: {error}") from error
    try:
        return DeploySettings.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'file'}: {e['msg']}"
            for e in error.errors()
        )
        raise SettingsError(f"{path}: {problems}") from error
