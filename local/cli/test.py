"""`alex test`: the linters, the SPA's component tests and the whole pytest suite."""

import os
import subprocess
import sys
from pathlib import Path

import click

from local.browser import NoBrowser, chromium
from local.spa import SpaBuildFailed, install, npm
from shared.settings import FRONTEND, PROJECT_ROOT


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--no-lint", is_flag=True, help="Skip the linters (ruff, mypy, import-linter).")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(no_lint: bool, pytest_args: tuple[str, ...]) -> None:
    """Run the linters, the SPA's component tests and the whole pytest suite. Extra arguments
    go to pytest, and then only the selected pytest tests run after the linters.

    The browser tests need a Chromium: when none is found, one is installed first (and said).
    """
    checks = (
        []
        if no_lint
        else [
            ["ruff", "check", "."],
            ["ruff", "format", "--check", "."],
            ["mypy"],
            ["lint-imports"],
        ]
    )
    tools = Path(sys.executable).parent
    for check in checks:
        click.echo(f"$ {' '.join(check)}")
        if subprocess.run([str(tools / check[0]), *check[1:]], cwd=PROJECT_ROOT).returncode:
            raise SystemExit(1)
    if not pytest_args and (FRONTEND / "package.json").exists():
        click.echo("$ npm run typecheck && npm test  (frontend/)")
        try:
            install()
            npm("run", "typecheck")  # vitest does not type-check, and the SPA's build does
            npm("test")
        except SpaBuildFailed as error:
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
    environment = dict(os.environ)
    if not pytest_args or any("browser" in arg for arg in pytest_args):
        try:
            environment["ALEX_CHROMIUM"], how = chromium()
        except NoBrowser as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Browser tests use {environment['ALEX_CHROMIUM']} ({how}).")
    pytest = subprocess.run(
        [sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT_ROOT, env=environment
    )
    if pytest.returncode == 5:
        click.echo("No tests ran: that is a failure.", err=True)
        raise SystemExit(1)
    raise SystemExit(pytest.returncode)
