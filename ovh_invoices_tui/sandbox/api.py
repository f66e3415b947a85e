"""Plumbing shared by the API routes: errors as the real API shapes them, authentication, listings."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .auth import AuthError
from .iceberg import Field, IcebergError, Paginator, datetime_value, page_headers, parse_headers, price_value
from .paths import decoded_params
from .state import SandboxState

Handler = Callable[[Request, SandboxState], Awaitable[Response]]


class ApiError(Exception):
    """An error answered as JSON with the real API's body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


def not_found(field: str, value: object) -> ApiError:
    return ApiError(404, {"class": "Client::NotFound",
                          "message": f"The requested object ({field} = {value}) does not exist"})


def bad_request(message: str) -> ApiError:
    return ApiError(400, {"class": "Client::BadRequest", "message": message})


# What the API answers for a path, or a method on a path, that it does not know.
INVALID_URL = {"class": "Client::NotFound", "message": "Got an invalid (or empty) URL"}


async def routing_error(request: Request, exc: Exception) -> Response:
    """Starlette's routing errors (no route: 404, a method the path lacks: 405) answered as the API does."""
    return json_response(INVALID_URL, 404)


def json_response(obj: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status, dict(headers or {}), media_type="application/json; charset=utf-8")


def sandbox(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _signed_urls(request: Request, state: SandboxState) -> list[str]:
    """The full URLs a client may have signed: as received (scheme://host/raw_path?query) and as configured."""
    scope = request.scope
    raw_path = scope.get("raw_path") or scope["path"].encode()
    tail = raw_path.decode("latin-1")
    query = scope.get("query_string", b"").decode("latin-1")
    if query:
        tail += "?" + query
    host = request.headers.get("host") or state.config.origin.split("://", 1)[1]
    return list(dict.fromkeys([f"{scope.get('scheme', 'http')}://{host}{tail}", f"{state.config.origin}{tail}"]))


def endpoint(handler: Handler | None = None, *, public: bool = False) -> Any:
    """Wrap a route: authenticate (unless public), map ApiError/AuthError/IcebergError to JSON."""

    def decorate(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
        @wraps(fn)
        async def run(request: Request) -> Response:
            state = sandbox(request)
            request.scope["path_params"] = decoded_params(request.path_params)
            try:
                if not public:
                    body = (await request.body()).decode("utf-8", "replace")
                    path = request.scope["path"][len(state.config.base_path):] or "/"
                    nichandle = state.auth.check(request.method, path, _signed_urls(request, state), body,
                                                 request.headers)
                    state = state.of(nichandle)  # a key reads its own account's data only
                return await fn(request, state)
            except (ApiError, AuthError) as exc:
                return json_response(exc.body, exc.status)
            except IcebergError as exc:
                return json_response({"class": "Client::BadRequest", "message": str(exc)}, 400)

        return run

    return decorate(handler) if handler is not None else decorate


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request("Invalid JSON body") from None


# --- listings ---------------------------------------------------------------------------------------


def json_fields(to_json: Callable[[Any], dict[str, Any]], kinds: Mapping[str, str]) -> dict[str, Field]:
    """Iceberg fields read from an object's JSON (kinds: str, int, date, price)."""

    def getter(key: str, kind: str) -> Callable[[Any], Any]:
        def get(item: Any) -> Any:
            value = to_json(item).get(key)
            if value is None:
                return None
            if kind == "date":
                return datetime_value(value)
            if kind == "price":
                return price_value(value)
            return value

        return get

    parse: dict[str, Callable[[str], Any]] = {"str": str, "int": int, "date": datetime_value, "price": float}
    def text(key: str) -> Callable[[Any], str]:
        return lambda item: str(to_json(item).get(key))

    return {key: Field(getter(key, kind), parse[kind], text(key) if kind == "date" else None)
            for key, kind in kinds.items()}


def listing(request: Request, state: SandboxState, name: str, items: Sequence[Any],
            ids: Callable[[Any], Any], to_json: Callable[[Any], dict[str, Any]],
            fields: Callable[[], Mapping[str, Field]], raw: Callable[[Any], str] | None = None) -> Response:
    """A list route: plain ids, or an iceberg page of full objects when the headers ask for it.

    ``fields`` builds the collection's iceberg fields (once per app: the paginator caches them);
    ``raw``, when given, returns an object's JSON text (faster than ``to_json`` + ``json.dumps``).
    """
    query = parse_headers(request.headers) if state.config.iceberg else None
    if query is None:
        return json_response([ids(i) for i in items])
    paginator = state.paginators.get(name)
    if paginator is None:
        paginator = state.paginators[name] = Paginator(fields())
    key = (name, state.version, request.url.path, str(request.query_params))
    page, total = paginator.select(items, query, cache_key=key)
    if raw is not None:  # pre-encoded objects: join them
        body = "[" + ",".join(raw(i) for i in page) + "]"
        return Response(body, 200, page_headers(query, total), media_type="application/json; charset=utf-8")
    return json_response([to_json(i) for i in page], headers=page_headers(query, total))


def datetime_param(name: str, raw: object) -> float:
    """A ``datetime`` parameter (query or body) as epoch seconds; 400 with the API's message when malformed."""
    try:
        if not isinstance(raw, str):
            raise TypeError(raw)
        return datetime_value(raw)
    except (TypeError, ValueError):
        raise bad_request(f"[{name}] Given data ({raw}) is not valid for type datetime") from None


def native_dates(request: Request) -> tuple[float | None, float | None]:
    """``date.from`` / ``date.to`` query parameters as epoch seconds (400 when malformed)."""
    out: list[float | None] = []
    for name in ("date.from", "date.to"):
        raw = request.query_params.get(name)
        out.append(datetime_param(name, raw) if raw else None)
    return out[0], out[1]


def native_long(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"[{name}] Given data ({raw}) is not valid for type long") from None
