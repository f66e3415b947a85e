"""Pages decoded straight from the response bytes give exactly what the models' readers give, or step aside."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovh_invoices_tui.core.models import Bill, Debt, ModelError
from ovh_invoices_tui.core.wire import Shared, decode_page
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from tests.test_hostile_models import SAMPLES, apply, bill_json, json_value, mutations, price

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Dates the two parsers could read differently: lower-case RFC 3339, sub-microsecond digits, no offset, years
# out of range, offsets beyond a day.
ODD_DATES = [
    "2024-03-01t10:00:00z", "2024-03-01T10:00:00.1234567+01:00", "2024-03-01T10:00:00.9999995Z",
    "2024-03-01T10:00:00", "2024-03-01", "2024-03-01 10:00:00+01:00", "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z", "2024-03-01T10:00+01:00", "2024-03-01T10:00:00+24:00", "2024-03-01T23:59:60Z",
    "2024-03-01T10:00:00-00:00", "20240301T100000Z",
]  # fmt: skip


def read_one_by_one(kind: Any, objects: list[Any]) -> list[Any]:
    """What the reference readers make of the page: the objects they accept, in order."""
    out = []
    for obj in objects:
        try:
            out.append(kind.from_api(obj))
        except ModelError:
            out.append(None)
    return out


def check_page(kind: Any, objects: list[Any]) -> None:
    decoded = decode_page(kind, json.dumps(objects).encode())
    if decoded is not None:  # taken as it is: then every object is one the readers accept, with equal values
        expected = read_one_by_one(kind, objects)
        assert decoded == expected
        assert [type(b.date.tzinfo) for b in decoded] == [type(b.date.tzinfo) for b in expected]


@PROPERTY
@given(objects=st.lists(mutations(sorted(bill_json())).map(lambda c: apply(bill_json(7), c)), max_size=3))
def test_a_page_of_bills_decodes_as_the_readers_read_it(objects: list[dict[str, Any]]) -> None:
    check_page(Bill, [bill_json(1), *objects, bill_json(2)])


@PROPERTY
@given(
    field=st.sampled_from(["priceWithTax", "priceWithoutTax", "tax"]),
    changes=mutations(["currencyCode", "text", "value", "priceInUcents"]),
    ucents=st.one_of(st.integers(), st.integers(2**62, 2**80), st.integers(-(2**80), -(2**62))),
)
def test_amounts_decode_as_the_readers_read_them(field: str, changes: dict[str, Any], ucents: int) -> None:
    bill = bill_json(3)
    price = apply({**bill[field], "priceInUcents": ucents}, changes)
    check_page(Bill, [bill_json(1), {**bill, field: price}])


@PROPERTY
@given(date=st.one_of(st.sampled_from(ODD_DATES), json_value), due=st.one_of(st.sampled_from(ODD_DATES), st.none()))
def test_dates_decode_as_the_readers_read_them(date: Any, due: Any) -> None:
    check_page(Bill, [bill_json(1, date=date)])
    _, _, debt = SAMPLES["debt"]
    check_page(Debt, [{**debt, "date": date}, {**debt, "dueDate": due}])


@settings(max_examples=40, deadline=None)
@given(objects=st.lists(json_value, max_size=3))
def test_any_json_decodes_as_the_readers_read_it_or_steps_aside(objects: list[Any]) -> None:
    check_page(Bill, objects)
    check_page(Debt, objects)


def test_the_sandbox_pages_are_decoded_at_once() -> None:
    """The common case takes the fast path (else the whole cold load would silently be the slow one)."""
    views = create_app(SandboxConfig(bills=300)).state.sandbox.views
    page = "[" + ",".join(views.bill_raw(i) for i in range(300)) + "]"
    decoded = decode_page(Bill, page.encode())
    assert decoded is not None and decoded == read_one_by_one(Bill, json.loads(page))
    debts = [views.debt(d) for d in create_app(SandboxConfig(bills=300)).state.sandbox.data.debts]
    assert debts and decode_page(Debt, json.dumps(debts).encode()) == read_one_by_one(Debt, debts)


def test_a_page_with_one_broken_object_steps_aside() -> None:
    assert decode_page(Bill, json.dumps([bill_json(1), bill_json(2, orderId=None)]).encode()) is None
    assert decode_page(Bill, b"[1, 2]") is None and decode_page(Bill, b"not json") is None
    assert decode_page(Bill, b"\xff[]") is None


def test_equal_amounts_and_words_of_a_listing_are_kept_once() -> None:
    """A third of a bill's memory: 100,000 bills hold only as many amounts as there are different ones."""
    shared = Shared()
    page = [bill_json(n) for n in range(1, 4)]
    first = decode_page(Bill, json.dumps(page).encode(), shared)
    second = decode_page(Bill, json.dumps([bill_json(9, tax=price("2.00"))]).encode(), shared)
    assert first is not None and second is not None
    assert first == read_one_by_one(Bill, page)  # the values are the readers' ones
    assert first[0].price_with_tax is first[2].price_with_tax and first[0].tax is second[0].tax
    assert first[0].category is first[1].category
    other = decode_page(Bill, json.dumps([bill_json(5, tax={**price("2.00"), "text": "2,00 €"})]).encode(), shared)
    assert other is not None and other[0].tax is second[0].tax  # written otherwise for display: the same amount
    euros = decode_page(Bill, json.dumps([bill_json(6, tax={**price("2.00"), "currencyCode": "USD"})]).encode(), shared)
    assert euros is not None and euros[0].tax.currency == "USD" and euros[0].tax != second[0].tax


