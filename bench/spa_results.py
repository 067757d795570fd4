"""The analysis page of a completed analysis in Chromium under Chrome DevTools' "Fast 4G", at a
phone's size: time from navigation until the page has loaded and until every result is drawn; then
the JavaScript each page loads, compressed and not. Target (issue 17): all results drawn under 2 s.

Run on demand, with `./alex dev` running: `.venv/bin/python bench/spa_results.py [app url] [runs]`.
It signs in as the demo user and opens their latest completed analysis, running one first when
there is none. Each run starts with an empty cache; the local server gzips like CloudFront.

"Every result drawn" is RESULTS_DRAWN (tests/browser/conftest.py): the retirement projection's and
every chart's SVG are there and nothing says "Loading"; its time is the page's own clock
(`performance.now()`, from the start of the navigation), read on the animation frame it turns true.
"""

import shutil
import statistics
import subprocess
import sys
import time

import httpx
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from shared.settings import FRONTEND
from tests.browser.conftest import CHROMIUM_FLAGS, RESULTS_DRAWN

# DevTools' "Fast 4G" (Puppeteer's PredefinedNetworkConditions has the same): 60 ms x 2.75 of
# latency, 9 Mbit/s x 0.9 down, 1.5 Mbit/s x 0.9 up (throughputs in bytes per second). The
# preset throttles no CPU; the runs are repeated with Lighthouse's mobile CPU slowdown (4x).
FAST_4G = {
    "latency": 60 * 2.75,
    "downloadThroughput": 9_000_000 / 8 * 0.9,
    "uploadThroughput": 1_500_000 / 8 * 0.9,
}
CPU_SLOWDOWNS = (1, 4)
PHONE = {"width": 390, "height": 844}
USER = "test_user_001"
ANALYSIS_S = 300
DRAWN_AT = f"() => ({RESULTS_DRAWN})() && performance.now()"
# Next prefetches the pages the navigation links to (a <link rel="prefetch">, then the script):
# those are counted apart from the page's own, once each.
SCRIPTS = """(() => {
  const entries = performance.getEntriesByType("resource");
  const js = (entry) => new URL(entry.name).pathname.endsWith(".js");
  const prefetched = entries.filter((entry) => entry.initiatorType === "link" && js(entry));
  const links = new Set(prefetched.map((entry) => entry.name));
  const own = entries.filter((entry) => entry.initiatorType === "script" && !links.has(entry.name));
  const sizes = (list) => list.map((entry) => [entry.encodedBodySize, entry.decodedBodySize]);
  return [sizes(own), sizes(prefetched)];
})()"""


Sizes = tuple[int, int, int]
"""Scripts: how many, bytes as sent, bytes uncompressed."""


def kb(sizes: Sizes) -> str:
    return f"{sizes[1] / 1024:>7.1f} / {sizes[2] / 1024:>7.1f} kB"


def completed_analysis(app_url: str) -> tuple[str, str]:
    """The demo user's latest completed analysis (run one when there is none), and an account."""
    token = httpx.post(f"{app_url}/dev/token", json={"user_id": USER}).json()["token"]
    with httpx.Client(
        base_url=f"{app_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as api:
        account = api.get("/accounts").raise_for_status().json()["items"][0]["id"]
        jobs = api.get("/jobs").raise_for_status().json()["items"]
        completed = [job["id"] for job in jobs if job["status"] == "completed"]
        if completed:
            return completed[0], account
        job = api.post("/analyze").raise_for_status().json()["job_id"]
        print(f"{USER} has no completed analysis: running one ({job})", file=sys.stderr)
        deadline = time.monotonic() + ANALYSIS_S
        while time.monotonic() < deadline:
            status = api.get(f"/jobs/{job}").json()["status"]
            if status == "completed":
                return job, account
            if status == "failed":
                raise SystemExit(f"the analysis {job} failed: see `./alex dev`'s output")
            time.sleep(1)
    raise SystemExit(f"the analysis {job} did not complete in {ANALYSIS_S} s")


def signed_in(browser: Browser, app_url: str, signed_in: bool = True) -> BrowserContext:
    """A new context (empty cache), the demo user signed in unless not `signed_in`, on a blank
    page."""
    context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    if not signed_in:
        return context
    page.goto(f"{app_url}/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")
    page.goto("about:blank")
    return context


def time_results(browser: Browser, app_url: str, url: str, cpu: int) -> tuple[float, float]:
    """Seconds from navigation to the load event and to every result drawn, in one cold run."""
    context = signed_in(browser, app_url)
    page = context.pages[0]
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **FAST_4G})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    page.goto(url, wait_until="commit")
    drawn = page.wait_for_function(DRAWN_AT, polling="raf", timeout=60_000).json_value()
    page.wait_for_load_state("load")
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    context.close()
    return loaded / 1000, drawn / 1000


