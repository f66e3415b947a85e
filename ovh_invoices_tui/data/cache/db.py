"""The local cache of one profile: an SQLite file that makes a start instant at any size.

What never changes once issued is kept for good: bills, bill details, deposits with the bills they paid,
refunds. What changes (debts, the balance, the account) is kept only as "last known", to open offline;
it is re-read from the API at each start and refresh. Bills hold the document URLs and passwords, so the
folder is 0700 and the files 0600 (checked and fixed at each open).

A cache that cannot be read (not a database, another schema version, a damaged row, a failed
``quick_check``) is deleted and built again; :attr:`BillCache.notices` says so, for the app to show. A
locked or read-only file is never taken for a damaged one. Several processes may open, create and write
the same file at once (WAL, a busy timeout, the schema made in one immediate transaction). Nothing here
raises on a bad file.
"""

from __future__ import annotations

import contextlib
import logging
import operator
import os
import signal
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ovh_invoices_tui.core.models import Account, Bill, BillDetail, Debt, DebtBalance, Deposit, Payment, Refund
from ovh_invoices_tui.data.cache.codec import (
    RECORD,
    CorruptRow,
    bill_row,
    bills_from_records,
    compact_bill_records,
    debt_row,
    debts_from_records,
    from_json,
    legacy_bills,
    legacy_debts,
    list_from_json,
    to_json,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ovh_invoices_tui.data.cache.accounts import AccountBinding

T = TypeVar("T")

# 3: bills' document links kept compact (2: as the API gave them; 1: fields joined by a separator); older
# versions are upgraded on open.
SCHEMA_VERSION = 3
_IN_MEMORY = Path(":memory:")  # the path of an unbound cache (never a file: nothing to delete)
SUFFIX = ".sqlite3"
DIR_MODE = 0o700
FILE_MODE = 0o600
_SIDE_FILES = ("-wal", "-shm", "-journal")
_CHECK_MODES = os.name == "posix"
BUSY_TIMEOUT_S = 5.0  # another instance of the app writing the same cache
# Tests only: SIGKILL this process at a named point of a write (``bills-written``: bills in, refresh not committed).
KILL_AT_ENV = "OVH_INVOICES_TEST_KILL_AT"
_DEBTS_SAVED = "debts_saved_at"  # set with the debts, in their transaction: without it no bill is known paid
_REFUND_PAYMENT, _REFUND_PAYMENT_END = "refund_payment:", "refund_payment;"  # meta keys of credit-note payments

_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS bill (bill_id TEXT PRIMARY KEY, ts REAL NOT NULL, record TEXT NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS bill_ts ON bill (ts)",
    "CREATE TABLE IF NOT EXISTS debt (record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bill_detail (bill_id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS deposit (deposit_id TEXT PRIMARY KEY, ts REAL NOT NULL, data TEXT NOT NULL)"
    " WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS deposit_bill (deposit_id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS refund (refund_id TEXT PRIMARY KEY, ts REAL NOT NULL, data TEXT NOT NULL)"
    " WITHOUT ROWID",
)
_OURS = frozenset({"meta", "bill", "bill_ts", "debt", "bill_detail", "deposit", "deposit_bill", "refund"})


class CacheUnavailable(Exception):
    """The cache file cannot be created or opened at all (read-only disk, no permission)."""


@dataclass(frozen=True)
class CachedState:
    """Everything needed to show an account without the network (debts and balance: last known)."""

    total: int = 0  # bills in the cache (``bills`` may hold only the newest)
    bills: list[Bill] = field(default_factory=list)
    debts: list[Debt] | None = None  # None: never saved with the bills, so every bill's state is unknown
    account: Account | None = None
    balance: DebtBalance | None = None
    saved_at: datetime | None = None


class BillCache:
    """One profile's SQLite cache. Use :meth:`open`; calls are sequential (one worker at a time)."""

    def __init__(
        self, path: Path, connection: sqlite3.Connection, notices: list[str], binding: AccountBinding | None = None
    ) -> None:
        self.path = path
        self.notices = notices
        self.binding = binding  # which credentials the cache serves (None: a file opened by path, trusted as is)
        self.bound = True  # False: credentials never seen, an empty cache in memory until ``/me`` names the account
        self.verified = binding is None  # True once ``/me`` confirmed the account the file holds, in this run
        self._db = connection
        self._lock = threading.Lock()  # reads may run in a thread (asyncio.to_thread) while the app waits

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> BillCache:
        """Open (creating, repairing or rebuilding as needed) the cache at ``path``.

        Raises :class:`CacheUnavailable` only when no database can be created there at all.
        """
        path = Path(path)
        notices: list[str] = []
        try:
            _secure_dir(path.parent, notices)
            _secure_files(path, notices)
            try:
                connection = _connect(path)
            except _Incompatible as exc:
                notices.append(_rebuilt_notice(path, str(exc)))
                log.warning("cache %s rebuilt: %s", path, exc)
                _delete(path)
                connection = _connect(path)
        except (OSError, sqlite3.Error, _Incompatible) as exc:
            raise CacheUnavailable(f"cannot use the cache {path}: {exc}") from None
        return cls(path, connection, notices)

    @classmethod
    def unbound(cls, binding: AccountBinding | None = None) -> BillCache:
        """An empty cache in memory: nothing cached shows until ``/me`` says which account it is."""
        cache = cls(_IN_MEMORY, _connect(":memory:"), [], binding)
        cache.bound = False
        return cache

    def switch(self, path: Path) -> None:
        """Hold the file at ``path`` from now on (another account's cache): the same object, so every holder
        follows. A file that cannot be opened leaves an empty cache in memory, never the previous account's."""
        try:
            other = BillCache.open(path)
            connection, notices = other._db, other.notices
        except CacheUnavailable as exc:
            log.warning("%s", exc)
            connection, notices = _connect(":memory:"), []
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db, self.path, self.bound = connection, path, True
            self.notices += notices

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> BillCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def take_notices(self) -> list[str]:
        """The notices not shown yet (and forget them)."""
        notices, self.notices = self.notices, []
        return notices

    def rebuild(self, reason: str) -> None:
        """Throw the file away and start empty (a damaged row was found)."""
        log.warning("cache %s rebuilt: %s", self.path, reason)
        self.notices.append(_rebuilt_notice(self.path, reason))
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        if self.path == _IN_MEMORY:
            self._db = _connect(":memory:")
            return
        try:
            _delete(self.path)
            self._db = _connect(self.path)
        except (OSError, sqlite3.Error, _Incompatible) as exc:
            # the file cannot even be replaced: keep going for this run with a cache in memory
            log.warning("cache %s unusable, kept in memory for this run: %s", self.path, exc)
            self._db = _connect(":memory:")

    # --- reading and writing safely ----------------------------------------------------------------

    def _read(self, read: Callable[[sqlite3.Connection], T], empty: T) -> T:
        """Run a read; a damaged file or row rebuilds the cache and gives ``empty``."""
        with self._lock:
            try:
                return read(self._db)
            except (sqlite3.DatabaseError, CorruptRow) as exc:
                self._failed("read", exc)
                return empty

    def _write(self, write: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``write`` in one transaction; a damaged file is rebuilt (the write is lost, the app goes on)."""
        with self._lock:
            try:
                _transaction(self._db, write)
            except sqlite3.DatabaseError as exc:
                self._failed("written", exc)

    def _failed(self, what: str, exc: Exception) -> None:
        """Rebuild only for real damage (a bad row, a missing table, a failed quick_check); else log and go on."""
        message = str(exc)
        damaged = isinstance(exc, CorruptRow) or "no such" in message
        if not damaged and not isinstance(exc, sqlite3.OperationalError):
            damaged = is_damaged(self.path) is not None
        if damaged:
            self.rebuild(message)
        else:  # locked by another instance, disk full, I/O error …: the cache is only a cache
            log.warning("cache %s not %s: %s", self.path, what, message)

    # --- bills -------------------------------------------------------------------------------------

    def load_bills(self) -> list[Bill]:
        """Every cached bill (100,000 in a few hundred milliseconds)."""
        return self._read(_all_bills, [])

    def bill_count(self) -> int:
        return self._read(lambda db: int(db.execute("SELECT count(*) FROM bill").fetchone()[0]), 0)

    def newest_bill_date(self) -> datetime | None:
        """The date of the most recent cached bill (where the incremental refresh starts)."""
        return self._newest("bill")

    def save_bills(self, bills: Iterable[Bill]) -> None:
        """Insert or replace bills, in one transaction."""
        ordered = _in_id_order(bills)
        if ordered:
            self._write(lambda db: db.executemany(_INSERT_BILL, map(bill_row, ordered)))

    def save_refresh(
        self, bills: Iterable[Bill], *, account: Account, balance: DebtBalance, debts: Iterable[Debt]
    ) -> None:
        """What one refresh read (new bills, account, balance, every debt), in one transaction: all or nothing.

        Saved apart, a crash between the two would leave bills without their debts, shown "Paid".
        """
        ordered = _in_id_order(bills)
        write_state = self._state_writer(account=account, balance=balance, debts=debts)

        def write(db: sqlite3.Connection) -> None:
            db.executemany(_INSERT_BILL, map(bill_row, ordered))
            _test_hook("bills-written")
            write_state(db)

        self._write(write)

    def _newest(self, table: str) -> datetime | None:
        def read(db: sqlite3.Connection) -> datetime | None:
            row = db.execute(f"SELECT max(ts) FROM {table}").fetchone()
            return None if row is None or row[0] is None else datetime.fromtimestamp(float(row[0]), UTC)

        return self._read(read, None)

    # --- what changes: last known only -------------------------------------------------------------

    def save_state(
        self,
        *,
        account: Account | None = None,
        balance: DebtBalance | None = None,
        debts: Iterable[Debt] | None = None,
    ) -> None:
        """Remember the last known account, balance and debts (all debts: the list is replaced)."""
        self._write(self._state_writer(account=account, balance=balance, debts=debts))

    @staticmethod
    def _state_writer(
        *, account: Account | None, balance: DebtBalance | None, debts: Iterable[Debt] | None
    ) -> Callable[[sqlite3.Connection], None]:
        kept = None if debts is None else list(debts)  # encoded one by one as SQLite takes them, like bills

        def write(db: sqlite3.Connection) -> None:
            now = datetime.now(UTC).isoformat()
            if account is not None:
                _set_meta(db, "account", to_json(account))
            if balance is not None:
                _set_meta(db, "balance", to_json(balance))
            if kept is not None:
                db.execute("DELETE FROM debt")
                db.executemany("INSERT INTO debt VALUES (?)", map(debt_row, kept))
                _set_meta(db, _DEBTS_SAVED, now)
            _set_meta(db, "saved_at", now)

        return write

    def load_state(self, newest: int | None = None) -> CachedState:
        """Bills (only the ``newest`` ones when given), last known debts, account and balance."""

        def read(db: sqlite3.Connection) -> CachedState:
            keys = ("account", "balance", "saved_at", _DEBTS_SAVED)
            meta = dict(db.execute(f"SELECT key, value FROM meta WHERE key IN {keys}"))
            if newest is None:
                bills = _all_bills(db)
                total = len(bills)
            else:
                query = f"SELECT {RECORD} FROM bill ORDER BY ts DESC LIMIT ?"
                bills = bills_from_records(db.execute(query, (newest,)))
                total = int(db.execute("SELECT count(*) FROM bill").fetchone()[0])
            debts = None  # never saved with the bills: every bill's state is unknown
            if _DEBTS_SAVED in meta:
                debts = debts_from_records(db.execute(f"SELECT {RECORD} FROM debt"))
            saved_at = meta.get("saved_at")
            return CachedState(
                total=total,
                bills=bills,
                debts=debts,
                account=from_json(Account, meta["account"]) if "account" in meta else None,
                balance=from_json(DebtBalance, meta["balance"]) if "balance" in meta else None,
                saved_at=datetime.fromisoformat(saved_at) if saved_at else None,
            )

        return self._read(read, CachedState())

    # --- details, deposits, refunds: immutable once issued --------------------------------------------

    def bill_details(self, bill_id: str) -> list[BillDetail] | None:
        """The cached lines of a bill, None when not cached yet."""

        def read(db: sqlite3.Connection) -> list[BillDetail] | None:
            row = db.execute("SELECT data FROM bill_detail WHERE bill_id = ?", (bill_id,)).fetchone()
            return None if row is None else list_from_json(BillDetail, row[0])

        return self._read(read, None)

    def many_bill_details(self, bill_ids: Iterable[str]) -> dict[str, list[BillDetail]]:
        """The cached lines of every bill of ``bill_ids`` that has them (one query per 500 ids)."""
        wanted = list(bill_ids)

        def read(db: sqlite3.Connection) -> dict[str, list[BillDetail]]:
            found: dict[str, list[BillDetail]] = {}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT bill_id, data FROM bill_detail WHERE bill_id IN ({marks})"
                for bill_id, data in db.execute(query, chunk):
                    found[bill_id] = list_from_json(BillDetail, data)
            return found

        return self._read(read, {})

    def service_names(self) -> dict[str, list[str]]:
        """Bill id → the service references of its cached lines (what the quick filter searches)."""

        def read(db: sqlite3.Connection) -> dict[str, list[str]]:
            rows = db.execute("SELECT bill_id, data FROM bill_detail").fetchall()
            return {bill_id: [d.domain for d in list_from_json(BillDetail, data) if d.domain] for bill_id, data in rows}

        return self._read(read, {})

    def save_bill_details(self, bill_id: str, details: list[BillDetail]) -> None:
        data = to_json(details)
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO bill_detail VALUES (?, ?)", (bill_id, data)))

    def deposits(self) -> list[Deposit]:
        return self._read(
            lambda db: [from_json(Deposit, data) for (data,) in db.execute("SELECT data FROM deposit")], []
        )

    def newest_deposit_date(self) -> datetime | None:
        return self._newest("deposit")

    def save_deposits(self, deposits: Iterable[Deposit]) -> None:
        rows = [(d.deposit_id, d.date.timestamp(), to_json(d)) for d in deposits]
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO deposit VALUES (?, ?, ?)", rows))

    def deposit_paid_bill_ids(self, deposit_id: str) -> list[str] | None:
        """The bills a deposit paid, None when not cached yet."""

        def read(db: sqlite3.Connection) -> list[str] | None:
            row = db.execute("SELECT data FROM deposit_bill WHERE deposit_id = ?", (deposit_id,)).fetchone()
            return None if row is None else list_from_json(str, row[0])

        return self._read(read, None)

    def save_deposit_paid_bill_ids(self, deposit_id: str, bill_ids: list[str]) -> None:
        data = to_json(bill_ids)
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO deposit_bill VALUES (?, ?)", (deposit_id, data)))

    def all_deposit_paid_bill_ids(self) -> dict[str, list[str]]:
        """Every cached deposit id → the bills it paid, in one read (payment tracking's start)."""

        def read(db: sqlite3.Connection) -> dict[str, list[str]]:
            rows = db.execute("SELECT deposit_id, data FROM deposit_bill").fetchall()
            return {deposit_id: list_from_json(str, data) for deposit_id, data in rows}

        return self._read(read, {})

    def save_many_deposit_paid_bill_ids(self, paid: Mapping[str, Sequence[str]]) -> None:
        """Insert or replace the paid bills of several deposits, in one transaction."""
        rows = [(deposit_id, to_json(list(bill_ids))) for deposit_id, bill_ids in paid.items()]
        if rows:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO deposit_bill VALUES (?, ?)", rows))

    def deposit(self, deposit_id: str) -> Deposit | None:
        """One cached deposit, None when not cached."""

        def read(db: sqlite3.Connection) -> Deposit | None:
            row = db.execute("SELECT data FROM deposit WHERE deposit_id = ?", (deposit_id,)).fetchone()
            return None if row is None else from_json(Deposit, row[0])

        return self._read(read, None)

    def bills_by_id(self, bill_ids: Iterable[str]) -> dict[str, Bill]:
        """The cached bills among ``bill_ids`` (those not cached are left out)."""
        wanted = list(dict.fromkeys(bill_ids))

        def read(db: sqlite3.Connection) -> dict[str, Bill]:
            found: list[Bill] = []
            for start in range(0, len(wanted), 500):  # SQLite caps the parameters of one statement
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found += bills_from_records(db.execute(f"SELECT {RECORD} FROM bill WHERE bill_id IN ({marks})", chunk))
            return {bill.bill_id: bill for bill in found}

        return self._read(read, {})

    def refund_payments(self) -> dict[str, Payment]:
        """Credit note id → the payment it was used for (only known ones are kept: they never change)."""

        def read(db: sqlite3.Connection) -> dict[str, Payment]:
            query = "SELECT key, value FROM meta WHERE key >= ? AND key < ?"
            rows = db.execute(query, (_REFUND_PAYMENT, _REFUND_PAYMENT_END)).fetchall()
            return {key.removeprefix(_REFUND_PAYMENT): from_json(Payment, value) for key, value in rows}

        return self._read(read, {})

    def save_refund_payments(self, payments: Mapping[str, Payment]) -> None:
        rows = [(f"{_REFUND_PAYMENT}{refund_id}", to_json(payment)) for refund_id, payment in payments.items()]
        if rows:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows))

    def refunds(self) -> list[Refund]:
        return self._read(lambda db: [from_json(Refund, data) for (data,) in db.execute("SELECT data FROM refund")], [])

    def newest_refund_date(self) -> datetime | None:
        return self._newest("refund")

    def save_refunds(self, refunds: Iterable[Refund]) -> None:
        rows = [(r.refund_id, r.date.timestamp(), to_json(r)) for r in refunds]
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO refund VALUES (?, ?, ?)", rows))

    # --- small settings kept with the data --------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        def read(db: sqlite3.Connection) -> str | None:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

        return self._read(read, None)

    def set_meta(self, key: str, value: str) -> None:
        self._write(lambda db: _set_meta(db, key, value))


# --- the file ------------------------------------------------------------------------------------------


def _test_hook(point: str) -> None:
    """Tests only: die here, as a crash or a ``kill -9`` would, when :data:`KILL_AT_ENV` names ``point``."""
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


class _Incompatible(Exception):
    """The file is not this version's cache."""


def _rebuilt_notice(path: Path, reason: str) -> str:
    return f"The local cache {path.name} could not be read ({reason}): it was rebuilt, invoices reload from the API"


def _in_id_order(bills: Iterable[Bill]) -> list[Bill]:
    """Bills in id order: SQLite then appends to its pages rather than splitting them (a stable sort: of a
    bill listed twice, the last one is still written last). Encoded one by one as SQLite takes them, no list
    of 100,000 records is ever held."""
    return sorted(bills, key=_BILL_ID)


_BILL_ID = operator.attrgetter("bill_id")
_INSERT_BILL = "INSERT OR REPLACE INTO bill VALUES (?, ?, ?)"


def _all_bills(db: sqlite3.Connection) -> list[Bill]:
    return bills_from_records(db.execute(f"SELECT {RECORD} FROM bill"))


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _connect(path: Path | str) -> sqlite3.Connection:
    """Open the database, creating the schema if needed; raises _Incompatible for a foreign or damaged file.

    Several processes may create the same file at the same moment: the schema is made idempotently in one
    ``BEGIN IMMEDIATE`` transaction (the others wait on the busy timeout), so none sees a half-made file.
    Only a file SQLite cannot read, another schema version or a failed ``quick_check`` is "incompatible":
    an operational error (locked, read-only, I/O) is raised as it is and never deletes anything.
    """
    if isinstance(path, Path) and not path.exists():
        with contextlib.suppress(FileExistsError):  # another process created it first: fine, it is the same file
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))  # 0600 before SQLite writes
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    try:
        _use_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        _transaction(db, _create_schema)
    except sqlite3.OperationalError:
        db.close()
        raise  # another instance holds it, the disk is read-only or full: not a reason to delete it
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        db.close()
        raise _Incompatible(str(exc)) from None
    except BaseException:
        db.close()
        raise
    return db


