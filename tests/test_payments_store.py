"""The payments store without a UI: filters, sort, marks, lazy paid bills, and the shortfall explained exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ovh_invoices_tui.core.models import Bill, Deposit, Money, Payment, PaymentInfo, Refund
from ovh_invoices_tui.state.listing import Sort
from ovh_invoices_tui.state.payments import (
    LoadState,
    PaymentChange,
    PaymentFilter,
    PaymentsStore,
    Settlement,
    parse_amount,
)


def deposit(ref: str, day: int, amount: str, kind: str | None = "creditCard") -> Deposit:
    return Deposit(
        deposit_id=ref,
        date=datetime(2024, 3, day, 10, tzinfo=UTC),
        order_id=day,
        amount=Money.of(amount),
        payment_info=PaymentInfo(kind) if kind else None,
        url="",
        pdf_url="",
        password="",
    )


def bill(ref: str, ttc: str) -> Bill:
    money = Money.of(ttc)
    return Bill(ref, "autorenew", datetime(2024, 3, 1, tzinfo=UTC), 1, money, money, Money.zero(), "", "", "")


def refund(ref: str, ttc: str, original: str = "FR1") -> Refund:
    money = Money.of(ttc)
    return Refund(ref, datetime(2024, 2, 1, tzinfo=UTC), 9, original, money, money, Money.zero(), "", "", "")


@pytest.fixture
def store() -> PaymentsStore:
    s = PaymentsStore()
    s.add_deposits(
        [
            deposit("FR601", 1, "10.00", "creditCard"),
            deposit("FR602", 5, "250.50", "debtAccount"),
            deposit("FR603", 10, "99.99", None),
            deposit("FR604", 20, "0.01", "creditCard"),
        ]
    )
    return s


def ids(deposits: list[Deposit]) -> list[str]:
    return [d.deposit_id for d in deposits]


def test_newest_first_and_sort_by_each_column(store: PaymentsStore) -> None:
    assert ids(store.view) == ["FR604", "FR603", "FR602", "FR601"]
    store.toggle_sort("total_amount")
    assert ids(store.view) == ["FR602", "FR603", "FR601", "FR604"]
    store.toggle_sort("total_amount")
    assert ids(store.view) == ["FR604", "FR601", "FR603", "FR602"]
    store.set_sort(Sort("reference", descending=False))
    assert ids(store.view) == ["FR601", "FR602", "FR603", "FR604"]
    store.set_sort(Sort("payment_type", descending=False))
    assert [d.payment_type for d in store.view] == ["creditCard", "creditCard", "debtAccount", "missing"]
    store.set_paid_bills("FR602", ["A", "B", "C"])
    store.set_paid_bills("FR601", ["A"])
    store.toggle_sort("paid_bills")
    assert ids(store.view)[:2] == ["FR602", "FR601"]  # unknown counts sort last
    with pytest.raises(ValueError):
        store.set_sort(Sort("nope"))


def test_filters_by_date_amount_type_reference(store: PaymentsStore) -> None:
    store.set_filter(PaymentFilter(date_from=date(2024, 3, 5), date_to=date(2024, 3, 10)))
    assert ids(store.view) == ["FR603", "FR602"]
    store.set_filter(PaymentFilter(amount_min=Decimal("10"), amount_max=Decimal("99.99")))
    assert ids(store.view) == ["FR603", "FR601"]  # inclusive bounds, exact
    store.set_filter(PaymentFilter(payment_type="creditCard"))
    assert ids(store.view) == ["FR604", "FR601"]
    store.set_filter(PaymentFilter(payment_type="missing"))
    assert ids(store.view) == ["FR603"]
    store.set_filter(PaymentFilter(reference="602"))
    assert ids(store.view) == ["FR602"]
    assert "ref=602" in store.filter.describe("en")
    store.set_filter(PaymentFilter())
    assert len(store.view) == 4 and not store.filter.is_active


def test_parse_amount() -> None:
    assert parse_amount("1 234,56") == Decimal("1234.56")
    assert parse_amount("12.5") == Decimal("12.5")
    assert parse_amount("  ") is None
    with pytest.raises(ValueError):
        parse_amount("12..5")


def test_marks_and_notifications(store: PaymentsStore) -> None:
    seen: list[set[PaymentChange]] = []
    unsubscribe = store.subscribe(seen.append)
    store.toggle_mark("FR602")
    store.toggle_mark("FR604")
    assert seen[-1] == {PaymentChange.MARKS}
    assert ids(store.marked_rows()) == ["FR604", "FR602"]
    store.set_filter(PaymentFilter(payment_type="debtAccount"))
    store.invert_marks_in_view()
    assert store.marked == {"FR604"}  # FR602 was in the view: inverted; FR604 hidden: kept
    store.mark_all_in_view()
    assert store.marked == {"FR604", "FR602"}
    store.clear_marks()
    assert not store.marked
    unsubscribe()
    store.toggle_mark("FR601")
    assert len(seen) == 6


def test_missing_paid_bills_visible_first_then_view_order(store: PaymentsStore) -> None:
    assert store.missing_paid_bills(["FR602"], limit=2) == ["FR602", "FR604"]
    store.set_paid_bills("FR604", ["X"])
    store.paid_bills_failed_for("FR603")  # not fetched again in a loop
    assert store.missing_paid_bills(limit=4) == ["FR602", "FR601"]
    assert store.paid_count("FR604") == 1 and store.paid_count("FR601") is None


def test_invalidate_forgets_data_and_tells_subscribers(store: PaymentsStore) -> None:
    store.toggle_mark("FR601")
    store.set_paid_bills("FR601", ["A"])
    store.state = LoadState.DONE
    seen: list[set[PaymentChange]] = []
    store.subscribe(seen.append)
    store.invalidate()
    assert store.state is LoadState.IDLE and not store.deposits and not store.paid_bills
    assert PaymentChange.INVALIDATED in seen[-1]
    assert store.marked == {"FR601"}  # marks survive a reload
    store.clear()
    assert not store.marked


def test_credit_note_payment_links_refund_to_deposit(store: PaymentsStore) -> None:
    store.add_refunds([refund("FR801", "1.04"), refund("FR802", "3.00")])
    store.set_refund_payment("FR801", Payment(datetime(2024, 3, 5, tzinfo=UTC), "FR602", "refund"))
    store.set_refund_payment("FR802", Payment(datetime(2024, 3, 5, tzinfo=UTC), None, "debtAccount"))
    assert store.credited_deposit("FR801") == "FR602"
    assert store.credited_deposit("FR802") is None
    assert [r.refund_id for r in store.refunds_applied_to("FR602")] == ["FR801"]


def test_shortfall_explained_exactly_with_money() -> None:
    paid = deposit("FR602", 5, "254.63", "debtAccount")
    # 0.1 + 0.2 style amounts: float would not give exactly 1.04
    bills = (bill("FR1", "100.10"), bill("FR2", "155.57"))
    settlement = Settlement(paid, bills, (refund("FR801", "1.04"),))
    assert settlement.invoices_total == Money.of("255.67")
    assert settlement.difference.ucents == Money.of("1.04").ucents
    assert settlement.has_shortfall
    lines = settlement.explanation("en")
    assert lines == [
        "Invoices €255.67 − payment €254.63 = €1.04",
        "A credit note (avoir) FR801 of €1.04 covered the difference.",
    ]
    assert settlement.explanation("fr")[1] == "Un avoir FR801 de 1,04\u00a0€ a couvert la différence."


def test_shortfall_without_credit_note_or_not_fully_explained() -> None:
    paid = deposit("FR602", 5, "90.00")
    bills = (bill("FR1", "100.00"),)
    unexplained = Settlement(paid, bills)
    # no credit note known: say so, never name one
    assert "no credit note applied to it is known here" in unexplained.explanation("en")[1]
    partial = Settlement(paid, bills, (refund("FR801", "4.00"), refund("FR802", "5.00")))
    lines = partial.explanation("en")
    assert "FR801, FR802 totalling €9.00" in lines[1]
    assert lines[2] == "€1.00 of the difference is not explained by a credit note."
    exact = Settlement(deposit("FR603", 5, "100.00"), bills)
    assert exact.explanation("en") == [] and not exact.has_shortfall
    incomplete = Settlement(paid, bills, (), ("FR9",))
    assert not incomplete.has_shortfall
