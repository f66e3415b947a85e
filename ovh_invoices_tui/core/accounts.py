"""One account at a glance: what is due, what is late, what failed, what is new — the overview's row.

Pure rules over the account's objects (no I/O): the data layer reads them (cache first, then the API) and
calls :func:`summarise`. Money stays in integer micro-cents; an account has one currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import Bill, Debt, DebtOperation, Money

FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class Overdue:
    """The oldest debt past its due date: the invoice's order, its due amount, its due date, how late."""

    order_id: int
    bill_id: str | None
    due_ucents: int
    due_date: date
    days: int


@dataclass(frozen=True, slots=True)
class FailedPayment:
    """The latest debt operation whose status is FAILED."""

    date: datetime
    order_id: int
    bill_id: str | None
    amount_ucents: int


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """What the accounts overview shows for one account (None where it is not known yet)."""

    nichandle: str | None = None
    currency: str = "EUR"
    due_ucents: int | None = None  # the debt account's dueAmount
    with_balance: int = 0  # invoices whose debt still has something due
    overdue: Overdue | None = None
    overdue_count: int = 0
    failed_payment: FailedPayment | None = None
    last_invoice: datetime | None = None
    last_payment: datetime | None = None
    new_invoices: int = 0
    new_payments: int = 0
    refreshed_at: datetime | None = None
    overdue_bill_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def needs_attention(self) -> bool:
        """Something is due, late or failed."""
        return bool(self.due_ucents) or self.overdue is not None or self.failed_payment is not None


def days_late(due: datetime | date, today: date) -> int:
    """Whole days between the due date and ``today`` (0 when not yet due)."""
    day = due.date() if isinstance(due, datetime) else due
    return max(0, (today - day).days)


def overdue_debts(debts: Iterable[Debt], today: date) -> list[Debt]:
    """Debts with something still due whose due date is before ``today``, the oldest first."""
    late = [
        debt
        for debt in debts
        if debt.due_amount.ucents > 0 and debt.due_date is not None and debt.due_date.date() < today
    ]
    return sorted(late, key=lambda debt: (debt.due_date or debt.date, debt.debt_id))


