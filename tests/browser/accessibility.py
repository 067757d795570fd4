"""axe-core (the SPA's pinned devDependency) run in the page as the user sees it: every violation is
kept in `test-results/accessibility/<name>.json`, and a serious or critical one fails the test,
named by rule, impact and the elements it found."""

import json
from typing import Any

from playwright.sync_api import Page

from shared.settings import FRONTEND, PROJECT_ROOT

AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = PROJECT_ROOT / "test-results" / "accessibility"
BLOCKING = ("serious", "critical")
# Finite animations end and infinite ones stop, so a pulsing "Loading…" is judged as it rests,
# not at whatever opacity it had when axe measured its contrast.
STILL = "*, *::before, *::after { animation: none !important; transition: none !important; }"


def violations(page: Page) -> list[dict[str, Any]]:
    """What axe finds wrong with the page as it is now, by rule (WCAG 2 A/AA, best practices)."""
    # Evaluated rather than added as a <script>: the SPA's CSP allows only its own scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    page.add_style_tag(content=STILL)
    results = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return list(results["violations"])


def assert_accessible(page: Page, name: str) -> None:
    """Fail on any serious or critical violation; keep every violation found for the record."""
    found = violations(page)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(found, indent=2))
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, (
        f"{len(blocking)} serious or critical accessibility violations on {name}"
        f" (all of them: test-results/accessibility/{name}.json):\n"
        + "\n".join(describe(v) for v in blocking)
    )


def describe(violation: dict[str, Any]) -> str:
    """A rule's violation as a person fixing it wants it: what, how bad, where, and axe's why."""
    lines = [
        f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"
    ]
    for node in violation["nodes"][:8]:
        checks = node["any"] or node["all"] or node["none"]
        why = checks[0]["message"] if checks else node.get("failureSummary", "")
        lines.append(f"    {' > '.join(map(str, node['target']))}: {why}")
    if len(violation["nodes"]) > 8:
        lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)
