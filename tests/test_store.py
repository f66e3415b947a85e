from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ovh_invoices_tui.core.filters import BillFilter, FilterInputError, StatusFilter, parse_date_range
from ovh_invoices_tui.state.invoices import Change, Sort, Store
from tests.factories import make_bill, make_debt


@pytest.fixture
def store() -> Store:
    s = Store()
    bills = [make_bill(n, f"{n}.50") for n in range(1, 21)]
    s.add_bills(bills)
    s.set_debts([make_debt(bills[2], "3.60"), make_debt(bills[4], "6.60", "TO_BE_PAID")])
    return s


def ids(rows):
    return [r.bill.bill_id for r in rows]


def test_status_and_balance_joined_on_order_id(store: Store) -> None:
    assert store.row("FR00000003").status == "UNPAID"
    assert store.row("FR00000003").balance.value == Decimal("3.6")
    assert store.row("FR00000001").status == "PAID"
    assert store.row("FR00000001").balance.ucents == 0


def test_default_view_is_newest_first(store: Store) -> None:
    assert ids(store.view)[:2] == ["FR00000020", "FR00000019"]


def test_sort_by_amount_and_flip(store: Store) -> None:
    store.set_sort(Sort("amount_ttc", descending=False))
    assert ids(store.view)[0] == "FR00000001"
    store.toggle_sort("amount_ttc")
    assert ids(store.view)[0] == "FR00000020"


def test_filters_combine(store: Store) -> None:
    store.set_filter(BillFilter(reference="fr0000001"))
    assert set(ids(store.view)) == {f"FR{n:08d}" for n in range(10, 20)}
    store.set_filter(BillFilter(reference="fr0000001", date_from=date(2024, 1, 15), date_to=date(2024, 1, 16)))
    assert ids(store.view) == ["FR00000015", "FR00000014"]
    store.set_filter(BillFilter(status=StatusFilter.UNPAID))
    assert set(ids(store.view)) == {"FR00000003", "FR00000005"}
    store.set_filter(BillFilter(order="100007"))
    assert ids(store.view) == ["FR00000007"]


def test_quick_filter_narrows_and_widens(store: Store) -> None:
    store.set_filter(BillFilter(quick="fr0000001"))
    assert len(store.view) == 10
    store.set_filter(BillFilter(quick="fr00000012"))
    assert ids(store.view) == ["FR00000012"]
    store.set_filter(BillFilter(quick="fr"))
    assert len(store.view) == 20


def test_quick_filter_matches_service_names_once_known(store: Store) -> None:
    store.set_services("FR00000004", ["vps-abc123.vps.ovh.net"])
    store.set_filter(BillFilter(quick="VPS-ABC"))
    assert ids(store.view) == ["FR00000004"]


def test_marks_survive_filter_and_sort_and_count_hidden(store: Store) -> None:
    store.toggle_mark("FR00000001")
    store.toggle_mark("FR00000002")
    store.toggle_mark("FR00000003")
    store.set_filter(BillFilter(status=StatusFilter.UNPAID))
    assert store.marked == {"FR00000001", "FR00000002", "FR00000003"}
    assert store.hidden_marked_count == 2
    totals = store.selection_totals()
    assert totals.count == 3
    assert totals.due == {"EUR": 360_000_000}
    store.set_sort(Sort("reference", False))
    assert len(store.marked) == 3


def test_range_all_invert_clear(store: Store) -> None:
    store.mark_range(3, 1)
    assert store.marked == {"FR00000019", "FR00000018", "FR00000017"}
    store.invert_marks_in_view()
    assert len(store.marked) == 17
    store.clear_marks()
    store.set_filter(BillFilter(reference="FR0000001"))
    store.mark_all_in_view()
    assert len(store.marked) == 10


def test_view_totals_are_exact(store: Store) -> None:
    totals = store.view_totals()
    assert totals.count == 20
    expected_ht = sum(Decimal(f"{n}.50") for n in range(1, 21))
    assert Decimal(totals.without_tax["EUR"]) / 10**8 == expected_ht
    assert totals.due == {"EUR": 1_020_000_000}


def test_subscribers_hear_changes_once_per_batch(store: Store) -> None:
    heard: list[set[Change]] = []
    store.subscribe(heard.append)
    with store.batch():
        store.toggle_mark("FR00000001")
        store.set_filter(BillFilter(quick="1"))
    assert heard == [{Change.MARKS, Change.VIEW}]


