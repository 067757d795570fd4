"""Model usage and cost per user and month, from the jobs' recorded usage: the caller's own
(API), or every user's (the operator), through both drivers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shared.db import Database, Jobs, Users
from shared.schemas import JobCreate, UserCreate

SINCE = datetime.now(UTC) - timedelta(days=31)


def analysis(db: Database, user_id: str, usage: dict[str, tuple[int, int, str]]) -> None:
    """A completed analysis whose agents used these (input, output, cost)."""
    jobs = Jobs(db)
    job = jobs.create(user_id, JobCreate())
    for agent, (input_tokens, output_tokens, cost) in usage.items():
        jobs.record_usage(
            user_id,
            job.id,
            agent,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=Decimal(cost),
        )
    jobs.set_status(user_id, job.id, "running")
    jobs.set_status(user_id, job.id, "completed")


def test_each_users_month_sums_its_analyses_by_agent(db: Database) -> None:
    users = Users(db)
    for user in ("user_ann", "user_bob"):
        users.get_or_create(UserCreate(clerk_user_id=user))
    analysis(db, "user_ann", {"reporter": (1000, 400, "0.0100"), "tagger:NVDA": (50, 10, "0.0005")})
    analysis(db, "user_ann", {"reporter": (2000, 600, "0.0200"), "tagger:TSLA": (70, 30, "0.0007")})
    analysis(db, "user_bob", {"charter": (10, 5, "0.5000")})

    everyone = Jobs(db).monthly_usage(None, SINCE)

    month = datetime.now(UTC).strftime("%Y-%m")
    # The costliest user of the month first.
    assert [(u.clerk_user_id, u.month, u.analyses) for u in everyone] == [
        ("user_bob", month, 1),
        ("user_ann", month, 2),
    ]
    ann = everyone[1]
    assert (ann.input_tokens, ann.output_tokens, ann.cost_usd) == (3120, 1040, Decimal("0.0312"))
    assert [(a.agent, a.input_tokens, a.output_tokens, a.cost_usd) for a in ann.by_agent] == [
        ("reporter", 3000, 1000, Decimal("0.0300")),
        ("tagger", 120, 40, Decimal("0.0012")),
    ]


def test_a_user_sees_only_their_own_usage(db: Database) -> None:
    users = Users(db)
    for user in ("user_ann", "user_bob"):
        users.get_or_create(UserCreate(clerk_user_id=user))
    analysis(db, "user_bob", {"charter": (10, 5, "0.5000")})

    assert Jobs(db).monthly_usage("user_ann", SINCE) == []
    (bob,) = Jobs(db).monthly_usage("user_bob", SINCE)
    assert bob.cost_usd == Decimal("0.5")


def test_months_before_the_window_are_left_out(db: Database) -> None:
    Users(db).get_or_create(UserCreate(clerk_user_id="user_ann"))
    analysis(db, "user_ann", {"reporter": (1, 1, "0.0001")})
    assert Jobs(db).monthly_usage(None, datetime.now(UTC) + timedelta(days=1)) == []
