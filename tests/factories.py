"""Small builders of model objects for unit tests (integration tests use the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.core.models import Bill, Debt, Money
from ovh_invoices_tui.sandbox import credentials

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


def sandbox_clients(transport: httpx.AsyncBaseTransport, **fixed: Any) -> Callable[..., OvhClient]:
    """A client factory, as the App takes one: clients of the in-process sandbox's account through ``transport``
    (``fixed``: options of every client, the App's own options coming on top)."""

    def client(profile: object = None, **options: Any) -> OvhClient:
        return OvhClient(
            credentials.INPROCESS_BASE_URL,
            application_key=credentials.APPLICATION_KEY,
            application_secret=credentials.APPLICATION_SECRET,
            consumer_key=credentials.CONSUMER_KEY,
            transport=transport,
            **{**fixed, **options},
        )

    return client