def test_debts_refresh_replaces_status(store: Store) -> None:
    store.set_debts([])
    assert store.row("FR00000003").status == "PAID"


def test_a_refresh_listing_the_same_bills_and_debts_keeps_every_row_as_it_is(store: Store) -> None:
    """Listed again unchanged (a refresh's overlap, the cache's first screen read twice), bills and debts leave
    the rows as they are: the same objects, nothing freed and rebuilt; only what changed is replaced."""
    before = list(store.rows)
    bills = [make_bill(n, f"{n}.50") for n in range(1, 21)]  # equal, not the same objects
    store.add_bills(bills)
    store.set_debts([make_debt(bills[2], "3.60"), make_debt(bills[4], "6.60", "TO_BE_PAID")])
    assert all(now is then for now, then in zip(store.rows, before, strict=True))
    store.add_bills([make_bill(7, "99.00")])
    store.set_debts([make_debt(bills[2], "1.00"), make_debt(bills[4], "6.60", "TO_BE_PAID")])
    replaced = {row.bill.bill_id for row, then in zip(store.rows, before, strict=True) if row is not then}
    assert replaced == {"FR00000007", "FR00000003"}
    assert store.row("FR00000003").balance.value == Decimal("1")
    assert store.row("FR00000007").bill.price_without_tax.value == 99
    assert ids(store.view)[:2] == ["FR00000020", "FR00000019"]


def test_date_range_parsing() -> None:
    assert parse_date_range("2024-03") == (date(2024, 3, 1), date(2024, 3, 31))
    assert parse_date_range("01/02/2024..") == (date(2024, 2, 1), None)
    assert parse_date_range("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    with pytest.raises(FilterInputError, match="not a date"):
        parse_date_range("2024-13-45")
    with pytest.raises(FilterInputError, match="ends before"):
        parse_date_range("2024-02-01..2024-01-01")


def test_date_range_sides_may_be_months_or_years() -> None:
    assert parse_date_range("2024-03..2024-05") == (date(2024, 3, 1), date(2024, 5, 31))
    assert parse_date_range("2024-02..2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_date_range("2023..2024") == (date(2023, 1, 1), date(2024, 12, 31))
    assert parse_date_range("2023-11..2023-12") == (date(2023, 11, 1), date(2023, 12, 31))
    assert parse_date_range("2024-03-15..2024-04") == (date(2024, 3, 15), date(2024, 4, 30))
    assert parse_date_range("2024..15/03/2024") == (date(2024, 1, 1), date(2024, 3, 15))
    assert parse_date_range("..2024-02") == (None, date(2024, 2, 29))
    assert parse_date_range("2024-06..") == (date(2024, 6, 1), None)
    with pytest.raises(FilterInputError, match="not a month"):
        parse_date_range("2024-13..2024-14")
    with pytest.raises(FilterInputError, match="not a date"):
        parse_date_range("2024-03..soon")
    with pytest.raises(FilterInputError, match="not a date"):
        parse_date_range("0000..2024")
    with pytest.raises(FilterInputError, match="range ends before it starts"):
        parse_date_range("2024-05..2024-03")


def test_all_sorted_follows_the_sort_and_ignores_filters(store: Store) -> None:
    assert ids(store.all_sorted()) == [f"FR{n:08d}" for n in range(20, 0, -1)]  # default: newest first
    store.set_sort(Sort("status", descending=False))
    store.set_filter(BillFilter(reference="fr0000001"))
    everything = store.all_sorted()
    assert len(everything) == 20 and len(store.view) == 10
    statuses = [row.status for row in everything]
    assert statuses == sorted(statuses) and statuses[0] == "PAID" and statuses[-2:] == ["TO_BE_PAID", "UNPAID"]
    # the view is the filtered sub-sequence of the same order
    view_ids = ids(store.view)
    assert [i for i in ids(everything) if i in set(view_ids)] == view_ids
    store.toggle_sort("status")
    assert ids(store.all_sorted()) == ids(everything)[::-1]


# --- pages arriving: kept sort orders completed by a merge give what one full sort gives ----------------------

import itertools  # noqa: E402
from typing import Any  # noqa: E402

import msgspec  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ovh_invoices_tui.state.invoices import SORT_COLUMNS  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 6), min_size=1, max_size=30),  # few distinct days: many equal keys
    amounts=st.lists(st.sampled_from(["1.00", "2.50", "2.50", "9.99"]), min_size=30, max_size=30),
    cuts=st.lists(st.integers(0, 30), max_size=4),
    again=st.lists(st.integers(0, 29), max_size=3),  # bills listed a second time (the refresh's overlap)
    changed=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 6)), max_size=3),  # … with another date
    sort=st.tuples(st.sampled_from(SORT_COLUMNS), st.booleans()),
    debts_at=st.integers(0, 5),
)
def test_pages_added_one_by_one_show_what_one_batch_shows(
    days: list[int], amounts: list[str], cuts: list[int], again: list[int], changed: list[tuple[int, int]],
    sort: tuple[str, bool], debts_at: int,
) -> None:
    bills = [make_bill(n + 1, amounts[n], day=day) for n, day in enumerate(days)]
    debts = [make_debt(bill, "1.00" if n % 3 else "0", "UNPAID" if n % 2 else "TO_BE_PAID")
             for n, bill in enumerate(bills) if n % 4]  # fmt: skip
    bounds = sorted({0, len(bills), *(c for c in cuts if c <= len(bills))})
    pages = [bills[a:b] for a, b in itertools.pairwise(bounds)]
    pages.append([bills[i] for i in again if i < len(bills)])
    later = [make_bill(i + 1, "7.77", day=day) for i, day in changed if i < len(bills)]
    pages.append(later)
    paged = Store()
    paged.set_sort(Sort(*sort))
    for number, page in enumerate(pages):
        if number == debts_at:
            paged.set_debts(debts)
        paged.add_bills(page)
        assert len(paged.view) == len({b.bill_id for p in pages[: number + 1] for b in p})
    if debts_at >= len(pages):
        paged.set_debts(debts)
    whole = Store()  # every bill at once, as last listed, in the same positions
    whole.add_bills({bill.bill_id: bill for bill in [*bills, *later]}.values())
    whole.set_debts(debts)
    whole.set_sort(Sort(*sort))
    assert ids(paged.view) == ids(whole.view)
    assert [r.status for r in paged.view] == [r.status for r in whole.view]
    assert paged.view_totals() == whole.view_totals()


