"""Small builders of model objects for unit tests (integration tests use the sandbox)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ovh_invoices_tui.core.models import Bill, Debt, Money

PARIS = timezone(timedelta(hours=1))


def money(amount: str, currency: str = "EUR") -> Money:
    return Money.of(amount, currency)


def make_bill(number: int, ht: str = "10.00", *, day: int | None = None, order_id: int | None = None) -> Bill:
    base = money(ht)
    tax = Money(base.ucents // 5, base.currency)
    return Bill.make(
        bill_id=f"FR{number:08d}",
        category="autorenew",
        date=datetime(2024, 1, 1, 3, 0, tzinfo=PARIS) + timedelta(days=day if day is not None else number),
        order_id=order_id if order_id is not None else 100_000 + number,
        price_with_tax=base + tax,
        price_without_tax=base,
        tax=tax,
        url=f"https://example.invalid/bill/{number}?passwd=secret",
        pdf_url=f"https://example.invalid/bill/{number}.pdf?passwd=secret",
        password="secret",
    )


def make_debt(bill: Bill, due: str, status: str = "UNPAID") -> Debt:
    amount = money(due)
    zero = Money.zero()
    return Debt(
        debt_id=bill.order_id + 7,
        order_id=bill.order_id,
        date=bill.date,
        due_date=None,
        status=status,
        amount=bill.price_with_tax,
        due_amount=amount,
        pending_amount=zero,
        todo_amount=zero,
        unmatured_amount=zero,
    )
