"""Payment tracking's store: deposits ("Suivi des paiements"), credit notes ("avoirs"), filters, sort, marks.

It knows nothing of widgets (like :mod:`ovh_invoices_tui.state.invoices`): screens subscribe with
:meth:`PaymentsStore.subscribe` and are called back with the aspects that changed. Filtering and sorting work on
plain lists of indices into ``deposits``. What is loaded lazily (the invoices each payment settled, what each
credit note was applied to) is kept in dictionaries keyed by id; ``None``/absent means "not known yet".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ovh_invoices_tui.core.i18n import format_amounts, format_money, payment_type_label, t
from ovh_invoices_tui.core.models import Bill, Deposit, ModelError, Money, Payment, Refund
from ovh_invoices_tui.state.listing import Listing, ListingChanges, Sort, put, within


class PaymentChange(StrEnum):
    """What changed, passed to subscribers."""

    ROWS = "rows"  # deposits added or replaced
    VIEW = "view"  # filter or sort changed the derived view
    MARKS = "marks"
    PROGRESS = "progress"
    PAID_BILLS = "paid_bills"  # invoices settled by some deposits became known
    REFUNDS = "refunds"  # credit notes or what they were applied to
    LOAD_ERRORS = "load_errors"  # deposits or credit notes the API sent that could not be read were skipped
    INVALIDATED = "invalidated"  # everything was forgotten: whoever shows it should load again


PAYMENT_SORT_COLUMNS = ("reference", "payment_date", "total_amount", "payment_type", "paid_bills")


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    """What the payment list shows: a date range, an amount range (inclusive), a payment type, a reference."""

    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    payment_type: str = ""  # "" = every type; "missing" = the API did not say
    reference: str = ""
    quick: str = ""  # the quick filter (/): reference, order number or payment method, anywhere in them

    @property
    def is_active(self) -> bool:
        return self != PaymentFilter()

    def describe(self, lang: str = "en") -> str:
        """One line naming every active filter (``date=2024-01-01..2024-03-31 · amount=10..``)."""
        parts: list[str] = []
        if self.reference:
            parts.append(f"{t('payments.filter.reference', lang)}={self.reference}")
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else ""
            end = self.date_to.isoformat() if self.date_to else ""
            span = start if self.date_from == self.date_to else f"{start}..{end}"
            parts.append(f"{t('payments.filter.date', lang)}={span}")
        if self.amount_min is not None or self.amount_max is not None:
            low = "" if self.amount_min is None else str(self.amount_min)
            high = "" if self.amount_max is None else str(self.amount_max)
            parts.append(f"{t('payments.filter.amount', lang)}={low}..{high}")
        if self.payment_type:
            parts.append(f"{t('payments.filter.type', lang)}={payment_type_label(self.payment_type, lang)}")
        if self.quick:
            parts.append(f"{t('payments.filter.quick', lang)}={self.quick}")
        return " · ".join(parts) if parts else t("payments.filter.none", lang)


def parse_amount(text: str) -> Decimal | None:
    """``12.5``, ``12,50``, ``1 234,56`` → Decimal; empty → None; anything else raises ValueError."""
    cleaned = "".join(text.split()).replace("\u202f", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


@dataclass(frozen=True, slots=True)
class PaymentsProgress:
    """Where loading stands: deposits and credit notes listed, and whether it is over."""

    deposits: int = 0
    deposits_total: int | None = None
    refunds: int = 0
    refunds_total: int | None = None
    done: bool = False
    error: str | None = None


class LoadState(StrEnum):
    IDLE = "idle"  # nothing loaded (never, or invalidated)
    LOADING = "loading"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Settlement:
    """A payment and what it settled: its invoices, the credit notes applied, and the difference explained.

    ``difference`` = the invoices' TTC − the payment's amount, exact (micro-cents). A positive difference is
    the part a credit note (avoir) covered, as OVHcloud's guide explains.
    """

    deposit: Deposit
    bills: tuple[Bill, ...]
    credit_notes: tuple[Refund, ...] = ()
    missing_bills: tuple[str, ...] = ()  # paid bill ids that could not be read (the sum is then incomplete)

    @property
    def invoices_total(self) -> Money:
        total = Money.zero(self.deposit.amount.currency)
        for bill in self.bills:
            total = total + bill.price_with_tax
        return total

    @property
    def difference(self) -> Money:
        return self.invoices_total - self.deposit.amount

    @property
    def credit_total(self) -> Money:
        total = Money.zero(self.deposit.amount.currency)
        for refund in self.credit_notes:
            total = total + refund.price_with_tax
        return total

    @property
    def has_shortfall(self) -> bool:
        """The payment is smaller than the invoices it settled (and every invoice was read)."""
        return not self.missing_bills and self.difference.ucents > 0

    def explanation(self, lang: str = "en") -> list[str]:
        """The lines that say why the payment is smaller than its invoices (empty when it is not)."""
        if not self.has_shortfall:
            return []
        difference = self.difference
        lines = [
            t(
                "payments.shortfall.figures",
                lang,
                invoices=format_money(self.invoices_total, lang),
                payment=format_money(self.deposit.amount, lang),
                difference=format_money(difference, lang),
            )
        ]
        notes = self.credit_notes
        if not notes:
            lines.append(t("payments.shortfall.unexplained", lang, amount=format_money(difference, lang)))
            return lines
        credit = self.credit_total
        if len(notes) == 1:
            lines.append(t("payments.shortfall.one", lang, ref=notes[0].refund_id, amount=format_money(credit, lang)))
        else:
            refs = ", ".join(note.refund_id for note in notes)
            lines.append(t("payments.shortfall.many", lang, refs=refs, amount=format_money(credit, lang)))
        rest = difference - credit
        if rest.ucents:
            lines.append(t("payments.shortfall.rest", lang, amount=format_money(rest, lang)))
        return lines


def deposit_key(deposit: Deposit) -> str:
    """The id of a deposit (what the marks hold)."""
    return deposit.deposit_id


class PaymentsStore(Listing[Deposit, str, PaymentFilter, PaymentChange]):
    """Deposits and credit notes of the account, with filters, sort, marks and what was loaded lazily."""

    SORT_COLUMNS = PAYMENT_SORT_COLUMNS
    DESCENDING_FIRST = frozenset({"payment_date", "total_amount", "paid_bills"})

    def __init__(self) -> None:
        super().__init__(
            key=deposit_key,
            filter=PaymentFilter(),
            sort=Sort("payment_date"),
            changes=ListingChanges(PaymentChange.ROWS, PaymentChange.VIEW, PaymentChange.MARKS),
        )
        self.refunds: list[Refund] = []  # newest first
        self.progress = PaymentsProgress()
        self.state = LoadState.IDLE
        self.generation = 0  # bumped by invalidate(): a loader of an older generation stops writing
        self.load_errors: list[ModelError] = []
        self.paid_bills: dict[str, tuple[str, ...]] = {}  # deposit id → ids of the bills it paid
        self.paid_bills_failed: set[str] = set()  # deposits whose paid bills could not be read
        self.refund_payments: dict[str, Payment | None] = {}  # refund id → its payment (None: the API has none)
        self._refund_index: dict[str, int] = {}
        self._days: list[date] = []
        self._amounts: list[int] = []  # micro-cents, parallel to rows
        self._missing_cursor = 0  # position in view before which every paid-bills list is known (or failed)

    @property
    def deposits(self) -> list[Deposit]:
        """Every deposit loaded (the listing's rows)."""
        return self.rows

    # --- loading -----------------------------------------------------------------------------

    def begin_loading(self) -> None:
        self.state = LoadState.LOADING
        self.set_progress(PaymentsProgress())

    def set_progress(self, progress: PaymentsProgress) -> None:
        self.progress = progress
        if progress.done:
            self.state = LoadState.DONE
        self._emit(PaymentChange.PROGRESS)

    def add_load_errors(self, errors: Iterable[ModelError]) -> None:
        """Objects the API sent that could not be read (the rest still loads): kept, and subscribers told."""
        before = len(self.load_errors)
        self.load_errors.extend(errors)
        if len(self.load_errors) > before:
            self._emit(PaymentChange.LOAD_ERRORS)

    def add_deposits(self, deposits: Iterable[Deposit]) -> None:
        """Add or replace deposits (by id); the view is recomputed once."""
        self._store_rows(deposits)
        self._rows_changed()

    def _row_stored(self, position: int, row: Deposit) -> None:
        put(self._days, position, row.date.date())
        put(self._amounts, position, row.amount.ucents)

    def _rows_reset(self) -> None:
        self._days = []
        self._amounts = []

    def add_refunds(self, refunds: Iterable[Refund]) -> None:
        for refund in refunds:
            position = self._refund_index.get(refund.refund_id)
            if position is None:
                self._refund_index[refund.refund_id] = len(self.refunds)
                self.refunds.append(refund)
            else:
                self.refunds[position] = refund
        self.refunds.sort(key=lambda r: (r.date.timestamp(), r.refund_id), reverse=True)
        self._refund_index = {r.refund_id: i for i, r in enumerate(self.refunds)}
        self._emit(PaymentChange.REFUNDS)

    def set_paid_bills(self, deposit_id: str, bill_ids: Sequence[str]) -> None:
        self.set_many_paid_bills({deposit_id: bill_ids})

    def set_many_paid_bills(self, paid: Mapping[str, Sequence[str]]) -> None:
        """The paid bills of several deposits (from the cache, say): the view is recomputed once."""
        if not paid:
            return
        for deposit_id, bill_ids in paid.items():
            self.paid_bills[deposit_id] = tuple(bill_ids)
            self.paid_bills_failed.discard(deposit_id)
        if self.sort.column == "paid_bills":
            self.resort()
            self._emit(PaymentChange.PAID_BILLS, PaymentChange.VIEW)
        else:
            self._emit(PaymentChange.PAID_BILLS)

    def paid_bills_failed_for(self, deposit_id: str) -> None:
        """Remember that a deposit's paid bills could not be read (shown as such, not fetched again in a loop)."""
        self.paid_bills_failed.add(deposit_id)
        self._emit(PaymentChange.PAID_BILLS)

    def set_refund_payment(self, refund_id: str, payment: Payment | None) -> None:
        self.refund_payments[refund_id] = payment
        self._emit(PaymentChange.REFUNDS)

    def invalidate(self) -> None:
        """Forget what was loaded (after a payment, say): the next look at payment tracking loads it again.

        Filters, sort and marks stay. Subscribers get :attr:`PaymentChange.INVALIDATED` so an open screen reloads.
        """
        self._forget_rows()
        self.refunds = []
        self.paid_bills.clear()
        self.paid_bills_failed.clear()
        self.refund_payments.clear()
        self.load_errors.clear()
        self._refund_index.clear()
        self._missing_cursor = 0
        self.generation += 1
        self.state = LoadState.IDLE
        self.progress = PaymentsProgress()
        self._emit(*PaymentChange)

    def clear(self) -> None:
        """Forget everything, marks included (switching account)."""
        self.marked.clear()
        self.invalidate()

    # --- look-ups ----------------------------------------------------------------------------

    def deposit(self, deposit_id: str) -> Deposit | None:
        return self.row(deposit_id)

    def refund(self, refund_id: str) -> Refund | None:
        position = self._refund_index.get(refund_id)
        return None if position is None else self.refunds[position]

    def paid_count(self, deposit_id: str) -> int | None:
        """How many invoices the deposit paid; None while unknown."""
        bills = self.paid_bills.get(deposit_id)
        return None if bills is None else len(bills)

    def credited_deposit(self, refund_id: str) -> str | None:
        """The deposit a credit note was applied to (``/me/refund/{id}/payment``: type refund, id = deposit)."""
        payment = self.refund_payments.get(refund_id)
        if payment is None or payment.payment_type != "refund" or not payment.payment_identifier:
            return None
        return payment.payment_identifier

    def refunds_applied_to(self, deposit_id: str) -> list[Refund]:
        """The credit notes known to have been applied to ``deposit_id``."""
        return [r for r in self.refunds if self.credited_deposit(r.refund_id) == deposit_id]

    def deposit_of_bill(self, bill_id: str) -> Deposit | None:
        """The deposit known to have paid ``bill_id`` (only among deposits whose paid bills are loaded)."""
        for deposit_id, bill_ids in self.paid_bills.items():
            if bill_id in bill_ids:
                return self.deposit(deposit_id)
        return None

    def payment_types(self) -> list[str]:
        """The payment types present in the data, most frequent first."""
        counts: dict[str, int] = {}
        for deposit in self.deposits:
            counts[deposit.payment_type] = counts.get(deposit.payment_type, 0) + 1
        return sorted(counts, key=lambda k: (-counts[k], k))

    def missing_paid_bills(self, priority: Iterable[str] = (), limit: int = 4) -> list[str]:
        """Up to ``limit`` deposit ids whose paid bills are unknown: ``priority`` ones (visible rows) first,
        then in the order of the view. Amortised O(1) per call: a cursor remembers how far the view is known."""
        known, failed = self.paid_bills, self.paid_bills_failed
        chosen: list[str] = []
        for deposit_id in priority:
            if deposit_id not in known and deposit_id not in failed and deposit_id not in chosen:
                chosen.append(deposit_id)
                if len(chosen) >= limit:
                    return chosen
        view = self.view
        position = self._missing_cursor
        while position < len(view) and (view[position].deposit_id in known or view[position].deposit_id in failed):
            position += 1
        self._missing_cursor = position
        for deposit in view[position:]:
            deposit_id = deposit.deposit_id
            if deposit_id not in known and deposit_id not in failed and deposit_id not in chosen:
                chosen.append(deposit_id)
                if len(chosen) >= limit:
                    break
        return chosen

    # --- filters and sort --------------------------------------------------------------------

    def _sort_key(self, column: str) -> Callable[[Deposit], Any]:
        if column == "reference":
            return lambda d: d.deposit_id
        if column == "total_amount":
            return lambda d: (d.amount.ucents, d.deposit_id)
        if column == "payment_type":
            return lambda d: (d.payment_type, d.date.timestamp())
        if column == "paid_bills":
            counts = self.paid_bills
            return lambda d: (len(counts.get(d.deposit_id, ())) if d.deposit_id in counts else -1, d.date.timestamp())
        return lambda d: (d.date.timestamp(), d.deposit_id)

    def _search_key(self, row: Deposit) -> str:
        return f"{row.deposit_id}\x00{row.order_id}\x00{row.payment_type}".lower()

    def _refine(self, indices: list[int]) -> list[int]:
        f = self.filter
        rows = self.rows
        if f.reference:
            needle = f.reference.lower()
            indices = [i for i in indices if needle in rows[i].deposit_id.lower()]
        indices = within(indices, self._days, f.date_from, f.date_to)
        if f.amount_min is not None or f.amount_max is not None:
            low = None if f.amount_min is None else int(f.amount_min * 100_000_000)
            high = None if f.amount_max is None else int(f.amount_max * 100_000_000)
            indices = within(indices, self._amounts, low, high)
        if f.payment_type:
            wanted = f.payment_type
            indices = [i for i in indices if rows[i].payment_type == wanted]
        return indices

    def _view_recomputed(self) -> None:
        self._missing_cursor = 0

    # --- totals ------------------------------------------------------------------------------

    @staticmethod
    def total_of(deposits: Iterable[Deposit]) -> list[Money]:
        """Sum of the amounts, one Money per currency (exact)."""
        sums: dict[str, int] = {}
        for deposit in deposits:
            sums[deposit.amount.currency] = sums.get(deposit.amount.currency, 0) + deposit.amount.ucents
        return [Money(v, c) for c, v in sums.items()]


def deposits_total_text(deposits: Iterable[Deposit], lang: str) -> str:
    """The exact sum of the amounts, one per currency (``0,00 €`` for none)."""
    return format_amounts(PaymentsStore.total_of(deposits) or [Money.zero()], lang)