def test_the_oldest_overdue_invoice_is_the_one_due_longest_ago() -> None:
    from datetime import timedelta

    from ovh_invoices_tui.core.filters import days_overdue

    bills = [make_bill(n, day=n) for n in range(1, 40)]
    late = [msgspec.structs.replace(make_debt(bills[n], due), due_date=bills[n].date + timedelta(days=30))
            for n, due in ((5, "1.00"), (9, "2.00"), (12, "0"), (20, "-1.00"), (30, "3.00"))]  # fmt: skip
    store = Store()
    store.add_bills(bills)
    store.set_debts(late)
    today = date(2024, 3, 1)
    expected = max(((row, days_overdue(row, today)) for row in store.rows if days_overdue(row, today)),
                   key=lambda pair: pair[1])  # fmt: skip
    assert store.oldest_overdue(today) == expected and expected[0].bill.bill_id == bills[5].bill_id
    assert store.oldest_overdue(date(2024, 1, 2)) is None  # nothing due yet


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(0, 3), min_size=2, max_size=25),  # many bills of the very same instant
    order=st.randoms(use_true_random=False),
    cuts=st.lists(st.integers(0, 25), max_size=4),
    descending=st.booleans(),
)
def test_bills_of_the_same_instant_sort_by_reference_whatever_their_arrival(
    days: list[int], order: Any, cuts: list[int], descending: bool
) -> None:
    """The date sort keeps only the bill's own date-time (no tuple): bills of one instant still follow their reference,
    as a whole sort, a merge of pages and a reversed order alike."""
    bills = [make_bill(n + 1, day=day) for n, day in enumerate(days)]
    arrival = list(bills)
    order.shuffle(arrival)
    bounds = sorted({0, len(arrival), *(c for c in cuts if c <= len(arrival))})
    store = Store()
    store.set_sort(Sort("date", descending))
    for a, b in itertools.pairwise(bounds):
        store.add_bills(arrival[a:b])
    expected = sorted(bills, key=lambda b: (b.date, b.bill_id), reverse=descending)
    assert ids(store.view) == [b.bill_id for b in expected]
    store.reverse_sort()
    assert ids(store.view) == [b.bill_id for b in reversed(expected)]
