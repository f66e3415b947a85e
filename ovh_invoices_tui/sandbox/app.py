"""The sandbox ASGI app: a faithful in-process emulation of the billing part of the OVHcloud API.

``create_app(config)`` answers the API under ``config.base_path`` (``/1.0``) and, at the origin, the
documents (``/cgi-bin/order/…``), the consumer-key validation page (``/auth/?credentialToken=…``) and
the OAuth2 token endpoint (``POST /auth/oauth2/token``). Its state is ``app.state.sandbox``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Router

from . import routes_account, routes_bills, routes_payments, routes_public
from .api import routing_error
from .config import SandboxConfig
from .faults import FaultMiddleware
from .paths import ApiPathMiddleware
from .queryid import QueryIdMiddleware
from .state import SandboxState


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """A fresh sandbox (its own data and state) for ``config``."""
    config = config or SandboxConfig()
    state = SandboxState(config)
    # No slash redirects: a signed client would follow them with a stale signature (ApiPathMiddleware trims).
    api = Mount(config.base_path, app=Router(
        [*routes_account.ROUTES, *routes_bills.ROUTES, *routes_payments.ROUTES], redirect_slashes=False))
    middleware = [
        Middleware(QueryIdMiddleware, prefix=config.base_path, seed=config.seed, requests=state.requests,
                   log=state.request_log),
        Middleware(FaultMiddleware, prefix=config.base_path, seed=config.seed, latency_ms=config.latency_ms,
                   jitter_ms=config.jitter_ms, error_rate=config.error_rate, retry_after_s=config.retry_after_s,
                   injected=state.faults),
        Middleware(ApiPathMiddleware, prefix=config.base_path),
    ]
    app = Starlette(routes=[api, *routes_public.ROUTES], middleware=middleware,
                    exception_handlers={HTTPException: routing_error})
    app.state.sandbox = state
    return app
