"""``ovh-invoices sandbox serve``: the sandbox over HTTP with uvicorn."""

from __future__ import annotations

import dataclasses
import socket

import uvicorn

from . import credentials
from .app import create_app
from .config import SandboxConfig


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
    print(f"OVH billing API sandbox: {base_url}")
    print(f"OAuth2 token URL: http://{shown}:{port}{credentials.TOKEN_PATH}")
    print(f"{config.bills} bills, seed {config.seed}, subsidiary {config.subsidiary}\n", flush=True)
    print(ovh_conf(base_url), flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
