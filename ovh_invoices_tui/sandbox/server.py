"""``ovh-invoices sandbox serve``: the sandbox over HTTP with uvicorn."""

from __future__ import annotations

import dataclasses
import socket

import uvicorn

from . import credentials
from .accounts import AccountSpec
from .app import create_app
from .config import SandboxConfig
from .subsidiaries import subsidiary

STANDING_NOTES = {
    "mixed": "a few recent invoices due",
    "overdue": "invoices overdue",
    "failed_payment": "a failed payment",
    "paid": "nothing due",
    "rejected": "credentials rejected (403 INVALID_CREDENTIAL)",
}


def ovh_conf(base_url: str) -> str:
    """An ``ovh.conf`` snippet pointing the official clients (and this app) at the sandbox."""
    # The endpoint is the URL itself (accepted by this app and the official Go client); its section is named after it.
    return (
        "[default]\n"
        f"endpoint={base_url}\n\n"
        f"[{base_url}]\n"
        f"application_key={credentials.APPLICATION_KEY}\n"
        f"application_secret={credentials.APPLICATION_SECRET}\n"
        f"consumer_key={credentials.CONSUMER_KEY}\n"
        f"; read-only consumer key: {credentials.READONLY_CONSUMER_KEY}\n"
        f"; OAuth2 instead: client_id={credentials.CLIENT_ID} client_secret={credentials.CLIENT_SECRET}\n"
    )


class ListenError(Exception):
    """The address cannot be listened on (in use, not local, not resolvable): one line for the user."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening; raises ListenError."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def config_profiles(base_url: str, specs: tuple[AccountSpec, ...]) -> str:
    """One ovh-invoices config profile per account (an ``ovh.conf`` holds one account per endpoint)."""
    blocks = []
    for n, spec in enumerate(specs, 1):
        sub = subsidiary(spec.subsidiary)
        blocks.append(
            f"# {spec.nichandle} · {spec.organisation} · {sub.code} {sub.currency} {sub.language} · "
            f"{STANDING_NOTES[spec.standing]}\n"
            f"[profiles.sandbox-{n}]\n"
            f'endpoint = "{base_url}"\n'
            f'application_key = "{spec.application_key}"\n'
            f'application_secret = "{spec.application_secret}"\n'
            f'consumer_key = "{spec.consumer_key}"\n'
            f"# read-only consumer key: {spec.readonly_consumer_key}\n"
            f"# OAuth2 instead: client_id={spec.client_id} client_secret={spec.client_secret}\n"
        )
    return "\n".join(blocks)


def banner(base_url: str, config: SandboxConfig) -> str:
    """What ``sandbox serve`` prints: where to connect and the credentials (a profile snippet per account)."""
    origin = base_url[: -len(config.base_path)] if base_url.endswith(config.base_path) else base_url
    head = f"OVH billing API sandbox: {base_url}\nOAuth2 token URL: {origin}{credentials.TOKEN_PATH}\n"
    specs = config.account_specs()
    if len(specs) == 1:
        return f"{head}{config.bills} bills, seed {config.seed}, subsidiary {config.subsidiary}\n\n{ovh_conf(base_url)}"
    return (f"{head}{len(specs)} accounts, seed {config.seed}: add these profiles to ovh-invoices' config.toml\n\n"
            f"{config_profiles(base_url, specs)}")


def serve(host: str = "127.0.0.1", port: int = 8080, config: SandboxConfig | None = None) -> None:
    """Run the sandbox until interrupted, printing its endpoint URL and the credentials to use.

    The port is bound first (a taken port fails at once), then the data are generated, then the banner says
    where to connect.
    """
    config = config or SandboxConfig()
    sock = listen(host, port)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    base_url = f"http://{shown}:{port}{config.base_path}"
    config = dataclasses.replace(config, base_url=base_url)
    app = create_app(config)
    print(banner(base_url, config), flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
