"""Request signing as OVHcloud's official clients do it (``$1$`` + SHA-1)."""

from __future__ import annotations

import hashlib


def signature(
    application_secret: str,
    consumer_key: str,
    method: str,
    url: str,
    body: bytes | str,
    timestamp: int,
) -> str:
    """``"$1$" + sha1_hex(secret+ck+METHOD+full_url+body+timestamp)``, joined with ``+``.

    ``url`` is the full URL with its query exactly as sent, ``body`` the exact bytes sent (or empty).
    """
    body_text = body.decode("utf-8") if isinstance(body, bytes) else body
    payload = "+".join([application_secret, consumer_key, method.upper(), url, body_text, str(timestamp)])
    return "$1$" + hashlib.sha1(payload.encode("utf-8")).hexdigest()


def signed_headers(application_key: str, consumer_key: str, timestamp: int, request_signature: str) -> dict[str, str]:
    """The four ``X-Ovh-*`` headers of a request signed with :func:`signature` (same consumer key and timestamp)."""
    return {
        "X-Ovh-Application": application_key,
        "X-Ovh-Consumer": consumer_key,
        "X-Ovh-Timestamp": str(timestamp),
        "X-Ovh-Signature": request_signature,
    }
