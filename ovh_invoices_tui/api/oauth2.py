"""OAuth2 client credentials (service accounts): token fetched once, cached, renewed before it expires."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from ovh_invoices_tui.api.errors import AuthenticationError, error_from_response
from ovh_invoices_tui.api.http import httpx

RENEW_MARGIN_S = 60.0
SCOPE = "all"

# Sends a request (retries, cap, logs) and returns the response with its body read.
Send = Callable[[httpx.Request], Awaitable[tuple[httpx.Response, bytes]]]


class OAuth2Session:
    """Holds the bearer token of a ``client_id``/``client_secret`` pair for one token URL."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        renew_margin: float = RENEW_MARGIN_S,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._clock = clock
        self._renew_margin = renew_margin
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    def __repr__(self) -> str:
        return f"OAuth2Session(client_id={self.client_id!r}, token_url={self.token_url!r})"

    def invalidate(self, token: str | None = None) -> None:
        """Forget the token (``token``: only if it is still the cached one, so a 401 renews once)."""
        if token is None or token == self._token:
            self._token = None
            self._expires_at = 0.0

    async def token(self, http: httpx.AsyncClient, send: Send) -> str:
        """A valid access token, fetched when missing or within ``renew_margin`` of its expiry."""
        async with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._renew_margin:
                await self._fetch(http, send)
            assert self._token is not None
            return self._token

    def _basic_auth(self) -> str:
        pair = f"{quote(self.client_id, safe='')}:{quote(self._client_secret, safe='')}"
        return "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")

    async def _fetch(self, http: httpx.AsyncClient, send: Send) -> None:
        # HTTP Basic client authentication, as the official client (requests-oauthlib) does.
        request = http.build_request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials", "scope": SCOPE},
            headers={"Accept": "application/json", "Authorization": self._basic_auth()},
        )
        response, raw = await send(request)
        self.fetch_count += 1
        data = _json(raw)
        query_id = response.headers.get("X-Ovh-QueryID")
        if response.status_code >= 400:
            if isinstance(data, dict) and "error" in data and "message" not in data:
                reason = data.get("error_description") or data.get("error")
                raise AuthenticationError(
                    f"OAuth2 token refused: {reason}", status=response.status_code, query_id=query_id
                )
            raise error_from_response(response.status_code, data, query_id)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthenticationError(
                "OAuth2 token answer has no access_token", status=response.status_code, query_id=query_id
            )
        expires_in = data.get("expires_in", 3600)
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = token
        self._expires_at = self._clock() + lifetime


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
