"""The reactive store: what was loaded, the filters, the sort, the marks and the derived view.

It knows nothing of widgets. Screens subscribe with :meth:`Store.subscribe` and are called back, on the
event loop, with the set of aspects that changed. Filtering and sorting work on plain lists of indices
into ``rows``; per-row keys are precomputed so a quick-filter keystroke on 100,000 rows stays cheap.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ovh_invoices_tui.core.filters import BillFilter, days_overdue
from ovh_invoices_tui.core.models import Account, Bill, BillRow, Debt, DebtBalance, ModelError, Money
from ovh_invoices_tui.state.listing import Listing, ListingChanges, Sort, put, within

__all__ = ["SORT_COLUMNS", "Change", "LoadProgress", "Sort", "Store", "Totals", "bill_key"]


class Change(StrEnum):
    """What changed, passed to subscribers."""

    ACCOUNT = "account"
    ROWS = "rows"
    VIEW = "view"
    MARKS = "marks"
    BALANCE = "balance"
    PROGRESS = "progress"
    LOAD_ERRORS = "load_errors"  # objects the API sent that could not be read were skipped


SORT_COLUMNS = ("reference", "order", "date", "amount_ht", "amount_ttc", "balance", "status", "due_date")


@dataclass(frozen=True, slots=True)
class Totals:
    """Count and sums of a set of rows, per currency (an account has one, but nothing is assumed)."""

    count: int = 0
    without_tax: dict[str, int] = field(default_factory=dict)
    with_tax: dict[str, int] = field(default_factory=dict)
    due: dict[str, int] = field(default_factory=dict)
    unknown: int = 0  # rows whose debt state is unknown: ``due`` leaves them out, it is then a lower bound

    @staticmethod
    def of(rows: Iterable[BillRow]) -> Totals:
        count = 0
        unknown = 0
        ht: dict[str, int] = {}
        ttc: dict[str, int] = {}
        due: dict[str, int] = {}
        for row in rows:
            count += 1
            unknown += not row.debt_known
            bill = row.bill
            cur = bill.price_with_tax.currency
            ht[cur] = ht.get(cur, 0) + bill.price_without_tax.ucents
            ttc[cur] = ttc.get(cur, 0) + bill.price_with_tax.ucents
            if row.debt is not None and row.debt.due_amount.ucents:
                due[cur] = due.get(cur, 0) + row.debt.due_amount.ucents
        return Totals(count, ht, ttc, due, unknown)

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


def bill_key(row: BillRow) -> str:
    """The id of a bill row (what the marks hold)."""
    return row.bill.bill_id


def _status_rank(row: BillRow) -> tuple[str, int]:
    return (row.status, row.bill.date.toordinal())


_SORT_KEYS: dict[str, Callable[[BillRow], Any]] = {
    "reference": lambda r: r.bill.bill_id,
    "order": lambda r: r.bill.order_id,
    "date": lambda r: r.bill.date,  # the bill's own aware date-time (compared as instants); ties: Store._tie_key
    "amount_ht": lambda r: r.bill.price_without_tax.ucents,
    "amount_ttc": lambda r: r.bill.price_with_tax.ucents,
    "balance": lambda r: r.balance.ucents,
    "status": _status_rank,
    # The debt's due date; bills with nothing due sort after every late one, whatever the direction.
    "due_date": lambda r: (
        r.debt.due_date.timestamp() if r.debt and r.debt.due_date and r.debt.due_amount.ucents > 0 else 1e12
    ),
}


# The sort columns that depend on a bill's debt (what set_debts changes).
_JOINED_COLUMNS = frozenset({"balance", "status", "due_date"})


class Store(Listing[BillRow, str, BillFilter, Change]):
    """Bills with their debt joined, the account and its balance, filters, sort, marks, and the view."""

    SORT_COLUMNS = SORT_COLUMNS
    DESCENDING_FIRST = frozenset({"date", "amount_ht", "amount_ttc", "balance"})
    ROW_KEYED = frozenset(SORT_COLUMNS)  # a row holds its bill and its debt: nothing else sorts it
    TIED = frozenset({"date"})  # bills of the same instant: by reference

    def __init__(self) -> None:
        super().__init__(
            key=bill_key,
            filter=BillFilter(),
            sort=Sort("date"),
            changes=ListingChanges(Change.ROWS, Change.VIEW, Change.MARKS),
        )
        self.account: Account | None = None
        self.balance: DebtBalance | None = None
        self.progress = LoadProgress()
        self.load_errors: list[ModelError] = []  # objects the API sent that could not be read
        self.seen_until: datetime | None = None  # the newest invoice seen at the last visit (None: none is new)
        self._debts: dict[int, Debt] = {}
        self._debts_known = False  # until a whole list of debts is set, no bill can be called paid
        self._services: dict[str, str] = {}
        self._days = array("i")  # each bill's day (its proleptic ordinal), for the date filter
        # Per-row amounts in micro-cents, parallel to rows, so totals of 100,000 rows are a few sums.
        self._currencies: set[str] = set()  # every currency seen (one, on a real account)
        self._ht: list[int] = []
        self._ttc: list[int] = []
        self._due: list[int] = []
        # Their sums over every row, kept as rows come: an unfiltered view's totals need no pass over 100,000 rows
        # at each page of a load.
        self._all_ht = self._all_ttc = self._all_due = 0

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

    def add_load_errors(self, errors: Iterable[ModelError]) -> None:
        """Objects the API sent that could not be read (the rest still loads): kept, and subscribers told."""
        before = len(self.load_errors)
        self.load_errors.extend(errors)
        if len(self.load_errors) > before:
            self._emit(Change.LOAD_ERRORS)

    def add_bills(self, bills: Iterable[Bill]) -> None:
        """Add or replace bills (by id), their debt joined on ``orderId``; the view is recomputed once."""
        debts, known = self._debts, self._debts_known
        self._store_rows(BillRow(bill, debts.get(bill.order_id), known) for bill in bills)
        self._rows_changed()

    def _row_stored(self, position: int, row: BillRow) -> None:
        bill = row.bill
        ht, ttc = bill.price_without_tax.ucents, bill.price_with_tax.ucents
        due = row.debt.due_amount.ucents if row.debt is not None else 0
        if position < len(self._ht):  # a row replaced: its old amounts leave the sums
            self._all_ht -= self._ht[position]
            self._all_ttc -= self._ttc[position]
            self._all_due -= self._due[position]
        self._all_ht += ht
        self._all_ttc += ttc
        self._all_due += due
        self._currencies.add(bill.price_with_tax.currency)
        put(self._days, position, bill.date.toordinal())
        put(self._ht, position, ht)
        put(self._ttc, position, ttc)
        put(self._due, position, due)

    def _rows_appended(self, rows: list[BillRow]) -> None:
        bills = [row.bill for row in rows]
        self._currencies.update({bill.price_with_tax.currency for bill in bills})
        self._days.extend([bill.date.toordinal() for bill in bills])
        ht = [bill.price_without_tax.ucents for bill in bills]
        ttc = [bill.price_with_tax.ucents for bill in bills]
        due = [row.debt.due_amount.ucents if row.debt is not None else 0 for row in rows]
        self._ht.extend(ht)
        self._ttc.extend(ttc)
        self._due.extend(due)
        self._all_ht += sum(ht)
        self._all_ttc += sum(ttc)
        self._all_due += sum(due)

    def _rows_reset(self) -> None:
        self._days = array("i")
        self._currencies = set()
        self._ht, self._ttc, self._due = [], [], []
        self._all_ht = self._all_ttc = self._all_due = 0

    def set_debts(self, debts: Iterable[Debt], *, replace_all: bool = True) -> None:
        """Join debts to bills on ``orderId``; with ``replace_all`` a bill absent from ``debts`` is paid."""
        known_debts = self._debts
        # A debt equal to the one already joined keeps that object: its row stays as it is (no new row, no
        # sort key computed again, no memory freed and taken again for the same thing after each refresh).
        incoming = {debt.order_id: _same(known_debts.get(debt.order_id), debt) for debt in debts}
        if replace_all:
            self._debts = incoming
            self._debts_known = True
        else:
            self._debts.update(incoming)
        lookup, known = self._debts.get, self._debts_known
        self._replace_all_rows(
            [
                row
                if lookup(row.bill.order_id) is row.debt and row.debt_known is known
                else BillRow(row.bill, lookup(row.bill.order_id), known)
                for row in self.rows
            ],
            stale_columns=_JOINED_COLUMNS,
        )
        self._due = [row.debt.due_amount.ucents if row.debt is not None else 0 for row in self.rows]
        self._all_due = sum(self._due)
        self._rows_changed()

    def set_services(self, bill_id: str, services: Iterable[str]) -> None:
        """Remember a bill's service names (from its details) so the quick filter can match them."""
        self._services[bill_id] = " ".join(services).lower()
        self._refresh_search_key(bill_id)

    def clear(self) -> None:
        """Forget every loaded object (switching account); filters and sort stay, marks go."""
        self.account = None
        self.balance = None
        self._forget_rows()
        self._debts.clear()
        self._debts_known = False
        self._services.clear()
        self.marked.clear()
        self.load_errors.clear()
        self.seen_until = None
        self.progress = LoadProgress()
        self._rows_changed()
        self._emit(Change.ACCOUNT, Change.BALANCE, Change.MARKS, Change.PROGRESS)

    def _search_key(self, row: BillRow) -> str:
        bill = row.bill
        services = self._services.get(bill.bill_id, "")
        return f"{bill.bill_id}\x00{bill.order_id}\x00{services}".lower()

    # --- filters and sort ----------------------------------------------------------------------

    def oldest_overdue(self, today: date) -> tuple[BillRow, int] | None:
        """The bill whose due date is the oldest among those still due past it, and how many days late."""
        oldest: tuple[BillRow, int] | None = None
        rows = self.rows
        # Only rows with something due can be late: the screen asks at every page of a load, so skip the rest.
        for row in map(rows.__getitem__, itertools.compress(range(len(rows)), self._due)):
            late = days_overdue(row, today)
            if late is not None and (oldest is None or late > oldest[1]):
                oldest = (row, late)
        return oldest

    def _sort_key(self, column: str) -> Callable[[BillRow], Any]:
        return _SORT_KEYS[column]

    def _tie_key(self, column: str) -> Callable[[BillRow], Any]:
        return bill_key  # bills of the same instant: by reference

    def _refine(self, indices: list[int]) -> list[int]:
        f = self.filter
        rows = self.rows
        if f.reference:
            ref = f.reference.lower()
            indices = [i for i in indices if ref in rows[i].bill.bill_id.lower()]
        if f.order:
            order = f.order.strip()
            indices = [i for i in indices if order in str(rows[i].bill.order_id)]
        indices = within(indices, self._days, _ordinal(f.date_from), _ordinal(f.date_to))
        if f.status.value != "all":
            indices = [i for i in indices if f.accepts_status(rows[i])]
        if f.bill_ids is not None:
            chosen = f.bill_ids
            indices = [i for i in indices if rows[i].bill.bill_id in chosen]
        if f.new_only:
            indices = [i for i in indices if self.is_new(rows[i])]
        return indices

    # --- new since the last visit ----------------------------------------------------------------

    def set_seen_until(self, seen_until: datetime | None) -> None:
        """The newest invoice date the user had seen when they last left this account (None: nothing is new)."""
        self.seen_until = seen_until
        self.refilter()

    def is_new(self, row: BillRow) -> bool:
        return self.seen_until is not None and row.bill.date > self.seen_until

    def new_count(self) -> int:
        seen = self.seen_until
        return 0 if seen is None else sum(1 for row in self.rows if row.bill.date > seen)

    # --- derived totals ------------------------------------------------------------------------

    def view_totals(self) -> Totals:
        return self.view_memo("totals", lambda: self._totals(self._view_indices))

    def selection_totals(self) -> Totals:
        return self._totals(self.marked_indices())

    def _totals(self, indices: list[int]) -> Totals:
        """Sums over rows by index; one currency (the usual case) is three plain sums."""
        currencies = self._currencies
        if len(currencies) <= 1:
            if not indices:
                return Totals()
            currency = next(iter(currencies))
            if len(indices) == len(self.rows):  # every row (positions are distinct): the kept sums
                ht, ttc, due = self._all_ht, self._all_ttc, self._all_due
            else:
                ht = sum(map(self._ht.__getitem__, indices))
                ttc = sum(map(self._ttc.__getitem__, indices))
                due = sum(map(self._due.__getitem__, indices))
            unknown = 0 if self._debts_known else len(indices)
            return Totals(len(indices), {currency: ht}, {currency: ttc}, {currency: due} if due else {}, unknown)
        return Totals.of(self.rows[i] for i in indices)

    @property
    def currency(self) -> str:
        if self.account is not None:
            return self.account.currency_code
        return self.rows[0].bill.price_with_tax.currency if self.rows else "EUR"


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def toggle_new(store: Store) -> None:
    """Show only the invoices newer than the last visit, or everything again."""
    store.set_filter(replace(store.filter, new_only=not store.filter.new_only))


def _same(kept: Debt | None, new: Debt) -> Debt:
    return kept if kept is not None and kept == new else new
