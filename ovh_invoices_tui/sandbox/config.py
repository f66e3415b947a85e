"""The sandbox's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SandboxConfig:
    """How big, how slow and how unreliable the emulated billing API is.

    ``clock_skew_s`` shifts the server clock (clients must use ``/auth/time``); ``now`` fixes the
    dataset's "today" for determinism (default: the current time); ``retry_after_s`` is the
    ``Retry-After`` of injected 429s (0 keeps client tests fast).
    """

    bills: int = 500
    seed: int = 42
    subsidiary: str = "FR"
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    iceberg: bool = True
    clock_skew_s: int = 0
    base_url: str = "http://sandbox.invalid/1.0"
    token_ttl_s: int = 3600
    now: datetime | None = None
    retry_after_s: int = 1

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of ``base_url``: documents, payment pages and OAuth2 live there."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        """The API's path prefix, ``/1.0``."""
        return urlsplit(self.base_url).path.rstrip("/") or "/1.0"
