"""Hostile data past the parsers: the store, the CSV and PDF writers, the bill table and the app's notice.

Text from the API is data: markup (``[red]``, ``[link=…]``), ANSI escapes, controls, RTL and emoji show
literally (no ESC reaches the terminal, no markup is interpreted), and nothing crashes.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from textual.app import App, ComposeResult

from ovh_invoices_tui.core.filters import BillFilter, StatusFilter
from ovh_invoices_tui.core.models import MAX_UCENTS, Bill, BillRow, Debt
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export import render_bills_pdf, restore_text, write_bills_csv
from ovh_invoices_tui.state.invoices import SORT_COLUMNS, Sort, Store
from ovh_invoices_tui.widgets.bill_table import BillTable
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text
from tests.test_hostile_models import CONTROLS, MARKUP, bill_json, hostile_text

SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

amount = st.integers(-MAX_UCENTS, MAX_UCENTS)
offsets = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12, minutes=-30))])
when = st.builds(
    lambda d, tz: d.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30)),
    offsets,
)


def _price(ucents: int, currency: str) -> dict[str, Any]:
    return {"currencyCode": currency, "priceInUcents": ucents, "value": 0, "text": "[red]fake[/red]"}


@st.composite
def hostile_rows(draw: st.DrawFn) -> BillRow:
    """A bill the parser accepts, with hostile text wherever the API sends text, and maybe a debt."""
    currency = draw(st.one_of(st.sampled_from(["EUR", "USD", "XOF"]), hostile_text))
    ht, ttc, tax = draw(amount), draw(amount), draw(amount)
    bill = Bill.from_api(bill_json(
        billId=draw(hostile_text), category=draw(hostile_text), date=draw(when).isoformat(),
        orderId=draw(st.integers(-(2**63), 2**63)), priceWithTax=_price(ttc, currency),
        priceWithoutTax=_price(ht, currency), tax=_price(tax, currency),
    ))  # fmt: skip
    if draw(st.booleans()):
        return BillRow(bill)
    due = Bill.from_api(bill_json(priceWithTax=_price(draw(amount), currency))).price_with_tax
    status = draw(st.one_of(st.sampled_from(["UNPAID", "PAID", "TO_BE_PAID", "UNMATURED"]), hostile_text))
    debt = Debt(1, bill.order_id, bill.date, None, status, bill.price_with_tax, due, due, due, due)
    return BillRow(bill, debt)


# --- the store -----------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(rows=st.lists(hostile_rows(), min_size=1, max_size=6), quick=hostile_text, status=st.sampled_from(StatusFilter))
def test_store_takes_hostile_bills(rows: list[BillRow], quick: str, status: StatusFilter) -> None:
    store = Store()
    with store.batch():
        store.set_debts([row.debt for row in rows if row.debt is not None])
        store.add_bills(row.bill for row in rows)
    assert {r.bill.bill_id for r in store.rows} == {r.bill.bill_id for r in rows}
    for column in SORT_COLUMNS:
        store.set_sort(Sort(column, descending=True))
        store.set_sort(Sort(column, descending=False))
    store.set_filter(BillFilter(quick=quick[:50], status=status, reference=quick[:5], order=quick[:3]))
    store.set_filter(BillFilter(quick=rows[0].bill.bill_id[:200]))
    store.view_totals().amounts(store.currency)
    store.mark_all_in_view()
    store.selection_totals()


# --- the writers ---------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW)
@given(rows=st.lists(hostile_rows(), min_size=1, max_size=4), lang=st.sampled_from(["en", "fr"]),
       dialect=st.sampled_from(["excel-fr", "rfc4180"]))  # fmt: skip
def test_csv_and_pdf_take_hostile_bills(rows: list[BillRow], lang: str, dialect: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bills.csv"
        write_bills_csv(rows, path, lang=lang, dialect=dialect)  # type: ignore[arg-type]
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        assert "hush" not in text  # document passwords / links stay out without include_links
        csv.field_size_limit(10**7)  # the reader's limit (128 KB), not the writer's: huge statuses are fine
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle, delimiter=";" if dialect == "excel-fr" else ","))
        assert [restore_text(line[0]) for line in lines[1:]] == [row.bill.bill_id for row in rows]
    summary = render_bills_pdf(rows, lang=lang, account=rows[0].bill.category[:300], scope=rows[-1].bill.bill_id[:300],
                               generated_at=datetime(2026, 1, 1))  # fmt: skip
    reader = PdfReader(io.BytesIO(summary.data))
    assert len(reader.pages) >= 1
    assert "hush" not in "".join(page.extract_text() for page in reader.pages)


# --- the table -----------------------------------------------------------------------------------------


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield BillTable([], lang="en")


def terminal_safe(text: str) -> bool:
    """No ESC nor any other control character, no bidi override that could reorder the line."""
    return not any(unicodedata.category(ch) == "Cc" or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069
                   for ch in text)  # fmt: skip


def _row_text(table: BillTable, rows: list[BillRow]) -> tuple[str, list[Any]]:
    table.set_rows(rows)
    strip = table.render_line(1)
    segments = list(strip)
    return "".join(s.text for s in segments), segments


async def test_table_shows_markup_and_escapes_literally() -> None:
    app = TableApp()
    async with app.run_test(size=(200, 10)):
        table = app.query_one(BillTable)
        base = Bill.from_api(bill_json())
        for hostile in [*MARKUP, *CONTROLS]:
            bill = msgspec.structs.replace(base, bill_id=hostile)
            debt = Debt(1, bill.order_id, bill.date, None, hostile, bill.tax, bill.tax, bill.tax, bill.tax, bill.tax)
            text, segments = _row_text(table, [BillRow(bill, debt)])
            assert terminal_safe(text), repr(text)
            assert all(s.style is None or not s.style.link for s in segments)  # [link=…] not interpreted
            shown = " ".join(clean(hostile).split())
            assert shown[:10] in " ".join(text.split()), (hostile, text)  # the markup itself is on screen

        @settings(max_examples=80, deadline=None, suppress_health_check=SLOW)
        @given(rows=st.lists(hostile_rows(), min_size=1, max_size=3), width=st.integers(20, 200))
        def any_row_renders(rows: list[BillRow], width: int) -> None:
            text, segments = _row_text(table, rows)
            assert terminal_safe(text), repr(text)
            assert all(s.style is None or not s.style.link for s in segments)

        any_row_renders()


# --- the app: a page with one broken bill ---------------------------------------------------------------


class CorruptingTransport(httpx.AsyncBaseTransport):
    """Delegates to the sandbox; in the first page of ``/me/bill`` one bill gets ``value`` as its date."""

    def __init__(self, inner: httpx.AsyncBaseTransport, value: Any) -> None:
        self.inner = inner
        self.value = value
        self.corrupted: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/1.0/me/bill" or request.headers.get("X-Pagination-Number") != "1":
            return response
        data = json.loads(await response.aread())
        victim = data[len(data) // 2]
        self.corrupted = victim["billId"]
        victim["date"] = self.value
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(data).encode())


def app_through(make_app: Any, wrap: Callable[[httpx.AsyncBaseTransport], Any]) -> Any:
    """An app of 60 bills whose client talks to the sandbox through ``wrap(transport)``."""
    from ovh_invoices_tui.data import clients as factory

    original = factory.OvhClient

    def client_through(*args: Any, transport: httpx.AsyncBaseTransport, **kw: Any) -> Any:
        return original(*args, transport=wrap(transport), **kw)

    app = make_app(bills=60)
    factory.OvhClient = client_through  # type: ignore[misc]
    try:
        app.session.client = app._make_client(app.profile)
    finally:
        factory.OvhClient = original  # type: ignore[misc]
    return app


async def test_app_notifies_a_broken_bill_and_loads_the_rest(make_app: Any) -> None:
    transports: list[CorruptingTransport] = []

    def corrupting(inner: httpx.AsyncBaseTransport) -> CorruptingTransport:
        transports.append(CorruptingTransport(inner, "[bold red]not a date[/] \x1b[31m"))
        return transports[-1]

    app = app_through(make_app, corrupting)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        assert len(app.session.store.rows) == 59
        (error,) = app.session.store.load_errors
        assert error.model == "billing.Bill" and error.field == "date" and error.object_id == transports[0].corrupted
        notices = [n.message for n in app._notifications]
        assert any("could not be read" in m and "date" in m for m in notices), notices
        await wait_for(lambda: "could not be read" in screen_text(app), pilot)
        text = screen_text(app)
        assert "\x1b" not in text
        notice = " ".join(line.strip(" ▌▐▏▕│") for line in text.splitlines() if "▌" in line or "▐" in line)
        assert "[bold red]not a date" in notice, notice  # markup in the notice shows literally


# --- a refresh that meets an unreadable debt ---------------------------------------------------------


class DebtCorruptingTransport(httpx.AsyncBaseTransport):
    """Delegates to the sandbox; once armed, the debts listing carries one debt whose ``date`` is unreadable."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.armed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not self.armed or request.url.path != "/1.0/me/debtAccount/debt":
            return response
        data = json.loads(await response.aread())
        if not data or not isinstance(data[0], dict):
            return response  # an id list: the objects come one by one, not corrupted here
        data[0]["date"] = "not a date"
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(data).encode())


async def test_a_refresh_that_skips_an_unreadable_debt_says_so(make_app: Any) -> None:
    """Loaders tell the store's subscribers about unreadable objects: after ``r``, the skipped debt is noticed
    (it used to be appended to ``load_errors`` silently), and only once."""
    transports: list[DebtCorruptingTransport] = []

    def corrupting(inner: httpx.AsyncBaseTransport) -> DebtCorruptingTransport:
        transports.append(DebtCorruptingTransport(inner))
        return transports[-1]

    app = app_through(make_app, corrupting)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await wait_loaded(app, pilot)

        def told() -> list[str]:
            return [n.message for n in app._notifications if "could not be read" in n.message]

        assert told() == [] and app.session.store.load_errors == []
        transports[0].armed = True
        await pilot.press("r")
        await wait_for(lambda: len(told()) == 1, pilot)
        (error,) = app.session.store.load_errors
        assert error.model == "debt.Debt" and error.field == "date"
        assert "date" in told()[0]
        await pilot.press("r")  # the same debt is skipped again: a second error, a second notice
        await wait_for(lambda: len(told()) == 2, pilot)
        assert told()[1].startswith("1 objects")
