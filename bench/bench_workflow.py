"""The analysis workflow on the local engine: what orchestration costs, and whether the branches
really run at once.

Run on demand: `.venv/bin/python bench/bench_workflow.py [seconds per model call]`.

1. A 20-position portfolio (5 of its symbols untagged) analysed with the offline model, then the
   same execution again with every function answering at once with its recorded answer: that
   second run is the orchestration overhead (states, JSONata, history and checkpoints written to
   PostgreSQL, threads). Target: under 1 s.
2. The analysis with a model that sleeps a fixed time on every call (the tagger's and each
   agent's): wall time against tagging + the slowest branch, and against the sum of branches.
"""

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from agents.testing import ModelStep, ScriptedModel, assistant_message

from local.engine import Engine, Store
from local.invoker import LocalLambda, local_definition
from local.postgres import start
from local.workflow import analysis_template
from runtime import model_factory as models
from shared.db import Accounts, Instruments, Jobs, Positions, Users
from shared.db.migrate import migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import seed_instruments
from shared.schemas import (
    AccountCreate,
    InstrumentCreate,
    JobCreate,
    PositionCreate,
    UserCreate,
)

USER = "bench_user"
SEEDED = ["SPY", "QQQ", "IWM", "VTI", "VXUS", "VEA", "VWO", "EFA", "AGG", "BND"]
SEEDED += ["TLT", "HYG", "XLK", "VNQ", "GLD"]
UNTAGGED = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"]
BRANCHES = ("Write report", "Build charts", "Project retirement")
CLASSIFICATION = (
    '{"instrument_type": "stock", "asset_classes": [{"name": "equity", "percent": 100}],'
    ' "regions": [{"name": "north_america", "percent": 100}],'
    ' "sectors": [{"name": "technology", "percent": 100}]}'
)


class Recording:
    """The real functions, each call's answer kept so it can be replayed without the work."""

    def __init__(self, functions: LocalLambda) -> None:
        self.functions = functions
        self.answers: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, payload: Any) -> Any:
        answer = self.functions(name, payload)
        self.answers[_key(name, payload)] = answer
        return answer

    def replay(self, name: str, payload: Any) -> Any:
        return self.answers[_key(name, payload)]


def _key(name: str, payload: Any) -> tuple[str, str]:
    """A call, whichever job it is for."""
    return name, repr({k: v for k, v in payload.items() if k != "job_id"})


def portfolio(db: PsycopgDriver) -> None:
    Users(db).get_or_create(
        UserCreate(clerk_user_id=USER, current_age=45, annual_contribution=Decimal(10000))
    )
    account = Accounts(db).create(
        USER, AccountCreate(account_name="Brokerage", account_type="taxable")
    )
    for symbol in UNTAGGED:
        Instruments(db).upsert(
            InstrumentCreate(
                symbol=symbol, name=symbol, instrument_type="stock", current_price=Decimal(100)
            )
        )
    for n, symbol in enumerate(SEEDED + UNTAGGED, start=1):
        Positions(db).create(
            USER, PositionCreate(account_id=account.id, symbol=symbol, quantity=Decimal(n))
        )


def execute(engine: Engine, db: PsycopgDriver | None) -> tuple[float, str]:
    """Run one analysis; a job row only for real functions (`db`): replayed ones write none."""
    job_id = Jobs(db).create(USER, JobCreate()).id if db else uuid.uuid4()
    began = time.perf_counter()
    arn = engine.start_execution({"job_id": str(job_id), "user_id": USER})
    description = engine.wait(arn, timeout=600)
    elapsed = time.perf_counter() - began
    assert description["status"] == "SUCCEEDED", description
    return elapsed, arn


def spans(engine: Engine, arn: str) -> dict[str, float]:
    """Seconds each state took, from its first entry to its last exit."""
    entered: dict[str, Any] = {}
    exited: dict[str, Any] = {}
    for event in engine.get_execution_history(arn):
        for verb, seen in (("Entered", entered), ("Exited", exited)):
            if event["type"].endswith(f"State{verb}"):
                name = event[f"state{verb}EventDetails"]["name"]
                if verb == "Entered":
                    seen.setdefault(name, event["timestamp"])
                else:
                    seen[name] = event["timestamp"]
    return {name: (exited[name] - entered[name]).total_seconds() for name in exited}


def sleeping(seconds: float) -> None:
    """Every model call sleeps first: the agents' offline model, and the tagger's model."""
    respond = models.OfflineModel.get_response

    async def slow(self: models.OfflineModel, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(seconds)
        return await respond(self, *args, **kwargs)

    models.OfflineModel.get_response = slow  # type: ignore[method-assign]

    from functions.tagger import handler as tagger

    class SleepyTagger(ScriptedModel):
        async def get_response(self, *args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(seconds)
            return await super().get_response(*args, **kwargs)

    tagger.model_name = lambda: "bedrock/bench"  # type: ignore[assignment]
    tagger.hosted_model = lambda name: SleepyTagger(  # type: ignore[assignment]
        [ModelStep(output=[assistant_message(CLASSIFICATION)])]
    )


def main(seconds: float) -> None:
    import os

    os.environ["ALEX_MODEL"] = "offline"
    with tempfile.TemporaryDirectory() as directory:
        server, url = start(Path(directory) / "postgres", "alex_bench")
        os.environ["DATABASE_URL"] = url
        db = PsycopgDriver(url)
        migrate(db)
        seed_instruments(db)
        portfolio(db)
        definition, handlers = local_definition(analysis_template())
        store = Store(PsycopgDriver(url))
        recording = Recording(LocalLambda(handlers))

        real = Engine(definition, recording, store, sleep=lambda _: None)
        warm, _ = execute(real, db)  # imports the handlers
        for symbol in UNTAGGED:  # the offline tagger leaves them untagged: still to do
            assert not Instruments(db).get(symbol).allocation_regions
        offline = [execute(real, db)[0] for _ in range(3)]
        print(
            f"20 positions, offline model: {statistics.median(offline):.2f} s (first {warm:.2f} s)"
        )

        replayed = Engine(definition, recording.replay, store, sleep=lambda _: None)
        overhead = [execute(replayed, None)[0] for _ in range(5)]
        print(
            f"orchestration overhead (functions answering at once): median"
            f" {statistics.median(overhead) * 1000:.0f} ms, max {max(overhead) * 1000:.0f} ms"
            f" over {len(overhead)} runs (target < 1 s)"
        )
        history = len(real.get_execution_history(execute(replayed, None)[1]))
        print(f"  {history} history events per execution")

        sleeping(seconds)
        slow = Engine(definition, LocalLambda(handlers), store, sleep=lambda _: None)
        wall, arn = execute(slow, db)
        took = spans(slow, arn)
        branches = [took[name] for name in BRANCHES]
        print(f"\nmodel sleeping {seconds:.2f} s per call:")
        for name in ("Start job", "Tag instruments", *BRANCHES, "Finalize job"):
            print(f"  {name:<26} {took[name]:6.2f} s")
        tagging = took["Tag instruments"]
        print(f"  {'wall time':<26} {wall:6.2f} s")
        print(f"  {'tagging + slowest branch':<26} {tagging + max(branches):6.2f} s")
        print(f"  {'tagging + sum of branches':<26} {tagging + sum(branches):6.2f} s")
        db.close()
        store.db.close()
        server.cleanup()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
