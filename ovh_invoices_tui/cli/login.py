"""``ovh-invoices login``: ask a least-privilege consumer key, wait for its validation, save the profile."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time

from ovh_invoices_tui import locations
from ovh_invoices_tui.api import endpoints
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import AuthenticationError, NotGrantedError
from ovh_invoices_tui.api.http import httpx
from ovh_invoices_tui.api.rules import access_rules
from ovh_invoices_tui.cli.core import EXIT_AUTH, EXIT_OK, EXIT_USAGE, PROG, CliContext, command
from ovh_invoices_tui.config import Profile, load_ovh_conf, refuse_shared_folder, save_profile
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.sandbox import credentials as sandbox_credentials

DEFAULT_PROFILE_NAME = "default"
WAIT_TIMEOUT_S = 15 * 60


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", help="ovh-eu (default), ovh-ca, ovh-us, … or an API URL")
    parser.add_argument("--application-key", metavar="KEY")
    parser.add_argument("--application-secret", metavar="SECRET", help="asked on the terminal if left out")
    parser.add_argument("--no-wait", action="store_true", help="save the key without waiting for validation")
    parser.add_argument("--poll-interval", type=float, default=2.0, help=argparse.SUPPRESS)
    parser.add_argument("--wait-timeout", type=float, default=WAIT_TIMEOUT_S, help=argparse.SUPPRESS)


def create_app_url(endpoint: str) -> str:
    """Where to create an application key for this endpoint."""
    return endpoints.base_url(endpoint).removesuffix("/1.0") + "/createApp/"


def _ask(prompt: str, secret: bool) -> str | None:
    if not sys.stdin.isatty():
        return None
    value = getpass.getpass(prompt) if secret else input(prompt)
    return value.strip() or None


@command("login", help="create a consumer key (least privilege) and save it in a profile",
         configure=_configure, needs_profile=False)  # fmt: skip
async def login(ctx: CliContext) -> int:
    args = ctx.args
    refuse_shared_folder(locations.config_file(args.config))  # before a key is asked for, not after
    name = args.profile or DEFAULT_PROFILE_NAME
    existing = ctx.settings.profiles.get(name)
    readonly = bool(args.readonly or (existing and existing.readonly))
    transport: httpx.AsyncBaseTransport | None = None
    app_key: str | None
    app_secret: str | None
    if args.demo:
        from ovh_invoices_tui.config import demo_profile
        from ovh_invoices_tui.data.clients import sandbox_config_for
        from ovh_invoices_tui.sandbox.app import create_app

        endpoint = sandbox_credentials.INPROCESS_BASE_URL
        app_key, app_secret = sandbox_credentials.APPLICATION_KEY, sandbox_credentials.APPLICATION_SECRET
        transport = httpx.ASGITransport(app=create_app(sandbox_config_for(demo_profile(existing))))
    else:
        default = existing.endpoint if existing else endpoints.DEFAULT_ENDPOINT
        endpoint = default if args.endpoint is None else args.endpoint  # an empty --endpoint is a mistake
        endpoints.base_url(endpoint)  # an unknown name fails here, before any prompt
        from_conf = load_ovh_conf(endpoint=endpoint)
        app_key = (
            args.application_key
            or (existing and existing.application_key)
            or (from_conf and from_conf.application_key)
            or _ask("Application key: ", secret=False)
        )
        app_secret = (
            args.application_secret
            or (existing and existing.application_secret)
            or (from_conf and from_conf.application_secret)
            or _ask("Application secret: ", secret=True)
        )
        if not app_key or not app_secret:
            print(
                f"{PROG}: error: an application key and secret are needed "
                f"(create them at {create_app_url(endpoint)}, then pass --application-key and "
                "--application-secret)",
                file=ctx.err,
            )
            return EXIT_USAGE
    base_url = endpoints.base_url(endpoint)
    options = ctx.client_options()  # --timeout, and --verbose's request log
    async with OvhClient(base_url, application_key=app_key, transport=transport, **options) as c:
        request = await c.request_consumer_key(access_rules(readonly))
    print(f"Open this address, log in and validate the access ({'read-only' if readonly else 'read and pay'}):",
          file=ctx.out)  # fmt: skip
    print(f"  {clean(request.validation_url)}", file=ctx.out)
    if args.demo:
        # The sandbox validates when its page is opened: open it, as the user would.
        async with OvhClient(base_url, transport=transport) as opener:
            await opener.download_document(request.validation_url, expect_pdf=False)
        print("(demo: validated automatically)", file=ctx.out)
    if not args.no_wait:
        async with OvhClient(
            base_url,
            application_key=app_key,
            application_secret=app_secret,
            consumer_key=request.consumer_key,
            transport=transport,
            **options,
        ) as client:
            state = await _wait_for_validation(client, args.poll_interval, args.wait_timeout)
        if state != "validated":
            print(f"{PROG}: error: the access was not validated ({state})", file=ctx.err)
            return EXIT_AUTH
    profile = Profile(
        name=name,
        endpoint=endpoint,
        application_key=app_key,
        application_secret=app_secret,
        consumer_key=request.consumer_key,
        readonly=readonly,
        language=existing.language if existing else None,
        demo=bool(args.demo),
    )
    path = save_profile(profile, ctx.args.config)
    print(f"Saved profile {name!r} in {path}", file=ctx.out)
    return EXIT_OK


async def _wait_for_validation(client: OvhClient, interval: float, timeout: float) -> str:
    """Poll ``/auth/currentCredential`` until the key is validated, refused or expired."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            state = str((await client.current_credential()).get("status", ""))
        except NotGrantedError:
            raise
        except AuthenticationError:
            state = "pendingValidation"  # an unvalidated key is refused as an invalid credential
        if state in ("validated", "refused", "expired"):
            return state
        if time.monotonic() >= deadline:
            return "still pending: run login again, or use --no-wait and validate later"
        await asyncio.sleep(interval)
