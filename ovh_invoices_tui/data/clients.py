"""Build the client of a profile: the real API, or the in-process sandbox for a demo profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.http import httpx
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.sandbox import credentials

if TYPE_CHECKING:
    from ovh_invoices_tui.config import Profile
    from ovh_invoices_tui.sandbox.config import SandboxConfig


def sandbox_config_for(profile: Profile) -> SandboxConfig:
    """The sandbox a demo profile asks for (``sandbox_bills``, ``sandbox_seed``; the four demo accounts' for one of
    them), defaults otherwise: the CLI and the app see the same demo account."""
    from ovh_invoices_tui.sandbox.config import SandboxConfig

    options: dict[str, Any] = {"base_url": credentials.INPROCESS_BASE_URL}
    if profile.sandbox_bills is not None:
        options["bills"] = profile.sandbox_bills
    if profile.sandbox_seed is not None:
        options["seed"] = profile.sandbox_seed
    config = SandboxConfig(**options)
    if profile.sandbox_account is not None:  # one of the --demo accounts: the sandbox that serves all four
        from ovh_invoices_tui.sandbox.accounts import demo_accounts

        config = replace(config, accounts=demo_accounts(config.seed, config.bills))
    return config


def make_client(
    profile: Profile,
    *,
    sandbox: SandboxConfig | None = None,
    sandbox_app: Any = None,
    on_request: Callable[[RequestLog], None] | None = None,
    **options: Any,
) -> OvhClient:
    """An :class:`OvhClient` for ``profile``; ``options`` go to the client (retries, max_in_flight …).

    A demo profile gets a new in-process sandbox, or ``sandbox_app`` (one kept for the app's life, so what was
    paid in it is still paid when another client of the same account asks).
    """
    if profile.demo or sandbox is not None or sandbox_app is not None:
        from ovh_invoices_tui.sandbox.app import create_app

        app = sandbox_app if sandbox_app is not None else create_app(sandbox or sandbox_config_for(profile))
        # A demo account of a shared sandbox signs with its own keys (a consumer key belongs to one account).
        own = profile.sandbox_account is not None
        return OvhClient(
            credentials.INPROCESS_BASE_URL,
            application_key=(own and profile.application_key) or credentials.APPLICATION_KEY,
            application_secret=(own and profile.application_secret) or credentials.APPLICATION_SECRET,
            consumer_key=(own and profile.consumer_key) or credentials.CONSUMER_KEY,
            transport=httpx.ASGITransport(app=app),
            on_request=on_request,
            **options,
        )
    oauth2 = profile.uses_oauth2
    return OvhClient(
        profile.base_url,
        application_key=None if oauth2 else profile.application_key,
        application_secret=None if oauth2 else profile.application_secret,
        consumer_key=None if oauth2 else profile.consumer_key,
        client_id=profile.client_id if oauth2 else None,
        client_secret=profile.client_secret if oauth2 else None,
        token_url=profile.token_url if oauth2 else None,
        on_request=on_request,
        **options,
    )
