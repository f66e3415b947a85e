"""The sandbox's settings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from .subsidiaries import SUBSIDIARIES

MAX_BILLS = 1_000_000  # about 30 s and 750 MB to generate: beyond, a sandbox would only eat the machine
MAX_LATENCY_MS = 60_000
# Allowed ranges of the settings a user chooses (CLI options, a demo profile's sandbox_bills).
LIMITS: dict[str, tuple[float, float]] = {
    "bills": (0, MAX_BILLS),
    "latency_ms": (0, MAX_LATENCY_MS),
    "jitter_ms": (0, MAX_LATENCY_MS),
    "error_rate": (0.0, 1.0),
}


def range_text(low: float, high: float) -> str:
    """``from 0 to 1,000,000`` (integers with thousands separators)."""
    return f"from {low:,} to {high:,}"


def out_of_range(value: float, low: float, high: float) -> bool:
    """True when ``value`` is not within [low, high] (NaN is out of every range)."""
    return math.isnan(value) or not low <= value <= high


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

    def __post_init__(self) -> None:
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if out_of_range(value, low, high):
                raise ValueError(f"{name} must be {range_text(low, high)}, got {value}")
        if self.subsidiary.upper() not in SUBSIDIARIES:
            raise ValueError(f"unknown subsidiary {self.subsidiary!r} (known: {', '.join(SUBSIDIARIES)})")

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of ``base_url``: documents, payment pages and OAuth2 live there."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        """The API's path prefix, ``/1.0``."""
        return urlsplit(self.base_url).path.rstrip("/") or "/1.0"
