"""Every engine test keeps its executions in a store of its own on the test PostgreSQL."""

from collections.abc import Iterator

import pytest

from local.engine import Store
from local.engine.store import drop
from shared.db.psycopg_driver import PsycopgDriver
from tests.engine import fakes


@pytest.fixture(autouse=True)
def store(migrated_url: str) -> Iterator[Store]:
    database = PsycopgDriver(migrated_url)
    drop(database)
    current = Store(database)
    fakes.use_store(current)
    yield current
    database.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for the AWS conformance suite: cases run, and how many matched AWS."""
    reports = [
        report
        for outcome in ("passed", "failed", "xfailed", "xpassed")
        for report in terminalreporter.stats.get(outcome, [])
        if "test_aws_conformance.py" in report.nodeid and report.when == "call"
    ]
    if reports:
        matched = sum(report.passed and not hasattr(report, "wasxfail") for report in reports)
        terminalreporter.write_line(
            f"AWS conformance: {len(reports)} cases run, {matched} matched AWS"
        )
