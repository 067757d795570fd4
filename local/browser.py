"""The Chromium the browser tests drive: the one configured or on PATH, else provisioned now
(Debian's `chromium` package where the package manager can be used, else Playwright's own)."""

import os
import shutil
import subprocess
import sys


class NoBrowser(Exception):
    """No Chromium was found and none could be installed; the message says what was tried."""


def chromium() -> tuple[str, str]:
    """A Chromium executable, and how it was found or provisioned (said to the user)."""
    configured = os.environ.get("ALEX_CHROMIUM")
    if configured:
        return configured, "ALEX_CHROMIUM"
    found = shutil.which("chromium")
    if found:
        return found, "found on PATH"
    tried = []
    if shutil.which("apt-get"):
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        installed = all(
            subprocess.run([*sudo, *command], env=environment).returncode == 0
            for command in (
                ["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "chromium"],
            )
        )
        found = shutil.which("chromium")
        if installed and found:
            return found, "installed Debian's chromium package (apt-get)"
        tried.append("apt-get install chromium")
    return _playwright_chromium(tried)


def _playwright_chromium(tried: list[str]) -> tuple[str, str]:
    from playwright.sync_api import sync_playwright

    command = [sys.executable, "-m", "playwright", "install", "chromium"]
    if subprocess.run(command).returncode == 0:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
        if os.path.exists(path):
            return path, "installed Playwright's Chromium (playwright install chromium)"
    tried.append("playwright install chromium")
    raise NoBrowser(
        f"No Chromium for the browser tests: tried {' and '.join(tried)}. Install one"
        " (`apt-get install chromium`) or set ALEX_CHROMIUM to a Chromium executable."
    )
