"""Injected latency and failures on the API routes (deterministic from the seed).

With ``error_rate`` p, a request fails with probability p, evenly among: 429 (``Retry-After:
retry_after_s``), 500, 502, 503 (OVH-style JSON bodies) and a dropped connection. A dropped
connection sends the response head then raises :class:`httpx.RemoteProtocolError`: in-process
(``httpx.ASGITransport``) the client sees that transport error; under uvicorn the connection is closed
mid-response, which httpx reports the same way.
"""

from __future__ import annotations

import asyncio
import json
import random

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

FAULTS = ("429", "500", "502", "503", "drop")
BODIES = {
    429: {"class": "Client::TooManyRequests", "message": "Too many requests, please retry later"},
    500: {"class": "Server::InternalServerError", "message": "Internal server error"},
    502: {"class": "Server::BadGateway", "message": "Bad gateway"},
    503: {"class": "Server::ServiceUnavailable", "message": "This service is temporarily unavailable"},
}
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class FaultMiddleware:
    """Adds latency and random failures to requests whose path starts with ``prefix``."""

    def __init__(self, app: ASGIApp, *, prefix: str, seed: int, latency_ms: int = 0, jitter_ms: int = 0,
                 error_rate: float = 0.0, retry_after_s: int = 1, injected: list[str] | None = None) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/") + "/"
        self.rng = random.Random(seed ^ 0x5EED)
        self.latency_ms = latency_ms
        self.jitter_ms = jitter_ms
        self.error_rate = error_rate
        self.retry_after_s = retry_after_s
        self.injected = injected if injected is not None else []  # what was injected, in order

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        delay = self.latency_ms + (self.rng.uniform(0, self.jitter_ms) if self.jitter_ms else 0)
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        if self.error_rate > 0 and self.rng.random() < self.error_rate:
            fault = self.rng.choice(FAULTS)
            self.injected.append(fault)
            await self._fail(fault, send)
            return
        await self.app(scope, receive, send)

    async def _fail(self, fault: str, send: Send) -> None:
        if fault == "drop":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            raise httpx.RemoteProtocolError("Server disconnected without sending a response (sandbox fault)")
        status = int(fault)
        body = json.dumps(BODIES[status]).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8"),
                   (b"content-length", str(len(body)).encode())]
        if status in (429, 503):
            headers.append((b"retry-after", str(self.retry_after_s).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
