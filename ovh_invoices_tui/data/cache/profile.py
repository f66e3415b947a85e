"""Which cache file a profile uses, opening it for the app, and clearing caches.

A real profile's cache is its account's, ``<cache dir>/<nichandle>-<endpoint>.sqlite3``, found through the
credentials' binding (:mod:`~ovh_invoices_tui.data.cache.accounts`) and confirmed by ``/me``
(:func:`check_account`). A sandbox demo profile's is keyed by the sandbox's seed and size (another seed is
another account), and its sandbox "today" is pinned to the first start so a second start finds the same
bills, as a real account would.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui import locations
from ovh_invoices_tui.core.i18n import language_of, t
from ovh_invoices_tui.data.account_lock import AccountLock
from ovh_invoices_tui.data.cache.accounts import (
    BINDINGS_FILE,
    HOLDER_KEY,
    AccountBinding,
    credential_identity,
    holder,
    safe_name,
)
from ovh_invoices_tui.data.cache.db import SUFFIX, BillCache, CacheUnavailable

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.config import Profile
    from ovh_invoices_tui.core.models import Account

log = logging.getLogger(__name__)

SANDBOX_NOW_KEY = "sandbox_now"


def cache_key(profile: Profile) -> str:
    """``demo-seed42-500`` for a sandbox profile, the profile's name otherwise."""
    if profile.demo:
        from ovh_invoices_tui.data.clients import sandbox_config_for

        config = sandbox_config_for(profile)
        return f"{profile.name}-seed{config.seed}-{config.bills}"
    return profile.name


def demo_cache_path(profile: Profile, directory: Path | None = None) -> Path:
    """``<cache dir>/<safe key>.sqlite3`` of a demo profile (its own sandbox: always the same account)."""
    return (directory or locations.cache_dir()) / f"{safe_name(cache_key(profile))}{SUFFIX}"


def profile_identity(profile: Profile) -> str:
    """The hash naming the profile's credentials: endpoint, application key, consumer key, OAuth2 client id."""
    if profile.demo:
        return credential_identity("demo", cache_key(profile))
    return credential_identity(profile.base_url, profile.application_key, profile.consumer_key, profile.client_id)


def account_binding(profile: Profile, directory: Path | None = None) -> AccountBinding:
    """Where the profile's credentials keep their caches, and which account they reached last."""
    folder = directory or locations.cache_dir()
    fixed = demo_cache_path(profile, folder) if profile.demo else None
    return AccountBinding(folder, profile_identity(profile), profile.endpoint, profile.name, fixed)


def cache_path(profile: Profile, directory: Path | None = None) -> Path | None:
    """The cache of the account the profile's credentials reached last; None before ``/me`` ever answered."""
    return account_binding(profile, directory).remembered()


def payment_lock_path(profile: Profile, directory: Path | None = None) -> Path | None:
    """The payment lock of the account ``profile`` reaches (endpoint and credential); None for a demo.

    Two profiles with the same endpoint and keys are one account, so they share the lock. A demo profile
    runs its own in-process sandbox, an account no other process can pay.
    """
    # Kept beside the cache: when the cache is bound to the account (nichandle), this follows it.
    if profile.demo:
        return None
    digest = profile_identity(profile)[:16]
    return (directory or locations.cache_dir()) / f"pay-{digest}.lock"


def payment_lock(profile: Profile, directory: Path | None = None) -> AccountLock | None:
    """The account's payment lock (see :mod:`~ovh_invoices_tui.data.account_lock`); None for a demo."""
    path = payment_lock_path(profile, directory)
    return AccountLock(path) if path is not None else None


def open_profile_cache(profile: Profile, directory: Path | None = None) -> BillCache | None:
    """The cache of the account the profile's credentials reached last (``/me`` confirms it at the load), or
    an empty one in memory for credentials never seen; None (logged) when no cache can be used at all."""
    binding = account_binding(profile, directory)
    path = binding.remembered()
    try:
        cache = BillCache.open(path) if path is not None else BillCache.unbound()
    except CacheUnavailable as exc:
        log.warning("%s", exc)
        return None
    cache.binding = binding
    cache.verified = False
    return cache


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


