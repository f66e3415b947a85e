"""API paths routed as the API routes them: an id may hold any character, a trailing slash changes nothing.

Starlette routes on the decoded path, so an id sent as ``FR%2F1`` became two segments and ``FR%0A1`` matched
no route at all; and ``/me/bill/`` answered a redirect that signed clients follow with a stale signature.
The middleware re-encodes, inside each segment, the characters that would break routing (``/``, ``%`` and
control characters) and drops trailing slashes; :func:`decoded_params` gives the handlers the ids as sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

_UNROUTABLE = re.compile(r"[%/\x00-\x1f\x7f]")


def _segment(raw: str) -> str:
    return _UNROUTABLE.sub(lambda m: f"%{ord(m.group()):02X}", unquote(raw))


def routable_path(raw_path: str, prefix: str) -> str:
    """The path to route ``raw_path`` (percent-encoded, as sent) on: segments kept apart, no trailing slash."""
    path = "/".join(_segment(s) for s in raw_path.split("/"))
    trimmed = path.rstrip("/")
    return trimmed if len(trimmed) > len(prefix) else prefix + "/"


def decoded_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Path parameters as the client sent them (undoing :func:`routable_path`'s encoding)."""
    return {k: unquote(v) if isinstance(v, str) else v for k, v in params.items()}


class ApiPathMiddleware:
    """Rewrites the routing path of requests under ``prefix`` (the raw path, used for signatures, is kept)."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix + "/"):
            raw = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
            scope = {**scope, "path": routable_path(raw, self.prefix)}
        await self.app(scope, receive, send)
