"""The operator's sweep reads every user's jobs that stopped changing while pending or running
(`Jobs.stale`), the least recently changed first."""

from datetime import UTC, datetime, timedelta

from shared.db import Database, Jobs, Users
from shared.schemas import JobCreate, UserCreate


def test_stale_lists_every_users_active_jobs_unchanged_since_then_oldest_first(
    db: Database,
) -> None:
    jobs = Jobs(db)
    for user_id in ("user_a", "user_b", "user_c", "user_d"):
        Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
    pending = jobs.create("user_a", JobCreate())
    running = jobs.set_status("user_b", jobs.create("user_b", JobCreate()).id, "running")
    jobs.set_status("user_c", jobs.create("user_c", JobCreate()).id, "failed")
    touched = jobs.create("user_d", JobCreate())
    now = datetime.now(UTC) + timedelta(seconds=1)

    assert [job.id for job in jobs.stale(now, 10)] == [pending.id, running.id, touched.id]
    assert [job.id for job in jobs.stale(now, 2)] == [pending.id, running.id]
    # A change to a job's row makes it fresh again: it goes to the end of the queue.
    jobs.set_status("user_a", pending.id, "running")
    assert [job.id for job in jobs.stale(now, 10)] == [running.id, touched.id, pending.id]
    assert jobs.stale(touched.updated_at - timedelta(microseconds=1), 10) == [running]
