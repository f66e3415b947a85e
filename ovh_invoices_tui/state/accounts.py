"""The accounts overview's store: one row per configured account, on the shared listing base.

Rows are :class:`~ovh_invoices_tui.data.accounts.AccountState`-like objects (anything with ``profile``,
``summary``, ``problem``, ``refreshing``); the store knows nothing of widgets nor of how they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.state.listing import Listing, ListingChanges, Sort, grows


class AccountChange(StrEnum):
    ROWS = "rows"
    VIEW = "view"
    MARKS = "marks"
    PROGRESS = "progress"


class Show(StrEnum):
    ALL = "all"
    ATTENTION = "attention"  # something due, overdue, failed — or unreadable
    PROBLEMS = "problems"
    NEW = "new"


ACCOUNT_SORT_COLUMNS = (
    "profile", "nichandle", "endpoint", "due", "with_balance", "overdue", "failed", "last_invoice",
    "last_payment", "new", "refreshed", "problem",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """What the overview shows: a kind of account and a quick search (profile, account, endpoint, problem)."""

    show: Show = Show.ALL
    quick: str = ""

    @property
    def is_active(self) -> bool:
        return self != AccountFilter()

    def describe(self, lang: str = "en") -> str:
        parts = []
        if self.show is not Show.ALL:
            parts.append(f"{t('accounts.filter.show', lang)}={t('accounts.show.' + self.show.value, lang)}")
        if self.quick:
            parts.append(f"{t('accounts.filter.quick', lang)}={self.quick}")
        return " · ".join(parts) if parts else t("accounts.filter.none", lang)


def account_key(row: Any) -> str:
    return str(row.profile)


def _needs_attention(row: Any) -> bool:
    return row.problem is not None or (row.summary is not None and row.summary.needs_attention)


def _has_new(row: Any) -> bool:
    s = row.summary
    return s is not None and (s.new_invoices + s.new_payments) > 0


_SHOWN: dict[Show, Callable[[Any], bool]] = {
    Show.ALL: lambda row: True,
    Show.ATTENTION: _needs_attention,
    Show.PROBLEMS: lambda row: row.problem is not None,
    Show.NEW: _has_new,
}


def _minus_or_none(value: Any) -> tuple[bool, Any]:
    """Sort key putting unknown values last whatever the direction of the rest."""
    return (value is None, value if value is not None else 0)


_SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "profile": lambda r: r.profile.lower(),
    "nichandle": lambda r: ((r.summary and r.summary.nichandle) or "").lower(),
    "endpoint": lambda r: r.endpoint,
    "due": lambda r: (r.summary.due_ucents or 0) if r.summary else -1,
    "with_balance": lambda r: r.summary.with_balance if r.summary else -1,
    "overdue": lambda r: r.summary.overdue.days if r.summary and r.summary.overdue else -1,
    "failed": lambda r: r.summary.failed_payment.date.timestamp() if r.summary and r.summary.failed_payment else 0,
    "last_invoice": lambda r: r.summary.last_invoice.timestamp() if r.summary and r.summary.last_invoice else 0,
    "last_payment": lambda r: r.summary.last_payment.timestamp() if r.summary and r.summary.last_payment else 0,
    "new": lambda r: (r.summary.new_invoices + r.summary.new_payments) if r.summary else -1,
    "refreshed": lambda r: r.summary.refreshed_at.timestamp() if r.summary and r.summary.refreshed_at else 0,
    "problem": lambda r: (r.problem is not None, r.problem.text if r.problem else ""),
}


class AccountsStore(Listing[Any, str, AccountFilter, AccountChange]):
    """The overview's rows (in config order until sorted), its filter, sort and marks, and refresh progress."""

    SORT_COLUMNS = ACCOUNT_SORT_COLUMNS
    DESCENDING_FIRST = frozenset({"due", "with_balance", "overdue", "failed", "new", "problem"})

    def __init__(self) -> None:
        super().__init__(
            key=account_key,
            filter=AccountFilter(),
            sort=Sort("due"),  # the accounts that owe the most first: where attention goes
            changes=ListingChanges(AccountChange.ROWS, AccountChange.VIEW, AccountChange.MARKS),
        )
        self.refreshed = 0  # accounts whose refresh ended (answered or failed) in the current round
        self.expected = 0

    def put_rows(self, rows: Iterable[Any]) -> None:
        """Add or replace rows (by profile name); the view is recomputed once."""
        self._store_rows(rows)
        self._rows_changed()

    def begin_refresh(self, count: int) -> None:
        self.refreshed, self.expected = 0, count
        self._emit(AccountChange.PROGRESS)

    def account_refreshed(self, row: Any) -> None:
        """A row of the refresh: shown from the cache while refreshing, then answered (or failed): progress."""
        if not row.refreshing:
            self.refreshed = min(self.expected, self.refreshed + 1)
        with self.batch():
            self.put_rows([row])
            self._emit(AccountChange.PROGRESS)

    def _sort_key(self, column: str) -> Callable[[Any], Any]:
        return _SORT_KEYS[column]

    def _search_key(self, row: Any) -> str:
        s = row.summary
        text = " ".join(
            [row.profile, row.endpoint, (s.nichandle or "") if s else "", row.problem.text if row.problem else ""]
        )
        return text.lower()

    def _select(self, indices: list[int], *, narrowing: bool) -> list[int]:
        f = self.filter
        indices = self._search_keys.containing(indices, f.quick)
        if f.show is not Show.ALL and not narrowing:
            keep = _SHOWN[f.show]
            rows = self.rows
            indices = [i for i in indices if keep(rows[i])]
        return indices

    def _narrows(self, old: AccountFilter, new: AccountFilter) -> bool:
        return old.show == new.show and grows(old.quick, new.quick)
