"""One HTTP exchange with the API: signing or OAuth2, time delta, retries, in-flight cap, error mapping, logs.

:class:`ApiSession` is the transport layer under :class:`~ovh_invoices_tui.api.client.OvhClient`; it knows
nothing of billing objects.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from ovh_invoices_tui import __version__
from ovh_invoices_tui.api.errors import (
    ApiError,
    DocumentError,
    NetworkError,
    OutcomeUnknownError,
    error_from_response,
    is_time_rejection,
)
from ovh_invoices_tui.api.http import httpx
from ovh_invoices_tui.api.oauth2 import OAuth2Session
from ovh_invoices_tui.api.retry import RETRYABLE_STATUSES, RetryPolicy
from ovh_invoices_tui.api.signing import signature, signed_headers

USER_AGENT = f"ovh-invoices/{__version__}"
_UNDECODED = object()  # ApiResponse.data not decoded yet
QUERY_ID_HEADER = "X-Ovh-QueryID"
Params = Mapping[str, Any] | Sequence[tuple[str, Any]] | None

WAIT_NOTICE_S = 3.0  # with a waiting callback (--verbose), say what is awaited once a request takes this long
CONNECT_TIMEOUT_S = 10.0  # a connection takes this long at most, even with a longer timeout

# Failures where the request certainly never reached the server: safe to report as a plain network error.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(frozen=True, slots=True)
class RequestLog:
    """One attempt, for ``--verbose`` and the in-app request log (no secret, no document query string)."""

    method: str
    path: str
    status: int | None  # None when no answer came
    duration_ms: float
    query_id: str | None


class ApiResponse:
    """A successful answer: its bytes, headers and status; ``data`` is the decoded JSON (None when empty).

    The JSON is decoded on first use of ``data``, so a listing page can be decoded straight from ``content``
    into typed objects instead (:mod:`ovh_invoices_tui.core.wire`).
    """

    __slots__ = ("_data", "content", "headers", "status")

    def __init__(self, content: bytes, headers: httpx.Headers, status: int, data: Any = _UNDECODED) -> None:
        self.content = content
        self.headers = headers
        self.status = status
        self._data = data

    @property
    def data(self) -> Any:
        """The decoded JSON; raises ApiError when the answer is not JSON."""
        if self._data is _UNDECODED:
            self._data = _decode(self.content)
        return self._data


class ApiSession:
    """Sends requests to one API base URL with one set of credentials."""

    def __init__(
        self,
        base_url: str,
        *,
        application_key: str | None = None,
        application_secret: str | None = None,
        consumer_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_flight: int = 8,
        limiter: asyncio.Semaphore | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        on_request: Callable[[RequestLog], None] | None = None,
        on_wait: Callable[[str, float, float], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.on_wait = on_wait
        self.application_key = application_key
        self._application_secret = application_secret
        self._consumer_key = consumer_key
        self._oauth2: OAuth2Session | None = None
        if client_id and client_secret:
            if not token_url:
                raise ValueError("OAuth2 credentials need a token URL for this endpoint")
            self._oauth2 = OAuth2Session(client_id, client_secret, token_url)
        self.retry = retry or RetryPolicy()
        self.on_request = on_request
        self._clock = clock
        # A limiter shared by several sessions caps their requests together (the accounts overview: 8 in all).
        self._semaphore = limiter or asyncio.Semaphore(max_in_flight)
        self._time_delta: int | None = None
        self._time_lock = asyncio.Lock()
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S)),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self._secrets = [s for s in (application_secret, consumer_key, client_secret) if s]

    def __repr__(self) -> str:
        return f"ApiSession(base_url={self.base_url!r}, application_key={self.application_key!r})"

    @property
    def uses_oauth2(self) -> bool:
        return self._oauth2 is not None

    @property
    def time_delta(self) -> int | None:
        """Server time minus local time, in seconds (None until synchronised)."""
        return self._time_delta

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- public calls ---------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        lazy: bool = False,
    ) -> ApiResponse:
        """``METHOD base_url+path?params`` with a compact JSON body; GETs retried, POSTs never.

        With ``lazy`` the JSON is decoded only when ``data`` is first read (the caller may decode ``content``).
        """
        method = method.upper()
        url = self.base_url + path + _query(params)
        content = b"" if body is None else json.dumps(body, separators=(",", ":")).encode("utf-8")
        extra = dict(headers or {})
        if content:
            extra["Content-Type"] = "application/json"
        log_path = path + _query(params)
        resynced = reauthenticated = False
        attempt = 0
        while True:
            request = await self._build(method, url, content, extra, auth)
            try:
                response, raw = await self._attempt(request, log_path, idempotent=method == "GET", attempt=attempt)
            except _Retry as again:
                attempt += 1
                await asyncio.sleep(again.delay)
                continue
            if response.status_code < 400:
                # eager by default: an answer that is not JSON fails here, where the call is made
                data = _UNDECODED if lazy else _decode(raw)
                return ApiResponse(raw, response.headers, response.status_code, data)
            error = self._error(response, raw)
            if auth and not self.uses_oauth2 and not resynced and _clock_suspect(error):
                resynced = True
                before = self._time_delta
                await self._sync_time(force=True)
                if is_time_rejection(error) or self._time_delta != before:
                    continue
            if auth and self._oauth2 is not None and response.status_code == 401 and not reauthenticated:
                reauthenticated = True
                self._oauth2.invalidate(_bearer(request))
                continue
            raise error

    async def download(self, url: str, *, max_bytes: int) -> bytes:
        """Unsigned GET of a document URL (retried like GETs), at most ``max_bytes``."""
        parts = urlsplit(url)
        log_path = f"{parts.scheme}://{parts.netloc}{parts.path}"  # the query may hold the password
        attempt = 0
        while True:
            request = self._http.build_request("GET", url, headers={"Accept": "*/*"})
            try:
                response, raw = await self._attempt(
                    request, log_path, idempotent=True, attempt=attempt, max_bytes=max_bytes, follow=True
                )
            except _Retry as again:
                attempt += 1
                await asyncio.sleep(again.delay)
                continue
            if response.status_code >= 400:
                error = self._error(response, raw)
                if not isinstance(_decode_or_none(raw), dict):
                    error = error_from_response(
                        response.status_code, {"message": "Document download failed"}, error.query_id
                    )
                raise error
            return raw

    # --- internals ------------------------------------------------------------------------------

    async def _build(self, method: str, url: str, content: bytes, headers: dict[str, str], auth: bool) -> httpx.Request:
        request = self._http.build_request(method, url, content=content or None, headers=headers)
        if not auth:
            return request
        if self._oauth2 is not None:
            token = await self._oauth2.token(self._http, self._send_token_request)
            request.headers["Authorization"] = f"Bearer {token}"
            return request
        if not (self.application_key and self._application_secret and self._consumer_key):
            raise ValueError("signed call without application key, application secret and consumer key")
        await self._sync_time()
        timestamp = int(self._clock()) + (self._time_delta or 0)
        sign = signature(self._application_secret, self._consumer_key, method, str(request.url), content, timestamp)
        request.headers.update(signed_headers(self.application_key, self._consumer_key, timestamp, sign))
        return request

    async def _sync_time(self, force: bool = False) -> None:
        """Take the server clock once (``GET /auth/time``, unauthenticated); again when ``force``."""
        if self._time_delta is not None and not force:
            return
        async with self._time_lock:
            if self._time_delta is not None and not force:
                return
            response = await self.call("GET", "/auth/time", auth=False)
            try:
                server_time = int(response.data)
            except (TypeError, ValueError):
                raise ApiError(f"unexpected /auth/time answer {response.data!r:.40}") from None
            self._time_delta = server_time - int(self._clock())

    async def _send_token_request(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        attempt = 0
        path = urlsplit(str(request.url)).path
        while True:
            try:
                return await self._attempt(request, path, idempotent=True, attempt=attempt)
            except _Retry as again:
                attempt += 1
                await asyncio.sleep(again.delay)

    async def _attempt(
        self,
        request: httpx.Request,
        log_path: str,
        *,
        idempotent: bool,
        attempt: int,
        max_bytes: int | None = None,
        follow: bool = False,
    ) -> tuple[httpx.Response, bytes]:
        """One try under the in-flight cap; raises ``_Retry`` when a GET should be tried again."""
        can_retry = idempotent and attempt < self.retry.retries
        started = time.perf_counter()
        status: int | None = None
        query_id: str | None = None
        notice = self._wait_notice(f"{request.method} {log_path}")
        try:
            async with self._semaphore:
                response = await self._http.send(request, stream=True, follow_redirects=follow)
                status = response.status_code
                query_id = response.headers.get(QUERY_ID_HEADER)
                try:
                    raw = await _read(response, max_bytes)
                finally:
                    await response.aclose()
        except httpx.TransportError as exc:
            # A server silent for a whole timeout gets one more chance, not four: the user is waiting.
            if can_retry and not (isinstance(exc, httpx.TimeoutException) and attempt >= 1):
                raise _Retry(self.retry.backoff(attempt + 1)) from exc
            raise self._network_error(exc, request.method, idempotent) from None
        finally:
            if notice is not None:
                notice.cancel()
            self._log(request.method, log_path, status, started, query_id)
        if can_retry and response.status_code in RETRYABLE_STATUSES:
            raise _Retry(self.retry.delay(attempt + 1, response.headers.get("Retry-After")))
        return response, raw

    def _wait_notice(self, what: str) -> asyncio.TimerHandle | None:
        """Tell ``on_wait`` what is awaited when it takes more than :data:`WAIT_NOTICE_S`."""
        if self.on_wait is None:
            return None
        delay = WAIT_NOTICE_S
        return asyncio.get_running_loop().call_later(delay, self.on_wait, what, delay, self.timeout)

    def _network_error(self, exc: httpx.TransportError, method: str, idempotent: bool) -> Exception:
        reason = type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            reason = f"timed out after {self.timeout:g} s; --timeout or `timeout` in the config waits longer"
        if not idempotent and not isinstance(exc, _NOT_SENT):
            return OutcomeUnknownError(
                f"{method} sent but no answer came ({reason}): it may have been done; check before trying again"
            )
        host = urlsplit(self.base_url).netloc
        return NetworkError(f"cannot reach {host} ({reason})")

    def _error(self, response: httpx.Response, raw: bytes) -> ApiError:
        body = _decode_or_none(raw)
        if body is None:
            body = raw.decode("utf-8", "replace")
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            body = {**body, "message": self._redact(body["message"])}
        elif isinstance(body, str):
            body = self._redact(body)
        return error_from_response(response.status_code, body, response.headers.get(QUERY_ID_HEADER))

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _log(self, method: str, path: str, status: int | None, started: float, query_id: str | None) -> None:
        if self.on_request is not None:
            elapsed = (time.perf_counter() - started) * 1000
            self.on_request(RequestLog(method, path, status, round(elapsed, 1), query_id))


class _Retry(Exception):
    def __init__(self, delay: float) -> None:
        super().__init__(delay)
        self.delay = delay


async def _read(response: httpx.Response, max_bytes: int | None) -> bytes:
    length = response.headers.get("Content-Length")
    if max_bytes is not None and length and length.isdigit() and int(length) > max_bytes:
        raise DocumentError(f"document larger than {max_bytes // 1_000_000} MB", status=response.status_code)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise DocumentError(f"document larger than {max_bytes // 1_000_000} MB", status=response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


def _query(params: Params) -> str:
    if not params:
        return ""
    items = params.items() if isinstance(params, Mapping) else params
    pairs = [(key, _param(value)) for key, value in items if value is not None]
    return "?" + urlencode(pairs) if pairs else ""


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(f"the API answered something that is not JSON: {raw[:60]!r}") from None


def _decode_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        return None


def _clock_suspect(error: ApiError) -> bool:
    return is_time_rejection(error) or error.error_code == "INVALID_SIGNATURE"


def _bearer(request: httpx.Request) -> str | None:
    value = request.headers.get("Authorization", "")
    return value[7:] if value.startswith("Bearer ") else None