def _transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], object]) -> None:
    """Run ``work`` in one immediate transaction (the write lock taken first): all of it or nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        work(db)
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL (readers never block the writer), retrying while another process holds the file.

    SQLite answers "locked" to a journal-mode change at once, without its busy handler, while another
    connection is mid-transaction on a file not yet in WAL: only the very first opens of a new file see it.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() not in ("wal", "memory"):
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)  # the busy handler's own back-off, which this statement does not get
            pause = min(pause * 2, 0.1)


def _create_schema(db: sqlite3.Connection) -> None:
    """Inside the creating transaction: make the tables of a new file, check an existing one's version."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version in (1, 2):
        (_upgrade_records if version == 1 else _upgrade_links)(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    if version not in (0, SCHEMA_VERSION):
        raise _Incompatible(f"schema version {version}, expected {SCHEMA_VERSION}")
    if version == 0:
        names = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        if names - _OURS:
            raise _Incompatible(f"not a cache of this application (tables {', '.join(sorted(names - _OURS))})")
        for statement in _TABLES:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _upgrade_links(db: sqlite3.Connection) -> None:
    """Version 2 to 3, inside the creating transaction: bill records rewritten with their links compact."""
    try:
        records = compact_bill_records(db.execute(f"SELECT {RECORD} FROM bill"))
    except CorruptRow as exc:
        raise _Incompatible(f"schema version 2, unreadable: {exc}") from None
    db.executemany("UPDATE bill SET record = ? WHERE bill_id = ?", records)


def _upgrade_records(db: sqlite3.Connection) -> None:
    """Version 1 to 3, inside the creating transaction: every bill and debt record rewritten as JSON."""
    try:
        bills = legacy_bills(db.execute("SELECT record FROM bill"))
        debts = legacy_debts(db.execute("SELECT record FROM debt"))
    except CorruptRow as exc:
        raise _Incompatible(f"schema version 1, unreadable: {exc}") from None
    db.executemany("UPDATE bill SET record = ? WHERE bill_id = ?", [(bill_row(b)[2], b.bill_id) for b in bills])
    db.execute("DELETE FROM debt")
    db.executemany("INSERT INTO debt VALUES (?)", [debt_row(debt) for debt in debts])


def is_damaged(path: Path) -> str | None:
    """Why the file at ``path`` is damaged (``PRAGMA quick_check`` failed, or not a database), None if sound."""
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError:
        return None  # locked or unreadable now: not proof of damage
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        db.close()
    return None if rows == ["ok"] else "; ".join(rows[:3])


def _delete(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + side) for side in _SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


def _secure_dir(directory: Path, notices: list[str]) -> None:
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(directory, DIR_MODE, notices)


def _secure_files(path: Path, notices: list[str]) -> None:
    for name in (path, *(path.with_name(path.name + side) for side in _SIDE_FILES)):
        if name.exists():
            _tighten(name, FILE_MODE, notices)


def _tighten(path: Path, wanted: int, notices: list[str]) -> None:
    """Remove group/other access (the cache holds document passwords), saying so when it was there."""
    if not _CHECK_MODES:
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, wanted)
        message = f"{path} was readable by others (mode {mode:o}): now {wanted:o}"
        log.warning(message)
        notices.append(message)


def file_mode(path: Path) -> int:
    """The permission bits of ``path`` (for checks and tests)."""
    return stat.S_IMODE(Path(path).stat().st_mode)
