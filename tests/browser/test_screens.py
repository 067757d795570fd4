"""Every page, and every state of an analysis, at a desktop's size and a phone's: each shows its key
content, is kept as `test-results/screenshots/<page or state>-<desktop|mobile>.png`, and has no
serious or critical accessibility violation (axe-core).

This module's stack crashes the first charts call, so an analysis fails there; and it throttles
every tagging call, so an analysis of a symbol Alex does not know stays running while tagging backs
off and retries (a minute or more): no state depends on catching a moment.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import RESULTS_DRAWN, SCREENSHOTS, screenshot, sign_in

SIZES = {"desktop": {"width": 1440, "height": 900}, "mobile": {"width": 390, "height": 844}}
pytestmark = [
    pytest.mark.parametrize("viewport", list(SIZES.values()), ids=list(SIZES)),
    # The first test starts the stack, which may build the SPA first; one runs two analyses.
    pytest.mark.timeout(900),
]
# The first analysis of a stack also imports the agents.
ANALYSIS_S = 180
KNOWN_FUNDS = (("VTI", 40), ("BND", 25))
UNKNOWN = ("ZZQX", 10)
ACCOUNT = "Taxable brokerage"


@pytest.fixture(scope="module")
def faults() -> str:
    return "charter=fail:1,tagger=throttle"


@dataclass(frozen=True)
class Investor:
    user_id: str
    account_id: str
    failed_job: str = ""
    completed_job: str = ""


def api(app_url: str, user_id: str) -> httpx.Client:
    """The API as the user, with a token from the local issuer (as the sign-in page gets one)."""
    token = httpx.post(
        f"{app_url}/dev/token", json={"user_id": user_id, "name": "Browser Tester"}
    ).json()["token"]
    return httpx.Client(
        base_url=f"{app_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def new_investor(app_url: str, holdings: tuple[tuple[str, int], ...] = KNOWN_FUNDS) -> Investor:
    """A new user with one account holding `holdings`, and no analysis yet."""
    user_id = f"screens-{uuid4().hex[:8]}"
    with api(app_url, user_id) as client:
        account = client.post(
            "/accounts",
            json={"account_name": ACCOUNT, "account_type": "taxable", "cash_balance": 5000},
        )
        account.raise_for_status()
        for symbol, shares in holdings:
            client.post(
                "/positions",
                json={"account_id": account.json()["id"], "symbol": symbol, "quantity": shares},
            ).raise_for_status()
    return Investor(user_id, account.json()["id"])


def analyse(app_url: str, user_id: str, until: tuple[str, ...] = ()) -> str:
    """Start an analysis; with `until`, wait for the job to reach one of those statuses."""
    with api(app_url, user_id) as client:
        job_id: str = client.post("/analyze").raise_for_status().json()["job_id"]
        for _ in range(ANALYSIS_S * 2):
            if not until or client.get(f"/jobs/{job_id}").json()["status"] in until:
                return job_id
            time.sleep(0.5)
    raise AssertionError(f"the analysis {job_id} did not reach {until} in {ANALYSIS_S} s")


@pytest.fixture(scope="module")
def investor(app_url: str) -> Investor:
    """A user whose first analysis failed at the charts (the injected fault) and whose second,
    started after it, completed."""
    investor = new_investor(app_url)
    failed = analyse(app_url, investor.user_id, until=("failed", "completed"))
    completed = analyse(app_url, investor.user_id, until=("failed", "completed"))
    with api(app_url, investor.user_id) as client:
        statuses = [client.get(f"/jobs/{job}").json()["status"] for job in (failed, completed)]
    assert statuses == ["failed", "completed"], statuses
    return Investor(investor.user_id, investor.account_id, failed, completed)


def check(
    page: Page, name: str, *, part: Locator | None = None, scrolled_to: Locator | None = None
) -> None:
    """Keep `<name>-<size>.png`: the whole page, only `part` of it, or the viewport scrolled to
    `scrolled_to`; then fail on any serious or critical accessibility violation."""
    size = next(size for size, box in SIZES.items() if box == page.viewport_size)
    if part is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        part.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), animations="disabled")
    else:
        if scrolled_to is not None:
            scrolled_to.scroll_into_view_if_needed()
        screenshot(page, f"{name}-{size}", full_page=scrolled_to is None)
    assert_accessible(page, f"{name}-{size}")


def job_link(page: Page, job_id: str) -> Locator:
    return page.locator(f'a[href*="job={job_id}"]').first


# --- Pages ---------------------------------------------------------------------------------------


def test_the_landing_page_says_what_alex_does_and_leads_to_the_sign_in(
    page: Page, app_url: str
) -> None:
    page.goto(f"{app_url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Sign in")).first).to_be_visible()
    check(page, "landing")


def test_the_sign_in_page_asks_for_a_user(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/sign-in/")
    expect(page.get_by_role("textbox", name="User id", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    check(page, "sign-in")


def test_the_dashboard_shows_the_portfolio_and_the_last_analysis(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\$\d{1,3}(,\d{3})+")).first).to_be_visible()
    expect(job_link(page, investor.completed_job)).to_be_visible()
    check(page, "dashboard")


def test_the_settings_show_the_users_targets(page: Page, app_url: str, investor: Investor) -> None:
    sign_in(page, app_url, investor.user_id)
    settings = page.get_by_role("form", name="Settings")
    expect(settings.get_by_role("button", name=re.compile("Save"))).to_be_visible()
    check(page, "settings", part=settings)


def test_the_accounts_page_lists_the_users_accounts(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/accounts/")
    expect(page.get_by_role("link", name=ACCOUNT)).to_be_visible()
    check(page, "accounts")


def test_the_account_page_lists_its_positions(page: Page, app_url: str, investor: Investor) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/account/?id={investor.account_id}")
    expect(page.get_by_role("heading", name=ACCOUNT).first).to_be_visible()
    for symbol, _ in KNOWN_FUNDS:
        expect(page.get_by_text(symbol, exact=True).first).to_be_visible()
    check(page, "account")


def test_the_history_lists_every_analysis(page: Page, app_url: str, investor: Investor) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/history/")
    expect(job_link(page, investor.failed_job)).to_be_visible()
    expect(job_link(page, investor.completed_job)).to_be_visible()
    check(page, "history")


def test_an_unknown_address_says_the_page_was_not_found(page: Page, app_url: str) -> None:
    response = page.goto(f"{app_url}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name=re.compile("not found", re.I))).to_be_visible()
    expect(page.get_by_role("link").first).to_be_visible()
    check(page, "not-found")


# --- The analysis, in each of its states --------------------------------------------------------


def test_an_analysis_not_run_yet_offers_to_start_one(page: Page, app_url: str) -> None:
    newcomer = new_investor(app_url)
    sign_in(page, app_url, newcomer.user_id)
    page.goto(f"{app_url}/analysis/")
    expect(page.get_by_role("button", name="Start analysis")).to_be_enabled()
    check(page, "analysis-empty")


def test_an_analysis_says_it_is_loading_until_the_job_arrives(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    held: list[Route] = []
    job_route = api_path(f"/api/jobs/{investor.completed_job}")
    page.route(job_route, lambda route: held.append(route))
    with page.expect_request(lambda request: job_route(request.url)):
        page.goto(f"{app_url}/analysis/?job={investor.completed_job}")
    expect(page.get_by_role("status").filter(has_text=re.compile("Loading"))).to_be_visible()
    while not held:  # the request is out; its handler runs on Playwright's next turn
        page.wait_for_timeout(50)
    check(page, "analysis-loading")
    # Let the job through; unrouting hands on any request held since.
    for route in list(held):
        route.continue_()
    page.unroute(job_route)
    page.wait_for_function(RESULTS_DRAWN)


def test_a_running_analysis_shows_its_progress(page: Page, app_url: str) -> None:
    tagging = new_investor(app_url, (*KNOWN_FUNDS, UNKNOWN))
    job = analyse(app_url, tagging.user_id)
    sign_in(page, app_url, tagging.user_id)
    page.goto(f"{app_url}/analysis/?job={job}")
    progress = page.get_by_role("group", name="Analysis progress")
    expect(progress.locator('[data-step="start"]')).to_have_attribute(
        "data-status", "succeeded", timeout=ANALYSIS_S * 1000
    )
    expect(progress.locator('[data-step="tagging"]')).to_have_attribute("data-status", "running")
    expect(progress.locator('[data-step="finalize"]')).to_have_attribute("data-status", "pending")
    check(page, "analysis-running")


def test_a_completed_analysis_draws_its_results(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/analysis/?job={investor.completed_job}")
    page.wait_for_function(RESULTS_DRAWN)
    expect(page.get_by_role("img", name=re.compile("Projected balance"))).to_be_visible()
    expect(page.get_by_role("figure").first).to_be_visible()
    check(page, "analysis-completed")


def test_a_failed_analysis_says_where_and_offers_a_retry(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/analysis/?job={investor.failed_job}")
    retry = page.get_by_role("button", name=re.compile("Retry"))
    expect(retry).to_be_enabled()
    expect(page.get_by_role("alert").filter(has=retry)).to_contain_text(re.compile("chart", re.I))
    check(page, "analysis-failed")


def test_a_result_written_offline_says_so_where_it_is_read(
    page: Page, app_url: str, investor: Investor
) -> None:
    sign_in(page, app_url, investor.user_id)
    page.goto(f"{app_url}/analysis/?job={investor.completed_job}")
    page.wait_for_function(RESULTS_DRAWN)
    notice = page.get_by_text(re.compile("without a language model|no language model", re.I))
    expect(notice.first).to_be_visible()
    check(page, "analysis-offline", scrolled_to=notice.first)


def api_path(path: str) -> Callable[[str], bool]:
    """A route matcher for one API path, whatever the query."""
    return lambda url: urlparse(url).path == path
