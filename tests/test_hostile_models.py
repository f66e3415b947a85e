"""Hypothesis strategies of hostile API data, shared by the ``test_hostile_*`` modules."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MISSING = object()  # a field left out of the object

MARKUP = [
    "[red]x[/red]",
    "[bold red]ALERT[/]",
    "[link=https://evil.example]click[/link]",
    "[@click=app.quit]q[/]",
    "[/]",
    "[",
    "\\[escaped]",
    ":warning:",
]
CONTROLS = [
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",
    "a\rb",
    "a\nb\tc",
    "\x00\x07\x08\x7f\x9b",
    "\u202eRTL override\u202c",
    "\u2066isolate\u2069",
    "\u200fמספר חשבונית\u200e",
    "فاتورة رقم",
]
EMOJI = ["😀", "👩‍👩‍👧‍👦", "🇫🇷", "€", "e\u0301", "\ufeff", "\u200b"]
NUMBERISH = ["²", "--5", "٣", "1e999999999", "NaN", "Infinity", "-0", "0x10", " 12", "12.5", "9" * 40]
NASTY = [*MARKUP, *CONTROLS, *EMOJI, *NUMBERISH]

huge_text = st.builds(lambda s, n: s * n, st.sampled_from([*NASTY, "A"]), st.integers(2_000, 20_000))

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),  # any code point but surrogates: controls, RTL, combining marks, emoji …
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
    huge_text,
)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def price(value: str = "12.00", currency: str = "EUR") -> dict[str, Any]:
    ucents = int(float(value) * 100) * 1_000_000
    return {"currencyCode": currency, "text": f"{value} €", "value": float(value), "priceInUcents": ucents}


def bill_json(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A well-formed ``billing.Bill`` (its document links hold a recognisable secret)."""
    obj: dict[str, Any] = {
        "billId": f"FR{n:08d}",
        "category": "autorenew",
        "date": "2024-03-01T10:00:00+01:00",
        "orderId": 1000 + n,
        "priceWithTax": price("12.00"),
        "priceWithoutTax": price("10.00"),
        "tax": price("2.00"),
        "url": f"https://doc.test/bill?passwd=hush{n}",
        "pdfUrl": f"https://doc.test/bill.pdf?passwd=hush{n}",
        "password": f"hush{n}",
    }
    obj.update(overrides)
    return obj


