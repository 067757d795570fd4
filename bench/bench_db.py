"""Latency of the repository calls the API and the workflow make, on the embedded PostgreSQL.

Run on demand: `.venv/bin/python bench/bench_db.py [iterations]`. Target (docs/architecture.md,
Targets): database queries under 100 ms; locally they should be a small fraction of that.
"""

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from local.postgres import start
from shared.db import Accounts, Instruments, Jobs, Positions, Users
from shared.db.pages import DEFAULT_PAGE_SIZE
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import SEED_INSTRUMENTS, TEST_USER_ID, reset
from shared.schemas import JobCreate


def measure(name: str, call: Callable[[], object], iterations: int) -> None:
    call()  # warm up: plans cached, pages in memory
    timings = []
    for _ in range(iterations):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"{name:<38} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   max {timings[-1]:7.3f} ms")


def main(iterations: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        server, url = start(Path(directory) / "postgres", "alex_bench")
        db = PsycopgDriver(url)
        reset(db, with_test_data=True)
        account = Accounts(db).for_user(TEST_USER_ID)[0]
        job = Jobs(db).create(TEST_USER_ID, JobCreate())
        Jobs(db).set_status(TEST_USER_ID, job.id, "running")
        symbols = [i.symbol for i in SEED_INSTRUMENTS]
        print(f"{iterations} iterations each, PostgreSQL via psycopg on a Unix socket\n")
        measure("Users.get", lambda: Users(db).get(TEST_USER_ID), iterations)
        measure("Accounts.for_user", lambda: Accounts(db).for_user(TEST_USER_ID), iterations)
        measure(
            "Positions.for_account",
            lambda: Positions(db).for_account(TEST_USER_ID, account.id, DEFAULT_PAGE_SIZE),
            iterations,
        )
        measure("Positions.for_user", lambda: Positions(db).for_user(TEST_USER_ID), iterations)
        measure("Instruments.find (25 symbols)", lambda: Instruments(db).find(symbols), iterations)
        measure("Instruments.search", lambda: Instruments(db).search("van"), iterations)
        measure("Jobs.get", lambda: Jobs(db).get(TEST_USER_ID, job.id), iterations)
        measure(
            "Jobs.mark_step (locked read + write)",
            lambda: Jobs(db).mark_step(TEST_USER_ID, job.id, "report", "running"),
            iterations,
        )
        measure("Jobs.recent", lambda: Jobs(db).recent(TEST_USER_ID), iterations)
        db.close()
        server.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
