"""Which cache file a profile uses, opening it for the app, and clearing caches.

A real profile's cache is ``<cache dir>/<profile name>.sqlite3``. A sandbox demo profile's is keyed by the
sandbox's seed and size (another seed is another account), and its sandbox "today" is pinned to the first
start so a second start finds the same bills, as a real account would.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui import locations
from ovh_invoices_tui.core.i18n import register
from ovh_invoices_tui.data.account_lock import AccountLock
from ovh_invoices_tui.data.cache.db import SUFFIX, BillCache, CacheUnavailable

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.config import Profile

log = logging.getLogger(__name__)

SANDBOX_NOW_KEY = "sandbox_now"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")

register(
    {
        "cache.offline": {
            "en": "Offline: showing the cached invoices, read-only ({error}). Restart once the network is back.",
            "fr": "Hors ligne : factures en cache, en lecture seule ({error}). Relancez quand le réseau revient.",
        },
    }
)


def safe_name(name: str) -> str:
    """A file name for ``name``: kept when already safe, else cleaned and suffixed by a short hash."""
    cleaned = _UNSAFE.sub("_", name).lstrip(".") or "profile"
    if cleaned == name:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned}-{digest}"


def cache_key(profile: Profile) -> str:
    """``demo-seed42-500`` for a sandbox profile, the profile's name otherwise."""
    if profile.demo:
        from ovh_invoices_tui.data.clients import sandbox_config_for

        config = sandbox_config_for(profile)
        return f"{profile.name}-seed{config.seed}-{config.bills}"
    return profile.name


def cache_path(profile: Profile, directory: Path | None = None) -> Path:
    """``<cache dir>/<safe key>.sqlite3`` of a profile."""
    return (directory or locations.cache_dir()) / f"{safe_name(cache_key(profile))}{SUFFIX}"


def payment_lock_path(profile: Profile, directory: Path | None = None) -> Path | None:
    """The payment lock of the account ``profile`` reaches (endpoint and credential); None for a demo.

    Two profiles with the same endpoint and keys are one account, so they share the lock. A demo profile
    runs its own in-process sandbox, an account no other process can pay.
    """
    # Kept beside the cache: when the cache is bound to the account (nichandle), this follows it.
    if profile.demo:
        return None
    identity = "\0".join(
        (profile.base_url, profile.application_key or "", profile.consumer_key or "", profile.client_id or "")
    )
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
    return (directory or locations.cache_dir()) / f"pay-{digest}.lock"


def payment_lock(profile: Profile, directory: Path | None = None) -> AccountLock | None:
    """The account's payment lock (see :mod:`~ovh_invoices_tui.data.account_lock`); None for a demo."""
    path = payment_lock_path(profile, directory)
    return AccountLock(path) if path is not None else None


def open_profile_cache(profile: Profile, directory: Path | None = None) -> BillCache | None:
    """The profile's cache, or None (logged) when it cannot be used at all: the app then runs without it."""
    try:
        return BillCache.open(cache_path(profile, directory))
    except CacheUnavailable as exc:
        log.warning("%s", exc)
        return None


def sandbox_now(cache: BillCache) -> datetime:
    """The demo sandbox's "today": the first start's, remembered in the cache."""
    saved = cache.meta(SANDBOX_NOW_KEY)
    if saved:
        try:
            return datetime.fromisoformat(saved)
        except ValueError:
            pass
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)  # as an unpinned sandbox
    cache.set_meta(SANDBOX_NOW_KEY, now.isoformat())
    return now


def demo_client_factory(cache: BillCache) -> Callable[..., OvhClient]:
    """A ``client_factory`` for the app: the demo profile's sandbox with its "today" pinned by the cache."""
    from ovh_invoices_tui.data.clients import make_client, sandbox_config_for

    def factory(profile: Profile, **options: Any) -> OvhClient:
        if not profile.demo:
            return make_client(profile, **options)
        config = dataclasses.replace(sandbox_config_for(profile), now=sandbox_now(cache))
        return make_client(profile, sandbox=config, **options)

    return factory


def cache_files(directory: Path | None = None) -> list[Path]:
    """Every cache database in the cache folder."""
    folder = directory or locations.cache_dir()
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def clear_caches(profile: Profile | None = None, directory: Path | None = None) -> list[Path]:
    """Delete one profile's cache (with ``profile``) or all of them; returns the databases removed."""
    if profile is not None:
        path = cache_path(profile, directory)
        targets = [path] if path.exists() else []
        if profile.demo:  # every size and seed of the demo
            prefix = f"{safe_name(profile.name)}-seed"
            targets = [p for p in cache_files(directory) if p.name.startswith(prefix)] or targets
    else:
        targets = cache_files(directory)
    for path in targets:
        for name in (path, *(path.with_name(path.name + side) for side in ("-wal", "-shm", "-journal"))):
            name.unlink(missing_ok=True)
    return targets
