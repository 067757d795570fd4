"""The SPA's static build for local runs: rebuilt when `frontend/` has changed since the last
build (its sources hashed into a stamp beside the build), with the API on the same origin."""

import hashlib
import logging
import os
import subprocess
from pathlib import Path

from shared.settings import FRONTEND, SPA_NOT_SOURCES

BUILD = FRONTEND / "out"
STAMP = BUILD / ".alex-sources"

log = logging.getLogger(__name__)


class SpaBuildFailed(Exception):
    """npm could not install, build or test the SPA; the message says which command and where."""


def spa_build() -> Path | None:
    """The SPA's build, built first if missing or stale; None when the checkout has no SPA."""
    if not (FRONTEND / "package.json").exists():
        return None
    digest = _sources_digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return BUILD
    install()
    log.info("Building the SPA (its sources changed since the last build)...")
    npm("run", "build")
    STAMP.write_text(digest)
    return BUILD


def install() -> None:
    """The SPA's Node packages, as its lockfile pins them (again when the lockfile changed)."""
    installed = FRONTEND / "node_modules" / ".package-lock.json"
    lock = FRONTEND / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        npm("ci", "--no-audit", "--no-fund")


def npm(*args: str) -> None:
    """Run npm in `frontend/` for a local run: same-origin API, no telemetry."""
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1", "NEXT_PUBLIC_API_URL": ""}
    command = ["npm", *args]
    if subprocess.run(command, cwd=FRONTEND, env=env).returncode:
        raise SpaBuildFailed(f"`{' '.join(command)}` failed in {FRONTEND} (its output is above)")


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(FRONTEND.rglob("*")):
        relative = path.relative_to(FRONTEND)
        if path.is_file() and not SPA_NOT_SOURCES.intersection(relative.parts):
            digest.update(str(relative).encode() + path.read_bytes())
    # The build reads the Clerk key: a build for another key is another build.
    digest.update(os.environ.get("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "").encode())
    return digest.hexdigest()