def summarise(
    *,
    nichandle: str | None,
    currency: str,
    due_ucents: int | None,
    bills: Iterable[Bill],
    debts: Iterable[Debt],
    operations: Iterable[tuple[Debt, DebtOperation]] = (),
    last_payment: datetime | None = None,
    seen_bills_until: datetime | None = None,
    seen_payments_until: datetime | None = None,
    payment_dates: Iterable[datetime] = (),
    today: date | None = None,
    refreshed_at: datetime | None = None,
) -> AccountSummary:
    """The overview row of one account from its bills, debts, failed operations and what was seen before.

    ``seen_*_until`` are the dates of the newest invoice and payment the user had seen when they last left
    the account (None: never opened, nothing counts as new).
    """
    today = today or clock.today()
    debt_list = list(debts)
    bill_by_order: dict[int, str] = {}
    last_invoice: datetime | None = None
    new_invoices = 0
    for bill in bills:
        bill_by_order[bill.order_id] = bill.bill_id
        if last_invoice is None or bill.date > last_invoice:
            last_invoice = bill.date
        if seen_bills_until is not None and bill.date > seen_bills_until:
            new_invoices += 1
    late = overdue_debts(debt_list, today)
    overdue = None
    if late:
        oldest = late[0]
        assert oldest.due_date is not None
        overdue = Overdue(
            oldest.order_id,
            bill_by_order.get(oldest.order_id),
            oldest.due_amount.ucents,
            oldest.due_date.date(),
            days_late(oldest.due_date, today),
        )
    failed = [(debt, op) for debt, op in operations if op.status == FAILED]
    failed_payment = None
    if failed:
        debt, op = max(failed, key=lambda pair: pair[1].date)
        failed_payment = FailedPayment(op.date, debt.order_id, bill_by_order.get(debt.order_id), op.amount.ucents)
    new_payments = sum(1 for when in payment_dates if seen_payments_until is not None and when > seen_payments_until)
    return AccountSummary(
        nichandle=nichandle,
        currency=currency,
        due_ucents=due_ucents,
        with_balance=sum(1 for debt in debt_list if debt.due_amount.ucents > 0),
        overdue=overdue,
        overdue_count=len(late),
        failed_payment=failed_payment,
        last_invoice=last_invoice,
        last_payment=last_payment,
        new_invoices=new_invoices,
        new_payments=new_payments,
        refreshed_at=refreshed_at,
        overdue_bill_ids=tuple(bill_by_order[d.order_id] for d in late if d.order_id in bill_by_order),
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an account could not be read: a kind the overview can sort and filter on, and one line to show."""

    kind: str  # "credentials", "rights", "network", "api", "data"
    text: str


@dataclass(frozen=True, slots=True)
class AccountState:
    """One row of the overview: the profile, its last known summary, and how its refresh went."""

    profile: str
    endpoint: str
    readonly: bool = False
    summary: AccountSummary | None = None
    problem: Problem | None = None
    refreshing: bool = False
    from_cache: bool = False


def ticket_summary(rows: Iterable[AccountState], lang: str = "en") -> str:
    """Plain text for a support ticket: per account, what is due, the oldest unpaid, a failed payment."""
    blocks: list[str] = []
    for row in rows:
        s = row.summary
        head = f"{(s.nichandle if s and s.nichandle else row.profile)} ({row.profile}, {row.endpoint})"
        lines = [head]
        if row.problem is not None:
            lines.append(f"  {t('accounts.col.problem', lang)}: {row.problem.text}")
        if s is not None:
            if s.due_ucents is not None:
                due = format_money(Money(s.due_ucents, s.currency), lang)
                lines.append(f"  {t('accounts.col.due', lang)}: {due} ({s.with_balance})")
            if s.overdue is not None:
                o = s.overdue
                late = t("accounts.days", lang, days=o.days)
                amount = format_money(Money(o.due_ucents, s.currency), lang)
                lines.append(
                    f"  {t('accounts.col.overdue', lang)}: {o.bill_id or o.order_id} "
                    f"({format_date(o.due_date, lang)}, {late}, {amount})"
                )
            if s.failed_payment is not None:
                f = s.failed_payment
                amount = format_money(Money(f.amount_ucents, s.currency), lang)
                what = f"{format_date(f.date, lang)} {f.bill_id or f.order_id} ({amount})"
                lines.append(f"  {t('accounts.col.failed', lang)}: {what}")
            if s.overdue_bill_ids:
                lines.append(f"  {t('accounts.concerned', lang)}: {', '.join(s.overdue_bill_ids)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def due_text(row: AccountState, lang: str) -> str:
    """The amount due in the account's currency; ``?`` when unknown (never read, or unreadable)."""
    s = row.summary
    if s is None or s.due_ucents is None:
        return "?"
    return format_money(Money(s.due_ucents, s.currency), lang)


def overdue_text(row: AccountState, lang: str) -> str:
    """The oldest overdue invoice and how late it is (the table, the CLI)."""
    s = row.summary
    if s is None or s.overdue is None:
        return ""
    return f"{s.overdue.bill_id or s.overdue.order_id} {t('col.days_late', lang, days=s.overdue.days)}"


def failed_text(row: AccountState, lang: str) -> str:
    """The date of the failed payment and the invoice it was for."""
    s = row.summary
    if s is None or s.failed_payment is None:
        return ""
    return f"{format_date(s.failed_payment.date, lang)} {s.failed_payment.bill_id or ''}".strip()


JSON_KEYS = (
    "profile", "nichandle", "endpoint", "readonly", "currency", "due", "invoicesWithBalance", "overdueInvoices",
    "oldestOverdueBillId", "oldestOverdueDueDate", "oldestOverdueDays", "oldestOverdueAmount",
    "failedPaymentDate", "failedPaymentBillId", "failedPaymentAmount", "lastInvoice", "lastPayment",
    "newInvoices", "newPayments", "refreshedAt", "fromCache", "problemKind", "problem",
)  # fmt: skip


def _money(ucents: int | None, currency: str) -> str | None:
    """Exact decimal text (``12.50``, ``0.001``): never through float."""
    if ucents is None:
        return None
    value = Money(ucents, currency).value
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else format(value.normalize(), "f")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def account_record(state: AccountState) -> dict[str, Any]:
    """The stable JSON form of one overview row (documented in the README)."""
    s: AccountSummary | None = state.summary
    currency = s.currency if s else None
    overdue = s.overdue if s else None
    failed = s.failed_payment if s else None
    return {
        "profile": state.profile,
        "nichandle": s.nichandle if s else None,
        "endpoint": state.endpoint,
        "readonly": state.readonly,
        "currency": currency,
        "due": _money(s.due_ucents, s.currency) if s else None,
        "invoicesWithBalance": s.with_balance if s else None,
        "overdueInvoices": s.overdue_count if s else None,
        "oldestOverdueBillId": overdue.bill_id if overdue else None,
        "oldestOverdueDueDate": overdue.due_date.isoformat() if overdue else None,
        "oldestOverdueDays": overdue.days if overdue else None,
        "oldestOverdueAmount": _money(overdue.due_ucents, s.currency) if overdue and s else None,
        "failedPaymentDate": _iso(failed.date) if failed else None,
        "failedPaymentBillId": failed.bill_id if failed else None,
        "failedPaymentAmount": _money(failed.amount_ucents, s.currency) if failed and s else None,
        "lastInvoice": _iso(s.last_invoice) if s else None,
        "lastPayment": _iso(s.last_payment) if s else None,
        "newInvoices": s.new_invoices if s else None,
        "newPayments": s.new_payments if s else None,
        "refreshedAt": _iso(s.refreshed_at) if s else None,
        "fromCache": state.from_cache,
        "problemKind": state.problem.kind if state.problem else None,
        "problem": state.problem.text if state.problem else None,
    }
