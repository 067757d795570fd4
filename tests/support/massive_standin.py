"""A stand-in for Massive's REST API on loopback: the snapshot endpoint the price source calls,
answering in the shape Massive documents (`{"status": "OK", "tickers": [...]}`, each ticker with
`lastTrade` {p, t in ns}, `day` {c, ...}, `updated` in ns), or with an error status on demand."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SNAPSHOT_PATH = "/v2/snapshot/locale/us/markets/stocks/tickers"


@dataclass
class MassiveStandIn:
    url: str
    trades: dict[str, tuple[float, int]] = field(default_factory=dict)
    """symbol -> (last trade price, its SIP timestamp in nanoseconds)."""
    closes: dict[str, tuple[float, int]] = field(default_factory=dict)
    """symbol -> (the day's close, `updated` in nanoseconds), for tickers with no last trade."""
    fail_with: list[int] = field(default_factory=list)
    """Statuses to answer the next calls with, in order, before answering normally."""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if path != SNAPSHOT_PATH:
            return 404, {"status": "NOT_FOUND", "message": "Unknown API route"}
        if self.fail_with:
            status = self.fail_with.pop(0)
            return status, {"status": "ERROR", "error": f"stand-in answered {status}"}
        tickers = query.get("tickers", [""])[0].split(",")
        found = []
        for ticker in tickers:
            if ticker in self.trades:
                price, ns = self.trades[ticker]
                found.append(
                    {
                        "ticker": ticker,
                        "day": {"o": price, "h": price, "l": price, "c": price, "v": 1000},
                        "lastTrade": {"p": price, "s": 100, "t": ns, "x": 4},
                        "prevDay": {"c": price - 1, "o": price - 1},
                        "todaysChange": 1.0,
                        "updated": ns,
                    }
                )
            elif ticker in self.closes:
                close, ns = self.closes[ticker]
                found.append({"ticker": ticker, "day": {"c": close, "v": 10}, "updated": ns})
        return 200, {"status": "OK", "count": len(found), "tickers": found}


@contextmanager
def massive_standin() -> Iterator[MassiveStandIn]:
    standin: MassiveStandIn

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            query = parse_qs(parsed.query)
            standin.requests.append(
                {
                    "path": parsed.path,
                    "query": query,
                    "authorization": self.headers.get("Authorization"),
                }
            )
            status, body = standin.answer(parsed.path, query)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    standin = MassiveStandIn(url=f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