def scripts_of(browser: Browser, app_url: str, path: str) -> tuple[Sizes, Sizes]:
    """The scripts a page ran itself, lazily loaded chunks included, and those Next prefetched
    for its links: each as (count, bytes as sent (gzip), bytes uncompressed)."""
    # Signed in, the sign-in page sends the user on to the dashboard.
    context = signed_in(browser, app_url, signed_in=path != "/sign-in/")
    page = context.pages[0]
    cdp = context.new_cdp_session(page)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(f"{app_url}{path}", wait_until="networkidle")
    if path.startswith("/analysis/?job="):
        page.wait_for_function(RESULTS_DRAWN)
        page.wait_for_load_state("networkidle")
    own, prefetched = page.evaluate(SCRIPTS)
    context.close()
    return total(own), total(prefetched)


def total(sizes: list[list[int]]) -> Sizes:
    return len(sizes), sum(sent for sent, _ in sizes), sum(size for _, size in sizes)


def main(app_url: str, runs: int) -> None:
    job, account = completed_analysis(app_url)
    analysis = f"/analysis/?job={job}"
    pages = {
        "landing": "/",
        "sign-in": "/sign-in/",
        "dashboard": "/dashboard/",
        "accounts": "/accounts/",
        "account": f"/account/?id={account}",
        "analysis (start)": "/analysis/",
        "analysis (results)": analysis,
        "history": "/history/",
        "404": "/no-such-page/",
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        print(f"The analysis page of a completed analysis, {PHONE['width']}x{PHONE['height']},")
        print(
            f"Fast 4G ({FAST_4G['latency']:.0f} ms, {FAST_4G['downloadThroughput'] * 8 / 1e6:.2f}"
            f" Mbit/s down, {FAST_4G['uploadThroughput'] * 8 / 1e6:.2f} Mbit/s up),"
            f" empty cache, {runs} runs:"
        )
        for cpu in CPU_SLOWDOWNS:
            url = f"{app_url}{analysis}"
            loaded, drawn = zip(
                *(time_results(browser, app_url, url, cpu) for _ in range(runs)), strict=True
            )
            print(
                f"  CPU {'as is' if cpu == 1 else f'{cpu}x slower':<11}"
                f" page loaded median {statistics.median(loaded):.2f} s (max {max(loaded):.2f}),"
                f" every result drawn median {statistics.median(drawn):.2f} s"
                f" (max {max(drawn):.2f})"
            )
        print("\nJavaScript each page ran in Chromium (lazily loaded chunks included), and that of")
        print("the pages it links to, which Next prefetches (sent gzipped / uncompressed):")
        print(f"  {'page':<20} {'scripts':>7} {'own':>21}   {'prefetched for links':>21}")
        for name, path in pages.items():
            own, prefetched = scripts_of(browser, app_url, path)
            print(f"  {name:<20} {own[0]:>7} {kb(own)}   {kb(prefetched)}")
        browser.close()
    print("\nJavaScript each exported page loads at first (`npm run sizes`):")
    sizes = subprocess.run(
        ["npm", "run", "--silent", "sizes"], cwd=FRONTEND, capture_output=True, text=True
    )
    print("\n".join(f"  {line}" for line in sizes.stdout.splitlines()) or sizes.stderr)


if __name__ == "__main__":
    main(
        sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000",
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
