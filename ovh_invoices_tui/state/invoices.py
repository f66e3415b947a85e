"""The reactive store: what was loaded, the filters, the sort, the marks and the derived view.

It knows nothing of widgets. Screens subscribe with :meth:`Store.subscribe` and are called back, on the
event loop, with the set of aspects that changed. Filtering and sorting work on plain lists of indices
into ``rows``; per-row keys are precomputed so a quick-filter keystroke on 100,000 rows stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ovh_invoices_tui.core.filters import BillFilter
from ovh_invoices_tui.core.models import Account, Bill, BillRow, Debt, DebtBalance, ModelError, Money
from ovh_invoices_tui.state.observable import Observable


class Change(StrEnum):
    """What changed, passed to subscribers."""

    ACCOUNT = "account"
    ROWS = "rows"
    VIEW = "view"
    MARKS = "marks"
    BALANCE = "balance"
    PROGRESS = "progress"


SORT_COLUMNS = ("reference", "order", "date", "amount_ht", "amount_ttc", "balance", "status")


@dataclass(frozen=True, slots=True)
class Sort:
    column: str = "date"
    descending: bool = True


@dataclass(frozen=True, slots=True)
class Totals:
    """Count and sums of a set of rows, per currency (an account has one, but nothing is assumed)."""

    count: int = 0
    without_tax: dict[str, int] = field(default_factory=dict)
    with_tax: dict[str, int] = field(default_factory=dict)
    due: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def of(rows: Iterable[BillRow]) -> Totals:
        count = 0
        ht: dict[str, int] = {}
        ttc: dict[str, int] = {}
        due: dict[str, int] = {}
        for row in rows:
            count += 1
            bill = row.bill
            cur = bill.price_with_tax.currency
            ht[cur] = ht.get(cur, 0) + bill.price_without_tax.ucents
            ttc[cur] = ttc.get(cur, 0) + bill.price_with_tax.ucents
            if row.debt is not None and row.debt.due_amount.ucents:
                due[cur] = due.get(cur, 0) + row.debt.due_amount.ucents
        return Totals(count, ht, ttc, due)

    @staticmethod
    def _money(sums: dict[str, int], currency: str) -> list[Money]:
        return [Money(v, c) for c, v in sums.items()] or [Money.zero(currency)]

    def amounts(self, currency: str = "EUR") -> tuple[list[Money], list[Money], list[Money]]:
        """(HT, TTC, due) as Money lists, one per currency present (zero in ``currency`` when empty)."""
        return (
            self._money(self.without_tax, currency),
            self._money(self.with_tax, currency),
            self._money(self.due, currency),
        )


@dataclass(frozen=True, slots=True)
class LoadProgress:
    """Where loading stands: ``loaded`` of ``total`` bills (total None while unknown)."""

    loaded: int = 0
    total: int | None = None
    done: bool = False
    from_cache: bool = False
    offline: bool = False
    error: str | None = None


def _status_rank(row: BillRow) -> tuple[str, int]:
    return (row.status, row.bill.date.toordinal())


_SORT_KEYS: dict[str, Callable[[BillRow], Any]] = {
    "reference": lambda r: r.bill.bill_id,
    "order": lambda r: r.bill.order_id,
    "date": lambda r: (r.bill.date.timestamp(), r.bill.bill_id),
    "amount_ht": lambda r: r.bill.price_without_tax.ucents,
    "amount_ttc": lambda r: r.bill.price_with_tax.ucents,
    "balance": lambda r: r.balance.ucents,
    "status": _status_rank,
}


class Store(Observable[Change]):
    """Bills with their debt joined, the account and its balance, filters, sort, marks, and the view."""

    def __init__(self) -> None:
        super().__init__()
        self.account: Account | None = None
        self.balance: DebtBalance | None = None
        self.rows: list[BillRow] = []
        self.view: list[BillRow] = []
        self.filter = BillFilter()
        self.sort = Sort()
        self.marked: set[str] = set()
        self.progress = LoadProgress()
        self.load_errors: list[ModelError] = []  # objects the API sent that could not be read
        self._index: dict[str, int] = {}
        self._debts: dict[int, Debt] = {}
        self._services: dict[str, str] = {}
        self._search_keys: list[str] = []
        self._days: list[date] = []
        # Per-row amounts in micro-cents, parallel to rows, so totals of 100,000 rows are a few sums.
        self._currencies: set[str] = set()  # every currency seen (one, on a real account)
        self._ht: list[int] = []
        self._ttc: list[int] = []
        self._due: list[int] = []
        self._view_totals: Totals | None = None
        self._sorted: dict[Sort, list[int]] = {}
        self._view_indices: list[int] = []

    # --- loading -----------------------------------------------------------------------------

    def set_account(self, account: Account) -> None:
        self.account = account
        self._emit(Change.ACCOUNT)

    def set_balance(self, balance: DebtBalance) -> None:
        self.balance = balance
        self._emit(Change.BALANCE)

    def set_progress(self, progress: LoadProgress) -> None:
        self.progress = progress
        self._emit(Change.PROGRESS)

    def add_bills(self, bills: Iterable[Bill]) -> None:
        """Add or replace bills (by id); the view is recomputed once."""
        rows, keys, days, index = self.rows, self._search_keys, self._days, self._index
        for bill in bills:
            row = BillRow(bill, self._debts.get(bill.order_id))
            position = index.get(bill.bill_id)
            due = row.debt.due_amount.ucents if row.debt is not None else 0
            amounts = (bill.price_without_tax.ucents, bill.price_with_tax.ucents, due)
            self._currencies.add(bill.price_with_tax.currency)
            if position is None:
                index[bill.bill_id] = len(rows)
                rows.append(row)
                keys.append(self._search_key(bill))
                days.append(bill.date.date())
                for column, value in zip(self._amount_columns, amounts, strict=True):
                    column.append(value)
            else:
                rows[position] = row
                keys[position] = self._search_key(bill)
                days[position] = bill.date.date()
                for column, value in zip(self._amount_columns, amounts, strict=True):
                    column[position] = value
        self._rows_changed()

    @property
    def _amount_columns(self) -> tuple[list[int], list[int], list[int]]:
        return (self._ht, self._ttc, self._due)

    def set_debts(self, debts: Iterable[Debt], *, replace_all: bool = True) -> None:
        """Join debts to bills on ``orderId``; with ``replace_all`` a bill absent from ``debts`` is paid."""
        incoming = {debt.order_id: debt for debt in debts}
        if replace_all:
            self._debts = incoming
        else:
            self._debts.update(incoming)
        lookup = self._debts.get
        self.rows = [
            row if lookup(row.bill.order_id) is row.debt else BillRow(row.bill, lookup(row.bill.order_id))
            for row in self.rows
        ]
        self._due = [row.debt.due_amount.ucents if row.debt is not None else 0 for row in self.rows]
        self._rows_changed()

    def set_services(self, bill_id: str, services: Iterable[str]) -> None:
        """Remember a bill's service names (from its details) so the quick filter can match them."""
        self._services[bill_id] = " ".join(services).lower()
        position = self._index.get(bill_id)
        if position is not None:
            self._search_keys[position] = self._search_key(self.rows[position].bill)

    def row(self, bill_id: str) -> BillRow | None:
        position = self._index.get(bill_id)
        return None if position is None else self.rows[position]

    def debt_for(self, bill: Bill) -> Debt | None:
        return self._debts.get(bill.order_id)

    def clear(self) -> None:
        """Forget every loaded object (switching account); filters and sort stay, marks go."""
        self.account = None
        self.balance = None
        self.rows = []
        self._index.clear()
        self._debts.clear()
        self._services.clear()
        self._search_keys = []
        self._days = []
        self._currencies = set()
        self._ht, self._ttc, self._due = [], [], []
        self.marked.clear()
        self.load_errors.clear()
        self.progress = LoadProgress()
        self._rows_changed()
        self._emit(Change.ACCOUNT, Change.BALANCE, Change.MARKS, Change.PROGRESS)

    def _search_key(self, bill: Bill) -> str:
        services = self._services.get(bill.bill_id, "")
        return f"{bill.bill_id}\x00{bill.order_id}\x00{services}".lower()

    def _rows_changed(self) -> None:
        self._sorted.clear()
        self._recompute(full=True)
        self._emit(Change.ROWS, Change.VIEW)

    # --- filters and sort ----------------------------------------------------------------------

    def set_filter(self, new_filter: BillFilter) -> None:
        """Apply a filter; a quick filter that only grows narrows the current view instead of all rows."""
        old = self.filter
        if new_filter == old:
            return
        narrowing = (
            new_filter.quick.lower().startswith(old.quick.lower())
            and new_filter == old.with_quick(new_filter.quick)
        )
        self.filter = new_filter
        self._recompute(full=not narrowing)
        self._emit(Change.VIEW)

    def set_sort(self, sort: Sort) -> None:
        if sort.column not in _SORT_KEYS:
            raise ValueError(f"unknown sort column {sort.column!r}")
        if sort == self.sort:
            return
        self.sort = sort
        self._recompute(full=True)
        self._emit(Change.VIEW)

    def toggle_sort(self, column: str) -> None:
        """Sort by ``column``; sorting by the current column again flips the direction."""
        if self.sort.column == column:
            self.set_sort(Sort(column, not self.sort.descending))
        else:
            self.set_sort(Sort(column, column in ("date", "amount_ht", "amount_ttc", "balance")))

    def _sorted_indices(self) -> list[int]:
        order = self._sorted.get(self.sort)
        if order is None:
            ascending = self._sorted.get(Sort(self.sort.column, not self.sort.descending))
            if ascending is not None:
                order = ascending[::-1]
            else:
                key = _SORT_KEYS[self.sort.column]
                rows = self.rows
                order = sorted(range(len(rows)), key=lambda i: key(rows[i]), reverse=self.sort.descending)
            self._sorted[self.sort] = order
        return order

    def _recompute(self, *, full: bool) -> None:
        candidates = self._sorted_indices() if full else self._view_indices
        f = self.filter
        rows, keys, days = self.rows, self._search_keys, self._days
        indices = candidates
        if f.quick:
            needle = f.quick.lower()
            indices = [i for i in indices if needle in keys[i]]
        if full:
            if f.reference:
                ref = f.reference.lower()
                indices = [i for i in indices if ref in rows[i].bill.bill_id.lower()]
            if f.order:
                order = f.order.strip()
                indices = [i for i in indices if order in str(rows[i].bill.order_id)]
            if f.date_from:
                start = f.date_from
                indices = [i for i in indices if days[i] >= start]
            if f.date_to:
                end = f.date_to
                indices = [i for i in indices if days[i] <= end]
            if f.status.value != "all":
                indices = [i for i in indices if f.accepts_status(rows[i])]
            if f.bill_ids is not None:
                chosen = f.bill_ids
                indices = [i for i in indices if rows[i].bill.bill_id in chosen]
        if indices is candidates:
            indices = list(indices)
        self._view_indices = indices
        self._view_totals = None
        self.view = [rows[i] for i in indices]

    # --- marks -------------------------------------------------------------------------------

    def toggle_mark(self, bill_id: str) -> None:
        if bill_id in self.marked:
            self.marked.discard(bill_id)
        else:
            self.marked.add(bill_id)
        self._emit(Change.MARKS)

    def mark_range(self, start: int, end: int, *, marked: bool = True) -> None:
        """Mark (or unmark) the view's rows from ``start`` to ``end`` inclusive, in either order."""
        low, high = sorted((start, end))
        ids = {row.bill.bill_id for row in self.view[max(low, 0) : high + 1]}
        if marked:
            self.marked |= ids
        else:
            self.marked -= ids
        self._emit(Change.MARKS)

    def mark_all_in_view(self) -> None:
        self.marked |= {row.bill.bill_id for row in self.view}
        self._emit(Change.MARKS)

    def invert_marks_in_view(self) -> None:
        self.marked ^= {row.bill.bill_id for row in self.view}
        self._emit(Change.MARKS)

    def clear_marks(self) -> None:
        self.marked.clear()
        self._emit(Change.MARKS)

    def set_marks(self, ids: Iterable[str]) -> None:
        self.marked = {bill_id for bill_id in ids if bill_id in self._index}
        self._emit(Change.MARKS)

    def all_sorted(self) -> list[BillRow]:
        """Every bill in the current sort order, whatever the filters hide (a snapshot: "export all")."""
        rows = self.rows
        return [rows[i] for i in self._sorted_indices()]

    @property
    def marked_rows(self) -> list[BillRow]:
        """The marked bills in the order of all rows as currently sorted (hidden ones included)."""
        rows = self.rows
        return [rows[i] for i in self._sorted_indices() if rows[i].bill.bill_id in self.marked]

    @property
    def hidden_marked_count(self) -> int:
        """How many marked bills the current filter hides."""
        if not self.marked:
            return 0
        visible = sum(1 for row in self.view if row.bill.bill_id in self.marked)
        return len(self.marked) - visible

    # --- derived totals ------------------------------------------------------------------------

    def view_totals(self) -> Totals:
        if self._view_totals is None:
            self._view_totals = self._totals(self._view_indices)
        return self._view_totals

    def selection_totals(self) -> Totals:
        index = self._index
        return self._totals([index[i] for i in self.marked if i in index])

    def _totals(self, indices: list[int]) -> Totals:
        """Sums over rows by index; one currency (the usual case) is three plain sums."""
        currencies = self._currencies
        if len(currencies) <= 1:
            if not indices:
                return Totals()
            currency = next(iter(currencies))
            ht = sum(map(self._ht.__getitem__, indices))
            ttc = sum(map(self._ttc.__getitem__, indices))
            due = sum(map(self._due.__getitem__, indices))
            return Totals(len(indices), {currency: ht}, {currency: ttc}, {currency: due} if due else {})
        return Totals.of(self.rows[i] for i in indices)

    @property
    def currency(self) -> str:
        if self.account is not None:
            return self.account.currency_code
        return self.rows[0].bill.price_with_tax.currency if self.rows else "EUR"
