"""The layout's rules are enforced by import-linter: the contracts hold today, and a forbidden
import breaks the build."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import PROJECT_ROOT

PACKAGES = ["local", "stacks", "functions", "runtime", "state_machines", "shared"]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            PROJECT_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_contract(copy_of_the_code: Path) -> None:
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("functions/api/app.py", "import local.dev_issuer", "Deployed code never imports local/"),
        ("shared/portfolio.py", "import boto3", "shared knows nothing of AWS"),
        ("shared/schemas.py", "import runtime.aws", "Layers"),
        ("runtime/steps.py", "import aws_cdk", "never import CDK"),
    ],
)
def test_a_forbidden_import_fails_the_build(
    copy_of_the_code: Path, module: str, line: str, contract: str
) -> None:
    path = copy_of_the_code / module
    path.write_text(path.read_text() + f"\n{line}\n")
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
