"""The no-widget part of paying: what is due, and the guard that lets one POST through per flow."""

from __future__ import annotations

from datetime import datetime

from ovh_invoices_tui.core.models import Bill, BillRow, Debt, Money
from ovh_invoices_tui.core.paying import ActionGuard, plan_bill, plan_due


def _row(ref: str, day: int, due: str) -> BillRow:
    amount = Money.of("10")
    bill = Bill(ref, "", datetime(2026, 1, day), day, amount, amount, Money.zero(), "", "", "")
    owed = Money.of(due)
    debt = Debt(day, day, bill.date, None, "UNPAID", amount, owed, Money.zero(), owed, Money.zero())
    return BillRow(bill, debt)


def test_plan_lists_due_invoices_oldest_first_with_exact_total() -> None:
    rows = [_row("B", 5, "0.10"), _row("A", 2, "0.20"), _row("C", 9, "0")]
    plan = plan_due(rows, Money.of("0.30"), "EUR")
    assert [r.bill.bill_id for r in plan.rows] == ["A", "B"]
    assert plan.total == Money.of("0.30") and plan.listed_total is None
    other = plan_due(rows, Money.of("1.30"), "EUR")
    assert other.total.ucents == Money.of("1.30").ucents and other.listed_total == Money.of("0.30")
    assert plan_due([rows[2]], Money.zero(), "EUR").is_empty
    assert plan_bill(rows[2]).is_empty and plan_bill(rows[0]).bill_id == "B"


def test_guard_one_flow_one_send() -> None:
    guard = ActionGuard()
    flow = guard.begin("pay")
    assert flow is not None and guard.busy
    assert guard.begin("ticket") is None  # one money flow at a time
    assert guard.claim_send(flow)
    assert not guard.claim_send(flow)  # the second press, the re-posted message
    guard.end(flow)
    assert not guard.busy
    again = guard.begin("pay")
    assert again is not None and not guard.claim_send(flow)  # a stale flow never sends
    guard.end(flow)  # nor closes the new one
    assert guard.busy and guard.claim_send(again)