OVH_BASE = "https://www.ovh.com/cgi-bin/order/facture"


def ovh_links(n: int, password: str = "e5c77865", base: str = OVH_BASE) -> dict[str, str]:
    """A bill's links as OVHcloud gives them: the reference and password in the query of both."""
    query = f"?reference=FR{n:08d}&passwd={password}"
    return {"url": f"{base}.cgi{query}", "pdfUrl": f"{base}.pdf{query}", "password": password}


def test_ovh_document_links_are_kept_as_their_base_and_given_back_whole() -> None:
    """Two thirds of a bill's memory were its links: a bill following OVHcloud's pattern keeps only the base,
    one string for the whole listing, and still gives the very links the API sent."""
    page = [bill_json(n, **ovh_links(n, f"{n:08x}")) for n in range(1, 5)]
    decoded = decode_page(Bill, json.dumps(page).encode())
    assert decoded is not None and decoded == read_one_by_one(Bill, page)
    assert [(b.url, b.pdf_url, b.password) for b in decoded] == [(o["url"], o["pdfUrl"], o["password"]) for o in page]
    assert len({id(b.stored_url) for b in decoded}) == 1 and {b.stored_pdf_url for b in decoded} == {""}
    assert "passwd" not in decoded[0].stored_url


def test_links_off_the_pattern_are_kept_exactly_as_sent() -> None:
    """Another password, reference or path in either link, a link starting with the storage mark: all literal."""
    good = ovh_links(1)
    odd = [
        {**good, "password": "other"},
        {**good, "url": good["url"].replace("FR00000001", "FR00000002")},
        {**good, "pdfUrl": good["pdfUrl"].replace(".pdf?", ".cgi?")},
        {**good, "pdfUrl": good["pdfUrl"] + "&x=1"},
        {**good, "url": "\x00" + good["url"]},
        {**good, "url": "\x00\x00x", "pdfUrl": "\x00"},
        {**good, "url": good["url"].replace("facture", "f.cgi?reference=FR00000001&passwd=e5c77865")},
        ovh_links(1, base="ftp://www.ovh.com/cgi-bin/order/facture"),
        {**good, "url": "", "pdfUrl": ""},
    ]
    for links in odd:
        objects = [bill_json(1, **links), bill_json(2, **ovh_links(2))]
        check_page(Bill, objects)
        for source in (decode_page(Bill, json.dumps(objects).encode()), read_one_by_one(Bill, objects)):
            if source is not None:
                assert (source[0].url, source[0].pdf_url, source[0].password) == (
                    links["url"], links["pdfUrl"], links["password"]
                ), links
                assert (source[1].url, source[1].pdf_url) == (ovh_links(2)["url"], ovh_links(2)["pdfUrl"])


def test_bills_read_back_share_their_currency_and_link_base() -> None:
    """Read back from the cache (already compact), 100,000 bills hold one link base and one currency string,
    not one each."""
    from ovh_invoices_tui.data.cache.codec import bill_row, bills_from_records

    page = [bill_json(n, priceWithTax=price(f"{n}.00"), **ovh_links(n, f"{n:08x}")) for n in range(1, 6)]
    decoded = decode_page(Bill, json.dumps(page).encode(), Shared())
    assert decoded is not None
    back = bills_from_records([(bill_row(bill)[2],) for bill in decoded])
    assert back == decoded and [b.url for b in back] == [o["url"] for o in page]
    assert len({id(b.stored_url) for b in back}) == 1
    amounts = [m for b in back for m in (b.price_with_tax, b.price_without_tax, b.tax)]
    assert len({id(m.currency) for m in amounts}) == 1
