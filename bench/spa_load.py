"""The analysis page's load in Chromium under DevTools' "Fast 4G" profile, against a running
`./alex dev`: until the page has loaded, until the progress graph shows, until every result
(report, charts, retirement chart) is drawn. Target (docs/architecture.md, Targets): first load
under 2 s.

Run on demand, with `./alex dev` running: `.venv/bin/python bench/spa_load.py [app url] [runs]`.
It signs in as the demo user and opens their latest completed analysis (run one first with
`./alex analyze`). The local server compresses like CloudFront (gzip); each run starts with an
empty cache.
"""

import shutil
import statistics
import sys
import time

import httpx
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_FLAGS

# DevTools' "Fast 4G": 9 Mbit/s down, 1.5 Mbit/s up, 165 ms latency (bytes per second below).
FAST_4G = {"latency": 165, "downloadThroughput": 9_000_000 / 8, "uploadThroughput": 1_500_000 / 8}
USER = "test_user_001"


def main(app_url: str, runs: int) -> None:
    token = httpx.post(f"{app_url}/dev/token", json={"user_id": USER}).json()["token"]
    jobs = httpx.get(f"{app_url}/api/jobs", headers={"Authorization": f"Bearer {token}"}).json()
    completed = [job for job in jobs["items"] if job["status"] == "completed"]
    if not completed:
        raise SystemExit(f"{USER} has no completed analysis: run `./alex analyze` first")
    page_url = f"{app_url}/analysis/?job={completed[0]['id']}"
    loaded, graph, results = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{app_url}/sign-in/")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dashboard/")
            page.goto("about:blank")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **FAST_4G})
            began = time.perf_counter()
            page.goto(page_url, wait_until="load")
            loaded.append(time.perf_counter() - began)
            page.get_by_role("group", name="Analysis progress").wait_for()
            graph.append(time.perf_counter() - began)
            page.get_by_role("img", name="Projected balance", exact=False).wait_for()
            page.get_by_role("figure").nth(3).wait_for()
            results.append(time.perf_counter() - began)
            context.close()
        browser.close()
    for name, seconds in (
        ("page loaded", loaded),
        ("graph shown", graph),
        ("results drawn", results),
    ):
        print(f"{name:<14} median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s")


if __name__ == "__main__":
    main(
        sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000",
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
