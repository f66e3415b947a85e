"""The sandbox's settings."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from .accounts import MAX_ACCOUNTS, STANDINGS, AccountSpec, account
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
    ``Retry-After`` of injected 429s (0 keeps client tests fast). ``accounts`` serves several accounts, each
    with its own credentials, size, seed and subsidiary (:mod:`.accounts`); empty, the sandbox serves one
    account made of ``bills``, ``seed`` and ``subsidiary``.
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
    accounts: tuple[AccountSpec, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "accounts", tuple(self.accounts))  # a list is welcome too
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if out_of_range(value, low, high):
                raise ValueError(f"{name} must be {range_text(low, high)}, got {value}")
        if self.subsidiary.upper() not in SUBSIDIARIES:
            raise ValueError(f"unknown subsidiary {self.subsidiary!r} (known: {', '.join(SUBSIDIARIES)})")
        if self.accounts:
            _check_accounts(self.accounts)

    def account_specs(self) -> tuple[AccountSpec, ...]:
        """The accounts served: ``accounts``, or the one account of ``bills``, ``seed`` and ``subsidiary``."""
        return self.accounts or (account(0, seed=self.seed, bills=self.bills, subsidiary=self.subsidiary),)

    def for_account(self, spec: AccountSpec) -> SandboxConfig:
        """The config that generates ``spec``'s data (its size, seed, subsidiary and standing)."""
        return replace(self, bills=spec.bills, seed=spec.seed, subsidiary=spec.subsidiary, accounts=(spec,))

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of ``base_url``: documents, payment pages and OAuth2 live there."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        """The API's path prefix, ``/1.0``."""
        return urlsplit(self.base_url).path.rstrip("/") or "/1.0"


def _check_accounts(specs: tuple[AccountSpec, ...]) -> None:
    """Raise ValueError unless the accounts are few enough, small enough, and their credentials distinct."""
    if len(specs) > MAX_ACCOUNTS:
        raise ValueError(f"accounts must be {range_text(1, MAX_ACCOUNTS)}, got {len(specs)}")
    total = sum(spec.bills for spec in specs)
    if out_of_range(total, 0, MAX_BILLS):
        raise ValueError(f"bills of all accounts together must be {range_text(0, MAX_BILLS)}, got {total}")
    for spec in specs:
        if out_of_range(spec.bills, 0, MAX_BILLS):
            raise ValueError(f"account {spec.nichandle}: bills must be {range_text(0, MAX_BILLS)}, got {spec.bills}")
        if spec.subsidiary.upper() not in SUBSIDIARIES or spec.standing not in STANDINGS:
            raise ValueError(f"account {spec.nichandle}: unknown subsidiary {spec.subsidiary!r} or standing "
                             f"{spec.standing!r} (standings: {', '.join(STANDINGS)})")
    keys = [k for s in specs for k in (s.consumer_key, s.readonly_consumer_key)]
    for what, values in (("nichandle", [s.nichandle for s in specs]), ("consumer key", keys),
                         ("client id", [s.client_id for s in specs])):
        if len(set(values)) != len(values):
            raise ValueError(f"two accounts share a {what}: each account has its own")
