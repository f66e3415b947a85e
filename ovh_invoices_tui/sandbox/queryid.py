"""Every response carries an ``X-Ovh-QueryID``; every request is counted (tests read the counts)."""

from __future__ import annotations

from collections import Counter

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class QueryIdMiddleware:
    """Stamps ``X-Ovh-QueryID`` and records ``(method, path, status)`` of each request.

    ``requests`` counts ``"GET /me/bill"`` style keys (path without the API prefix, no query).
    """

    def __init__(self, app: ASGIApp, *, prefix: str, seed: int, requests: Counter[str],
                 log: list[tuple[str, str, int, str]]) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self.seed = seed
        self.counter = 0
        self.requests = requests
        self.log = log

    def _path(self, path: str) -> str:
        return path[len(self.prefix):] or "/" if path.startswith(self.prefix + "/") else path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.counter += 1
        query_id = f"EU.ext-3.{self.seed & 0xFFFFFFFF:08x}.{4000 + self.counter % 9000}.{self.counter:012x}"
        method, path = scope["method"], self._path(scope["path"])
        self.requests[f"{method} {path}"] += 1
        status = 0

        async def stamped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Ovh-QueryID", query_id)
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, stamped)
        finally:
            self.log.append((method, path, status, query_id))