def apply(obj: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with each changed field replaced, or removed when its value is :data:`MISSING`."""
    out = dict(obj)
    for key, value in changes.items():
        if value is MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def mutations(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Some fields of an object removed, nulled or given any JSON value (enum fields any text)."""
    return st.dictionaries(
        st.sampled_from(fields),
        st.one_of(st.just(MISSING), st.none(), json_value),
        min_size=1,
        max_size=3,
    )


# --- the model parsers -------------------------------------------------------------------------------

import asyncio  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
from collections.abc import Callable  # noqa: E402
from urllib.parse import unquote  # noqa: E402

import httpx  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from ovh_invoices_tui.api.client import OvhClient  # noqa: E402
from ovh_invoices_tui.core.models import (  # noqa: E402
    Account,
    Bill,
    BillDetail,
    Debt,
    DebtBalance,
    DebtOperation,
    Deposit,
    ModelError,
    Money,
    Order,
    Payment,
    Refund,
)

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SAMPLES: dict[str, tuple[Callable[[Any], Any], str, dict[str, Any]]] = {
    "bill": (Bill.from_api, "billing.Bill", bill_json()),
    "detail": (BillDetail.from_api, "billing.BillDetail", {
        "billDetailId": "D1", "description": "VPS", "domain": "vps-1.example", "periodStart": "2024-03-01",
        "periodEnd": "2024-03-31", "quantity": "1", "totalPrice": price("10.00"), "unitPrice": price("10.00"),
    }),
    "payment": (Payment.from_api, "billing.Payment", {
        "paymentDate": "2024-03-02T10:00:00+01:00", "paymentIdentifier": "X", "paymentType": "creditCard",
    }),
    "debt": (Debt.from_api, "debt.Debt", {
        "debtId": 7, "orderId": 1001, "date": "2024-03-01T10:00:00+01:00", "dueDate": None, "status": "UNPAID",
        **{k: price("12.00") for k in ("amount", "dueAmount", "pendingAmount", "todoAmount", "unmaturedAmount")},
    }),
    "balance": (DebtBalance.from_api, "debt.Balance", {
        "active": True, **{k: price("0") for k in ("dueAmount", "pendingAmount", "todoAmount", "unmaturedAmount")},
    }),
    "operation": (DebtOperation.from_api, "debt.Operation", {
        "operationId": 3, "date": "2024-03-01T10:00:00+01:00", "amount": price("12.00"), "depositOrderId": 9,
        "status": "DONE", "type": "CREDITCARD_MANUAL",
    }),
    "deposit": (Deposit.from_api, "billing.Deposit", {
        "depositId": "FR9", "date": "2024-03-01T10:00:00+01:00", "orderId": 9, "amount": price("12.00"),
        "paymentInfo": {"paymentType": "creditCard", "description": None, "publicLabel": "VISA"},
        "url": "https://doc.test/d?passwd=hush", "pdfUrl": "https://doc.test/d.pdf?passwd=hush", "password": "hush",
    }),
    "refund": (Refund.from_api, "billing.Refund", {
        "refundId": "AFR1", "date": "2024-03-01T10:00:00+01:00", "orderId": 9, "originalBillId": "FR00000001",
        "priceWithTax": price("12.00"), "priceWithoutTax": price("10.00"), "tax": price("2.00"),
        "url": "https://doc.test/r?passwd=hush", "pdfUrl": "https://doc.test/r.pdf?passwd=hush", "password": "hush",
    }),
    "order": (Order.from_api, "billing.Order", {
        "orderId": 9, "date": "2024-03-01T10:00:00+01:00", "expirationDate": None, "retractionDate": None,
        "priceWithTax": price("12.00"), "priceWithoutTax": price("10.00"), "tax": price("2.00"),
        "url": "https://doc.test/o?passwd=hush", "pdfUrl": "https://doc.test/o.pdf?passwd=hush", "password": "hush",
    }),
    "account": (Account.from_api, "nichandle.Nichandle", {
        "nichandle": "xx1-ovh", "email": "a@b.c", "country": "FR", "currency": {"code": "EUR", "symbol": "EURO"},
        "language": "fr_FR", "ovhSubsidiary": "FR", "firstname": "A", "name": "B", "organisation": None,
        "address": None, "zip": None, "city": None, "phone": None, "vat": None, "customerCode": None,
    }),
}  # fmt: skip


def field_values(model: Any) -> list[Any]:
    """The values of a model's fields, a dataclass or a msgspec Struct (bills, debts, amounts)."""
    if dataclasses.is_dataclass(model):
        return [getattr(model, f.name) for f in dataclasses.fields(model)]
    return [getattr(model, name) for name in model.__struct_fields__]


def _parse_or_model_error(name: str, obj: Any, changed: set[str] | None) -> Any:
    """Parse ``obj``: either a value, or a ModelError naming the model and (one of) the changed fields."""
    parse, model, _ = SAMPLES[name]
    try:
        return parse(obj)
    except ModelError as exc:
        assert exc.model == model, exc
        assert model in str(exc) and repr(exc.field) in str(exc)
        if changed is not None:
            assert exc.field.split(".")[0] in changed, (exc, changed)
        return None


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_parse(name: str) -> None:
    parse, _, sample = SAMPLES[name]
    parse(sample)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FAST
@given(data=st.data())
def test_broken_fields_raise_model_error_naming_the_field(name: str, data: st.DataObject) -> None:
    """Missing, null, wrongly typed, huge, NaN … fields: a ModelError naming object and field, nothing else."""
    _, _, sample = SAMPLES[name]
    changes = data.draw(mutations(sorted(sample)))
    _parse_or_model_error(name, apply(sample, changes), set(changes))


@pytest.mark.parametrize("name", ["bill", "debt", "refund"])
@FAST
@given(data=st.data())
def test_broken_prices_name_the_nested_field(name: str, data: st.DataObject) -> None:
    _, _, sample = SAMPLES[name]
    money_field = data.draw(st.sampled_from([k for k, v in sample.items() if isinstance(v, dict)]))
    changes = data.draw(mutations(["currencyCode", "text", "value", "priceInUcents"]))
    obj = {**sample, money_field: apply(sample[money_field], changes)}
    parsed = _parse_or_model_error(name, obj, {money_field})
    if parsed is not None:  # what was accepted can be formatted (no Decimal overflow later)
        from ovh_invoices_tui.core.i18n import format_money

        for value in field_values(parsed):
            if isinstance(value, Money):
                format_money(value, "fr")


@pytest.mark.parametrize("name", sorted(SAMPLES))
@settings(max_examples=40, deadline=None)
@given(obj=json_value)
def test_any_json_is_an_object_or_a_model_error(name: str, obj: Any) -> None:
    _parse_or_model_error(name, obj, None)


@FAST
@given(
    text=st.dictionaries(st.sampled_from(["billId", "category", "url", "pdfUrl", "password"]), hostile_text,
                         min_size=1),
    unknown=st.dictionaries(st.text(max_size=10), json_value, max_size=3),
)  # fmt: skip
def test_hostile_text_is_kept_literally(text: dict[str, str], unknown: dict[str, Any]) -> None:
    """Markup, escapes, RTL, emoji and 20,000-character strings are data: kept as they came; unknown keys ignored."""
    bill = Bill.from_api({**unknown, **bill_json(), **text})
    fields = {"billId": bill.bill_id, "category": bill.category, "url": bill.url, "pdfUrl": bill.pdf_url,
              "password": bill.password}  # fmt: skip
    for key, value in text.items():
        assert fields[key] == value


@settings(max_examples=80, deadline=None)
@given(status=hostile_text, payment_type=hostile_text)
def test_unknown_enum_values_are_kept(status: str, payment_type: str) -> None:
    _, _, debt = SAMPLES["debt"]
    assert Debt.from_api({**debt, "status": status}).status == status
    _, _, deposit = SAMPLES["deposit"]
    parsed = Deposit.from_api({**deposit, "paymentInfo": {"paymentType": payment_type}})
    assert parsed.payment_type == payment_type


def test_known_traps() -> None:
    """Values that once escaped as ValueError / OverflowError / decimal errors, or hung."""
    bill = bill_json()
    for field, value in [
        ("orderId", "²"), ("orderId", "--5"), ("orderId", "9" * 5000), ("date", "0001-01-01"),
        ("date", "9999-12-31T23:59:59"), ("priceWithTax", {"currencyCode": "EUR", "value": float("nan")}),
        ("priceWithTax", {"currencyCode": "EUR", "value": float("inf")}),
        ("priceWithTax", {"currencyCode": "EUR", "value": "1e999999999"}),
        ("priceWithTax", {"currencyCode": "EUR", "priceInUcents": 10**40}),
    ]:  # fmt: skip
        with pytest.raises(ModelError) as caught:
            Bill.from_api({**bill, field: value})
        assert caught.value.field.split(".")[0] == field
    # A date without an offset is taken as UTC, so it sorts with the others.
    naive = Bill.from_api({**bill, "date": "2024-03-01"})
    aware = Bill.from_api(bill)
    assert sorted([naive.date, aware.date])[0] == naive.date


# --- through the client: one broken object in a page --------------------------------------------------

SERVER_TIME = 1_700_000_000


def corrupting_api(bills: list[Any], iceberg: bool) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler serving ``bills`` as ``/me/bill`` (iceberg pages or ids + one GET each)."""
    by_id = {str(b.get("billId")) if isinstance(b, dict) else f"x{i}": b for i, b in enumerate(bills)}

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/1.0/auth/time":
            return httpx.Response(200, json=SERVER_TIME)
        if path == "/1.0/me/bill":
            if iceberg and "X-Pagination-Mode" in request.headers:
                size = int(request.headers["X-Pagination-Size"])
                number = int(request.headers["X-Pagination-Number"])
                page = bills[(number - 1) * size : number * size]
                return httpx.Response(200, content=json.dumps(page).encode(),
                                      headers={"X-Pagination-Elements": str(len(bills))})  # fmt: skip
            return httpx.Response(200, json=list(by_id))
        bill_id = unquote(request.url.raw_path.decode().split("?")[0].rsplit("/", 1)[1])
        return httpx.Response(200, content=json.dumps(by_id[bill_id]).encode())

    return handler


def hostile_client(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> OvhClient:
    return OvhClient(
        "http://api.test/1.0", application_key="ak", application_secret="as", consumer_key="ck",
        transport=httpx.MockTransport(handler), clock=lambda: float(SERVER_TIME), retry_base_delay=0.001, **options,
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    broken=st.one_of(json_value, mutations(sorted(bill_json())).map(lambda c: apply(bill_json(99), c))),
    position=st.integers(0, 11),
    iceberg=st.booleans(),
)
def test_a_page_with_one_broken_bill_still_loads_the_rest(broken: Any, position: int, iceberg: bool) -> None:
    good = [bill_json(n) for n in range(1, 12)]
    bills: list[Any] = [*good[:position], broken, *good[position:]]

    async def run() -> tuple[list[Bill], list[ModelError]]:
        items: list[Bill] = []
        errors: list[ModelError] = []
        async with hostile_client(corrupting_api(bills, iceberg), use_iceberg=iceberg) as client:
            async for page in client.iter_bills():
                items.extend(page.items)
                errors.extend(page.errors)
        return items, errors

    items, errors = asyncio.run(run())
    ids = {bill.bill_id for bill in items}
    assert {b["billId"] for b in good} <= ids
    try:
        Bill.from_api(broken)
    except ModelError:
        assert len(errors) == 1 and errors[0].model == "billing.Bill"
        assert len(items) == len(good)
    else:
        if errors:  # one by one, an id no URL can carry is reported as that object's error
            assert not iceberg and [e.field for e in errors] == ["id"] and len(items) == len(good)
        else:
            assert len(items) == len(good) + 1
