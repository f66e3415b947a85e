"""OVHcloud API endpoints: names to base URLs and OAuth2 token URLs (a URL is accepted as is)."""

from __future__ import annotations

from urllib.parse import urlsplit

ENDPOINTS: dict[str, str] = {
    "ovh-eu": "https://eu.api.ovh.com/1.0",
    "ovh-ca": "https://ca.api.ovh.com/1.0",
    "ovh-us": "https://api.us.ovhcloud.com/1.0",
    "kimsufi-eu": "https://eu.api.kimsufi.com/1.0",
    "kimsufi-ca": "https://ca.api.kimsufi.com/1.0",
    "soyoustart-eu": "https://eu.api.soyoustart.com/1.0",
    "soyoustart-ca": "https://ca.api.soyoustart.com/1.0",
}

# OAuth2 service accounts exist only on these three.
OAUTH2_TOKEN_URLS: dict[str, str] = {
    "ovh-eu": "https://www.ovh.com/auth/oauth2/token",
    "ovh-ca": "https://ca.ovh.com/auth/oauth2/token",
    "ovh-us": "https://us.ovhcloud.com/auth/oauth2/token",
}

DEFAULT_ENDPOINT = "ovh-eu"


class UnknownEndpointError(ValueError):
    """An endpoint that is neither a known name nor a usable http(s) URL (``reason`` says what is wrong)."""

    def __init__(self, endpoint: str, reason: str | None = None) -> None:
        names = ", ".join(ENDPOINTS)
        if reason is None:
            super().__init__(f"unknown endpoint {endpoint!r} (use one of {names}, or an http(s) URL)")
        else:
            super().__init__(f"endpoint {endpoint!r}: {reason}")
        self.endpoint = endpoint


def is_url(endpoint: str) -> bool:
    """True for ``http://…`` / ``https://…`` endpoints."""
    return endpoint.startswith(("http://", "https://"))


def base_url(endpoint: str) -> str:
    """The API base URL of an endpoint name (``ovh-eu``) or URL (``http://127.0.0.1:8080/1.0``)."""
    if is_url(endpoint):
        check_url(endpoint)
        return endpoint.rstrip("/")
    try:
        return ENDPOINTS[endpoint.strip().lower()]
    except KeyError:
        raise UnknownEndpointError(endpoint) from None


def check_url(endpoint: str) -> None:
    """Raise :class:`UnknownEndpointError` saying why an http(s) URL cannot be an API base URL."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in endpoint):
        raise UnknownEndpointError(endpoint, "spaces or control characters in a URL")
    try:
        parts = urlsplit(endpoint)
        port = parts.port  # reads the port: letters or a number out of 0-65535 fail here
    except ValueError as exc:
        raise UnknownEndpointError(endpoint, f"not a usable URL ({str(exc).lower()})") from None
    if not parts.hostname:
        raise UnknownEndpointError(endpoint, "no host (e.g. http://127.0.0.1:8080/1.0)")
    if port == 0:
        raise UnknownEndpointError(endpoint, "port 0 (use 1-65535)")


def token_url(endpoint: str) -> str | None:
    """The OAuth2 token URL; ``{origin}/auth/oauth2/token`` for a URL; None where OAuth2 is unavailable."""
    if is_url(endpoint):
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}/auth/oauth2/token"
    name = endpoint.strip().lower()
    if name not in ENDPOINTS:
        raise UnknownEndpointError(endpoint)
    return OAUTH2_TOKEN_URLS.get(name)
