"""Lambda SnapStart for the agents' functions (stacks/analysis.py). Lambda snapshots an
environment once its init is done, and every cold start of that version resumes the snapshot:
so init does the slow work (the Agents SDK and LiteLLM imports, the model, the database client,
tracing), and a resumed environment makes anew what must not be shared between environments or
cannot survive a snapshot (randomness, network clients, the tracing exporter's connections)."""

import logging
import random
import time

from snapshot_restore_py import register_after_restore

from runtime import tracing
from runtime.handlers import database
from runtime.model_choice import OFFLINE, model_name
from runtime.model_factory import hosted_model
from shared.settings import get_settings

log = logging.getLogger("alex.snapstart")


def prepare() -> None:
    """In Lambda (ALEX_ENV=aws), at init: make the agents' model (importing LiteLLM), the
    database client and tracing, so that the snapshot holds them. Elsewhere nothing: local runs
    and tests make them on first use."""
    if get_settings().environment != "aws":
        return
    started = time.monotonic()
    name = model_name()
    if name != OFFLINE:
        hosted_model(name)
    database()
    tracing.configure_tracing()
    log.info("ready for the snapshot in %.2f s", time.monotonic() - started)


def fresh_after_restore() -> None:
    """Each resumed environment: its own random sequence, new clients (the snapshot's sockets
    are gone), tracing set up again on first use."""
    random.seed()
    database.cache_clear()
    tracing.forget()


register_after_restore(fresh_after_restore)
