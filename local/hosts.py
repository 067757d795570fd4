"""Which Host a local server answers: this machine's loopback names on the port it listens on.

A web page the developer visits can make the browser send requests to 127.0.0.1 under its own
name (DNS rebinding: `attacker.example` resolving to 127.0.0.1); its Host header still says
`attacker.example`, and is refused.
"""

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})


def is_local_host(host: str | None, port: int) -> bool:
    """True for `127.0.0.1:<port>` or `localhost:<port>` (any letter case, a trailing dot
    allowed): the names a browser on this machine uses for the server listening on `port`."""
    if not host:
        return False
    name, separator, given_port = host.rpartition(":")
    if not separator or given_port != str(port):
        return False
    return name.lower().rstrip(".") in LOOPBACK_NAMES


def refusal(host: str | None, port: int) -> str:
    """Why a request with this Host is refused, and what to use instead."""
    return (
        f"this local server answers only http://127.0.0.1:{port} and http://localhost:{port};"
        f" the request was for {host or 'no host'!r}"
    )
