"""The SPA in a real browser (Debian's chromium, driven by Playwright) against the whole local
stack as `./alex dev` runs it: its own PostgreSQL, the workflow with a fault injected into the
first charts call, the API and the SPA's production build.

Each page a test opens fails the test on a console error or on a request to any host but the
stack's; a screenshot of it is kept in `test-results/screenshots/`. A module sets other faults by
overriding the `faults` fixture.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from shared.settings import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
# npm ci and the Next.js build may come first on a fresh checkout.
START_SECONDS = 900
# Every result of a completed analysis is drawn: the retirement projection's chart and every
# other chart have their SVG, and nothing on the page says it is still loading. The benchmark
# (bench/spa_results.py) times the same moment.
RESULTS_DRAWN = """() => {
  const projection = document.querySelector('[role="img"][aria-label^="Projected balance"] svg');
  const charts = [...document.querySelectorAll(".recharts-responsive-container")];
  const loading = [...document.querySelectorAll('[role="status"]')].some((status) =>
    /^Loading/.test(status.textContent ?? ""),
  );
  return !!projection && charts.every((chart) => chart.querySelector("svg")) && !loading;
}"""
CHROMIUM_FLAGS = [
    "--no-sandbox",  # as root, Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium's own background lookups would leave the machine; only loopback resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@pytest.fixture(scope="module")
def faults() -> str:
    """ALEX_FAULTS for the module's stack: the first charts call crashes, so the analysis fails
    there, and "Retry from failed step" runs it."""
    return "charter=fail:1"


# Module-scoped: Playwright's sync API runs an event loop while it is open, which would break
# the tests after these that run their own (asyncio.run); and the stack stops with them.
@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, faults: str) -> Iterator[str]:
    """`./alex dev` on a database of its own; the URL it serves the SPA and the API on."""
    from tests.conftest import scratch_directory

    with scratch_directory() as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ALEX_", "DATABASE_URL"))}
        env.update(
            ALEX_DATA_DIR=str(data_dir),
            ALEX_API_PORT="0",
            ALEX_STEPFUNCTIONS_PORT="0",
            ALEX_MODEL="offline",
            ALEX_FAULTS=faults,
        )
        log = tmp_path_factory.mktemp("alex-dev") / "alex-dev.log"
        with log.open("w") as output:
            dev = subprocess.Popen(
                [sys.executable, "-m", "local.cli", "dev"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            yield _wait_for_url(dev, log)
        finally:
            dev.send_signal(signal.SIGINT)
            dev.wait(timeout=60)


def _wait_for_url(dev: subprocess.Popen[bytes], path: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        output = path.read_text()
        if "Press Ctrl-C" in output:
            line = next(line for line in output.splitlines() if "Alex:" in line)
            assert "no SPA build" not in line, output
            return line.split("Alex:", 1)[1].split()[0].rstrip("/")
        assert dev.poll() is None, f"alex dev exited:\n{output}"
        time.sleep(0.5)
    raise AssertionError(f"alex dev did not start in {START_SECONDS} s:\n{path.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = os.environ.get("ALEX_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "Browser tests need a Chromium: `./alex test` provisions one (Debian's chromium"
            " package, else Playwright's), or set ALEX_CHROMIUM to a Chromium executable"
        )
    with sync_playwright() as playwright:
        yield _launch(playwright, chromium)


def _launch(playwright: Playwright, chromium: str) -> Browser:
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)


def sign_in(page: Page, app_url: str, user_id: str) -> None:
    """Sign in through the local sign-in form; the dashboard shows."""
    page.goto(f"{app_url}/sign-in/")
    # Exact and anchored: the Name field's hint speaks of a "user id" too.
    page.get_by_role("textbox", name="User id", exact=True).fill(user_id)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Browser Tester")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Keep what the page shows now (still: animations stopped) as
    `test-results/screenshots/<name>.png`; unless `full_page`, only what is in the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page, animations="disabled"
    )


@pytest.fixture
def viewport() -> dict[str, int]:
    return {"width": 1280, "height": 900}


@pytest.fixture
def page(
    browser: Browser, app_url: str, viewport: dict[str, int], request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser tab; fails the test on console errors or on requests that leave the
    stack, and keeps a screenshot of where the test ended."""
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[tuple[str, str]] = []
    elsewhere: list[str] = []
    # Pages the tab navigated to: an address that is not one answers 404, as it should.
    documents: set[str] = set()
    stack = urlparse(app_url).netloc
    page.on(
        "console",
        lambda m: errors.append((m.text, m.location.get("url", ""))) if m.type == "error" else None,
    )
    page.on(
        "response",
        lambda r: documents.add(r.url) if r.request.is_navigation_request() else None,
    )
    page.on("pageerror", lambda error: errors.append((str(error), "")))
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != stack
            else None
        ),
    )
    yield page
    screenshot(page, request.node.name)
    context.close()
    errors = [
        (text, url)
        for text, url in errors
        if not (url in documents and text.startswith("Failed to load resource"))
    ]
    assert not errors, f"console errors: {[text for text, _ in errors]}"
    assert not elsewhere, f"requests off the stack: {elsewhere}"
