"""Throughput and latency of `GET /api/jobs/{id}` (what the SPA polls) from 50 concurrent
clients on loopback, against the API under uvicorn on PostgreSQL, signed in with a dev token.

Run on demand: `.venv/bin/python bench/bench_api.py [seconds] [clients]`. The server runs in its
own process; DATABASE_URL, when set, replaces the embedded PostgreSQL. Target (issue 7): p99 under
50 ms locally.
"""

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.db import Jobs  # noqa: E402 - after the project root is importable
from shared.db.psycopg_driver import PsycopgDriver  # noqa: E402
from shared.db.seed import TEST_USER_ID, reset  # noqa: E402
from shared.schemas import JobCreate  # noqa: E402


def serve(port: int) -> None:
    """The server process: the API as `alex dev` runs it, with the dev issuer."""
    import uvicorn

    from local.api_server import local_app
    from shared.settings import get_settings

    uvicorn.run(local_app(get_settings()), host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Connection:
    """One keep-alive HTTP/1.1 connection, read and written by hand: a Python HTTP client's own
    work would otherwise be most of what is measured on a two-core machine."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> "Connection":
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


async def client_loop(
    port: int, request: bytes, until: float, latencies: list[float], errors: list[int]
) -> None:
    connection = await Connection.open(port)
    try:
        while time.perf_counter() < until:
            began = time.perf_counter()
            status = await connection.get(request)
            latencies.append((time.perf_counter() - began) * 1000)
            if status != 200:
                errors.append(status)
    finally:
        connection.close()


async def load(port: int, path: str, token: str, seconds: float, clients: int) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    await asyncio.gather(
        *(client_loop(port, request, time.perf_counter() + 1, [], []) for _ in range(clients))
    )
    latencies: list[float] = []
    errors: list[int] = []
    began = time.perf_counter()
    await asyncio.gather(
        *(client_loop(port, request, began + seconds, latencies, errors) for _ in range(clients))
    )
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"GET {path.rsplit('/', 1)[0]}/{{id}}, {clients} concurrent clients, {seconds:g} s")
    print(f"  requests     {len(latencies)} ({len(errors)} not 200)")
    print(f"  throughput   {len(latencies) / elapsed:8.1f} requests/s")
    print(f"  latency p50  {statistics.median(latencies):8.2f} ms")
    print(f"  latency p99  {p99:8.2f} ms")
    print(f"  latency max  {latencies[-1]:8.2f} ms")


def main(seconds: float, clients: int) -> None:
    with tempfile.TemporaryDirectory(prefix="alex-bench-") as directory:
        url = os.environ.get("DATABASE_URL")
        server = None
        if not url:
            from local.postgres import start

            server, url = start(Path(directory) / "postgres", "alex_bench")
        db = PsycopgDriver(url)
        reset(db, with_test_data=True)
        job = Jobs(db).create(TEST_USER_ID, JobCreate())
        db.close()

        port = free_port()
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ALEX_")}
        environment.update(
            DATABASE_URL=url, ALEX_ENV="local", ALEX_DEV_ISSUER="true", ALEX_DATA_DIR=directory
        )
        api = subprocess.Popen(
            [sys.executable, __file__, "serve", str(port)], cwd=ROOT, env=environment
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(f"{base_url}/health").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            token = httpx.post(f"{base_url}/dev/token", json={"user_id": TEST_USER_ID}).json()
            asyncio.run(load(port, f"/api/jobs/{job.id}", token["token"], seconds, clients))
        finally:
            api.terminate()
            api.wait(timeout=10)
            if server is not None:
                server.cleanup()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(int(sys.argv[2]))
    else:
        main(
            float(sys.argv[1]) if len(sys.argv) > 1 else 10,
            int(sys.argv[2]) if len(sys.argv) > 2 else 50,
        )