def demo_client_factory(cache: BillCache | None) -> Callable[..., OvhClient]:
    """A ``client_factory`` for the app: the demo profile's sandbox with its "today" pinned by the cache."""
    from ovh_invoices_tui.data.clients import make_client, sandbox_config_for
    from ovh_invoices_tui.sandbox.app import create_app

    apps: dict[str, Any] = {}  # one sandbox per demo account for the app's life, shared by overview and workspace

    def factory(profile: Profile, **options: Any) -> OvhClient:
        if not profile.demo:
            return make_client(profile, **options)
        # The demo accounts share one sandbox that serves them all; another demo profile gets its own.
        key = "demo-accounts" if profile.sandbox_account is not None else profile.name
        if key not in apps:
            config = dataclasses.replace(sandbox_config_for(profile), now=sandbox_now(cache) if cache else None)
            apps[key] = create_app(config)
        return make_client(profile, sandbox_app=apps[key], **options)

    return factory


def cache_files(directory: Path | None = None) -> list[Path]:
    """Every cache database in the cache folder."""
    folder = directory or locations.cache_dir()
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def clear_caches(profile: Profile | None = None, directory: Path | None = None) -> list[Path]:
    """Delete one profile's cache (with ``profile``) or all of them; returns the databases removed."""
    if profile is not None:
        path = account_binding(profile, directory).forget()
        targets = [path] if path is not None and path.exists() else []
        if profile.demo:  # every size and seed of the demo
            prefix = f"{safe_name(profile.name)}-seed"
            targets = [p for p in cache_files(directory) if p.name.startswith(prefix)] or targets
    else:
        targets = cache_files(directory)
        (directory or locations.cache_dir()).joinpath(BINDINGS_FILE).unlink(missing_ok=True)
    for path in targets:
        for name in (path, *(path.with_name(path.name + side) for side in ("-wal", "-shm", "-journal"))):
            name.unlink(missing_ok=True)
    return targets


# --- which account the cache holds ---------------------------------------------------------------------


async def check_account(
    client: OvhClient, cache: BillCache, lang: str | None = None, *, me: Awaitable[Account] | None = None
) -> str | None:
    """Ask ``/me`` which account the credentials reach and bind the cache to it (once per run).

    ``me``: the ``/me`` call the caller has under way already (a refresh reads the account anyway), awaited
    instead of asking again. Returns the notice to show once when the cache had to change account (also left in
    ``cache.notices``). Raises what ``/me`` raises (a :class:`NetworkError` offline): the caller decides what may
    still show.
    """
    if cache.binding is None or cache.verified:
        return None
    if cache.binding.fixed is not None:  # a demo's own in-process sandbox: one account, nothing to ask
        cache.verified = True
        return None
    return bind_account(cache, await (me if me is not None else client.me()), lang)


def bind_account(cache: BillCache, account: Account, lang: str | None = None) -> str | None:
    """Hold the cache of ``account`` (switching files when needed) and remember it; the notice, if any."""
    binding = cache.binding
    if binding is None:
        return None
    target = binding.path_for(account.nichandle)
    label = binding.label(account.nichandle)
    before = cache.path if cache.bound else binding.last_of_profile()
    if not cache.bound or cache.path != target:
        cache.switch(target)
    cache.set_meta(HOLDER_KEY, label)
    cache.verified = True
    binding.remember(target)
    if before is None or before == target:
        return None
    previous = holder(before) or before.stem
    log.warning("cache: profile %s reaches %s now, was %s", binding.profile, label, previous)
    lang = lang or language_of(account.language)  # the UI's language when chosen, else the account's
    notice = t("cache.other_account", lang, account=label, previous=previous)
    cache.notices.append(notice)
    return notice
