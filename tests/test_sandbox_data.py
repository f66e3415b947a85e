"""The sandbox's generated data: determinism, consistency, subsidiaries, scale."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from ovh_invoices_tui.sandbox.catalogue import bill_lines
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.sandbox.generator import generate
from ovh_invoices_tui.sandbox.serialize import Views

from .test_sandbox import ICEBERG, client_for, make_app

NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)


def _snapshot(seed: int) -> str:
    data = generate(SandboxConfig(bills=300, seed=seed, now=NOW))
    views = Views(data)
    return json.dumps([[asdict(b) for b in data.bills], [views.debt(d) for d in data.debts],
                       [views.deposit(d) for d in data.deposits], [views.refund(r) for r in data.refunds],
                       [views.bill_detail(line) for i in range(0, 300, 17) for line in views.lines(i)]])


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert _snapshot(42) == _snapshot(42)
    assert _snapshot(42) != _snapshot(43)


def test_bills_are_ordered_consistent_and_lines_add_up() -> None:
    data = generate(SandboxConfig(bills=500, now=NOW))
    bills = data.bills
    assert [b.ts for b in bills] == sorted(b.ts for b in bills)
    assert [b.bill_id for b in bills] == sorted({b.bill_id for b in bills})
    assert [b.order_id for b in bills] == sorted({b.order_id for b in bills})
    assert bills[-1].ts <= NOW.timestamp() and NOW.timestamp() - bills[0].ts > 3 * 365 * 86_400
    assert all(len(b.bill_id) == 10 and b.bill_id.startswith("FR") for b in bills)
    assert {b.category for b in bills} >= {"autorenew", "purchase-web", "purchase-cloud", "purchase-servers"}
    for b in bills:
        assert b.tax == data.sub.tax_cents(b.ht)
        lines = bill_lines(42, b, datetime.fromtimestamp(b.ts, UTC).date(), True)
        assert 1 <= len(lines) <= 6 and sum(line.total for line in lines) == b.ht


def test_debts_deposits_and_refunds_tell_one_story() -> None:
    data = generate(SandboxConfig(bills=500, now=NOW))
    statuses = {d.status for d in data.debts}
    assert {"UNPAID", "TO_BE_PAID", "PAID"} <= statuses
    assert len(data.debts) < len(data.bills) / 4  # most bills are paid without a debt
    for debt in data.debts:
        bill = data.bills[debt.bill]
        assert (debt.due > 0) == (debt.status in ("UNPAID", "TO_BE_PAID", "UNMATURED"))
        assert (bill.deposit >= 0) == (debt.status in ("PAID", "REFUNDED"))
    unpaid = {d.bill for d in data.debts if d.status in ("UNPAID", "TO_BE_PAID", "UNMATURED", "WRITE_OFF")}
    assert all((b.deposit >= 0) != (b.index in unpaid) for b in data.bills)
    types = {d.payment_type for d in data.deposits}
    assert {"creditCard", "debtAccount", None} <= types
    assert any(len(d.bills) > 1 for d in data.deposits)
    for deposit in data.deposits:
        gap = sum(data.bills[i].ttc for i in deposit.bills) - deposit.amount
        refund = data.refund_applied_to(deposit.deposit_id)
        assert gap == (refund.ttc if refund else 0)
        if refund:
            assert refund.ts < deposit.ts and data.bills[refund.original_bill].ts < refund.ts
    assert any(d.refund >= 0 for d in data.deposits)


def test_subsidiaries() -> None:
    for code, prefix, currency, rate in (("DE", "DE", "EUR", "0.19"), ("GB", "GB", "GBP", "0.20"),
                                         ("US", "US", "USD", "0"), ("CA", "CA", "CAD", "0.14975")):
        data = generate(SandboxConfig(bills=50, subsidiary=code, now=NOW))
        views = Views(data)
        bill = views.bill(10)
        assert bill["billId"].startswith(prefix) and bill["priceWithTax"]["currencyCode"] == currency
        assert str(data.sub.vat_rate) == rate
        assert views.me()["currency"]["code"] == currency


async def test_one_hundred_thousand_bills_page_through() -> None:
    app = make_app(bills=100_000)
    async with client_for(app) as client:
        sizes = []
        for number in (1, 20):
            response = await client.get("/me/bill", headers={**ICEBERG, "X-Pagination-Number": str(number),
                                                             "X-Pagination-Sort": "date",
                                                             "X-Pagination-Sort-Order": "DESC"})
            assert response.headers["X-Pagination-Elements"] == "100000"
            sizes.append(len(response.json()))
        assert sizes == [5000, 5000]
        assert len((await client.get("/me/bill")).json()) == 100_000
