"""Which account a cache holds: one file per account (endpoint + the nichandle ``/me`` returns).

A profile's name says nothing of the account behind it: ``ovh.conf`` and the ``OVH_*`` variables are one
profile name for every account they are pointed at. So a cache is bound to an account, and the credentials
(endpoint, application key, consumer key or OAuth2 client id: hashed, never stored) remember which account
they reached last (``accounts.json``), so a warm start opens that account's cache before ``/me`` answers.
``/me`` then confirms it; when it names another account, the app switches to that account's own cache at
once and says so, and the other account's cache is kept for when it comes back. Credentials never seen
show nothing cached until ``/me`` has answered.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.export.atomic import write_bytes_atomic

log = logging.getLogger(__name__)

BINDINGS_FILE = "accounts.json"
HOLDER_KEY = "holder"  # meta key: the account a cache file holds, ``nichandle (endpoint)``

SUFFIX = ".sqlite3"


def safe_name(name: str) -> str:
    """The cache file stem of ``name``: kept when already a plain name, else cleaned and suffixed by a short hash."""
    return safe_filename(name, distinct=True)


def credential_identity(base_url: str, *credentials: str | None) -> str:
    """A hash of the endpoint and the credentials' public part (application or client id, consumer key)."""
    text = "\0".join((base_url, *(value or "" for value in credentials)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AccountBinding:
    """Where the caches of one set of credentials live, and which account those credentials reach.

    ``endpoint`` names the API (a file name part); ``fixed`` is the one file of a profile that can only
    ever reach one account (the demo's own sandbox).
    """

    directory: Path
    identity: str
    endpoint: str
    profile: str
    fixed: Path | None = None

    def path_for(self, nichandle: str) -> Path:
        """The cache file of account ``nichandle`` on this endpoint."""
        if self.fixed is not None:
            return self.fixed
        return self.directory / f"{safe_name(f'{nichandle}-{self.endpoint}')}{SUFFIX}"

    def label(self, nichandle: str) -> str:
        """``nichandle (endpoint)``: how an account is named to the user."""
        return f"{nichandle} ({self.endpoint})"

    def remembered(self) -> Path | None:
        """The cache of the account these credentials reached last (None: never seen, or its file is gone)."""
        if self.fixed is not None:
            return self.fixed
        name = _read(self.directory).get("credentials", {}).get(self.identity)
        path = self.directory / name if isinstance(name, str) and "/" not in name else None
        return path if path is not None and path.exists() else None

    def last_of_profile(self) -> Path | None:
        """The cache the profile's name used last, whatever credentials it had then."""
        name = _read(self.directory).get("profiles", {}).get(self.profile)
        return self.directory / name if isinstance(name, str) and "/" not in name else None

    def remember(self, path: Path) -> None:
        """These credentials (and the profile's name) reach the account cached in ``path``."""
        if self.fixed is not None:
            return
        data = _read(self.directory)
        data.setdefault("credentials", {})[self.identity] = path.name
        data.setdefault("profiles", {})[self.profile] = path.name
        _write(self.directory, data)

    def forget(self) -> Path | None:
        """Drop what these credentials and this profile remember; the cache the profile used last (to delete)."""
        path = self.last_of_profile() or self.remembered()
        data = _read(self.directory)
        data.get("credentials", {}).pop(self.identity, None)
        data.get("profiles", {}).pop(self.profile, None)
        _write(self.directory, data)
        return path


def holder(path: Path) -> str | None:
    """The account (its label) the cache file at ``path`` holds (read only, without opening it as the cache)."""
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (HOLDER_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _read(directory: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((directory / BINDINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(directory: Path, data: dict[str, dict[str, str]]) -> None:
    """Replace the file atomically (two processes at once: the last one wins, nothing is half written)."""
    content = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_bytes_atomic(directory / BINDINGS_FILE, content, overwrite=True, mode=0o600)
    except OSError as exc:  # the binding is only a shortcut: the next start asks /me first
        log.warning("cache: cannot remember the account: %s", exc)
