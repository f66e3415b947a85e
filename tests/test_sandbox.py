"""The sandbox API: schema conformance, iceberg listing, native filters, authentication errors."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Generator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.applications import Starlette

from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig

from .schema import assert_valid

BASE = "http://sandbox.invalid/1.0"
NOW = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)


class Signer(httpx.Auth):
    """Signs requests like the official clients ("$1$" + sha1 of AS+CK+METHOD+URL+BODY+TS)."""

    def __init__(self, consumer_key: str = credentials.CONSUMER_KEY, *, secret: str = credentials.APPLICATION_SECRET,
                 app_key: str = credentials.APPLICATION_KEY, delta: int = 0, signature: str | None = None) -> None:
        self.consumer_key, self.secret, self.app_key = consumer_key, secret, app_key
        self.delta, self.signature = delta, signature

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        ts = str(int(time.time()) + self.delta)
        raw = "+".join((self.secret, self.consumer_key, request.method, str(request.url),
                        request.content.decode(), ts))
        request.headers["X-Ovh-Application"] = self.app_key
        request.headers["X-Ovh-Consumer"] = self.consumer_key
        request.headers["X-Ovh-Timestamp"] = ts
        request.headers["X-Ovh-Signature"] = self.signature or "$1$" + hashlib.sha1(raw.encode()).hexdigest()
        yield request


def make_app(**kwargs: Any) -> Starlette:
    kwargs.setdefault("now", NOW)
    return create_app(SandboxConfig(**kwargs))


def client_for(app: Starlette, auth: httpx.Auth | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE,
                             auth=auth if auth is not None else Signer())


ICEBERG = {"X-Pagination-Mode": "CachedObjectList-Pages", "X-Pagination-Size": "5000"}


def bulk(size: int = 5000, number: int = 1, *, sort: str | None = None, desc: bool = False,
         flt: str | None = None) -> dict[str, str]:
    headers = {**ICEBERG, "X-Pagination-Size": str(size), "X-Pagination-Number": str(number)}
    if sort:
        headers["X-Pagination-Sort"] = sort
    if desc:
        headers["X-Pagination-Sort-Order"] = "DESC"
    if flt is not None:
        headers["X-Pagination-Filter"] = flt
    return headers


@pytest.fixture(scope="module")
def app() -> Starlette:
    return make_app()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


async def ok(client: httpx.AsyncClient, path: str, model: str | None = None, **kw: Any) -> Any:
    response = await client.get(path, **kw)
    assert response.status_code == 200, (path, response.status_code, response.text)
    assert response.headers["X-Ovh-QueryID"].startswith("EU.ext-")
    body = response.json()
    if model:
        assert_valid(body, model)
    return body


# --- schema -------------------------------------------------------------------------------------------


async def test_every_get_route_answers_the_schema_models(app: Starlette, client: httpx.AsyncClient) -> None:
    data = app.state.sandbox.data
    await ok(client, "/me", "nichandle.Nichandle")
    await ok(client, "/auth/currentCredential", "auth.ApiCredential")
    bill_ids = await ok(client, "/me/bill", "string[]")
    assert len(bill_ids) == 500
    debt = next(d for d in data.debts if d.status == "PAID" and d.operations)
    unpaid = next(d for d in data.debts if d.status == "UNPAID")
    for bill_id in (bill_ids[0], data.bills[debt.bill].bill_id, data.bills[unpaid.bill].bill_id):
        await ok(client, f"/me/bill/{bill_id}", "billing.Bill")
        for detail in await ok(client, f"/me/bill/{bill_id}/details", "string[]"):
            await ok(client, f"/me/bill/{bill_id}/details/{detail}", "billing.BillDetail")
    bill_id = data.bills[debt.bill].bill_id
    await ok(client, f"/me/bill/{bill_id}/payment", "billing.Payment")
    await ok(client, f"/me/bill/{bill_id}/debt", "debt.Debt")
    for op in await ok(client, f"/me/bill/{bill_id}/debt/operation", "long[]"):
        await ok(client, f"/me/bill/{bill_id}/debt/operation/{op}", "debt.Operation")
        await ok(client, f"/me/bill/{bill_id}/debt/operation/{op}/associatedObject", "debt.entry.AssociatedObject")
    await ok(client, "/me/debtAccount", "debt.Balance")
    debt_ids = await ok(client, "/me/debtAccount/debt", "long[]")
    assert debt.debt_id in debt_ids
    await ok(client, f"/me/debtAccount/debt/{debt.debt_id}", "debt.Debt")
    for op in await ok(client, f"/me/debtAccount/debt/{debt.debt_id}/operation", "long[]"):
        await ok(client, f"/me/debtAccount/debt/{debt.debt_id}/operation/{op}", "debt.Operation")
        await ok(client, f"/me/debtAccount/debt/{debt.debt_id}/operation/{op}/associatedObject",
                 "debt.entry.AssociatedObject")
    deposit_ids = await ok(client, "/me/deposit", "string[]")
    for deposit_id in (deposit_ids[0], data.deposits[data.refunds[0].deposit].deposit_id):
        await ok(client, f"/me/deposit/{deposit_id}", "billing.Deposit")
        await ok(client, f"/me/deposit/{deposit_id}/payment", "billing.Payment")
        for detail in await ok(client, f"/me/deposit/{deposit_id}/details", "string[]"):
            await ok(client, f"/me/deposit/{deposit_id}/details/{detail}", "billing.DepositDetail")
        for paid in await ok(client, f"/me/deposit/{deposit_id}/paidBills", "string[]"):
            await ok(client, f"/me/deposit/{deposit_id}/paidBills/{paid}", "billing.Bill")
    refund_ids = await ok(client, "/me/refund", "string[]")
    assert refund_ids
    for refund_id in refund_ids[:3]:
        await ok(client, f"/me/refund/{refund_id}", "billing.Refund")
        await ok(client, f"/me/refund/{refund_id}/payment", "billing.Payment")
        for detail in await ok(client, f"/me/refund/{refund_id}/details", "string[]"):
            await ok(client, f"/me/refund/{refund_id}/details/{detail}", "billing.RefundDetail")
    order_ids = await ok(client, "/me/order", "long[]")
    order_id = data.bills[debt.bill].order_id
    assert order_id in order_ids
    await ok(client, f"/me/order/{order_id}", "billing.Order")
    await ok(client, f"/me/order/{order_id}/debt", "debt.Debt")
    await ok(client, f"/me/order/{order_id}/payment", "billing.Payment")
    assert await ok(client, f"/me/order/{order_id}/status", "billing.order.OrderStatusEnum") == "delivered"


async def test_iceberg_pages_of_every_list_route_match_the_schema(app: Starlette, client: httpx.AsyncClient) -> None:
    data = app.state.sandbox.data
    bill_id = data.bills[0].bill_id
    deposit_id = data.deposits[0].deposit_id
    for path, model in (("/me/bill", "billing.Bill"), ("/me/debtAccount/debt", "debt.Debt"),
                        ("/me/deposit", "billing.Deposit"), ("/me/refund", "billing.Refund"),
                        ("/me/order", "billing.Order"), (f"/me/bill/{bill_id}/details", "billing.BillDetail"),
                        (f"/me/deposit/{deposit_id}/paidBills", "billing.Bill")):
        response = await client.get(path, headers=bulk(size=50))
        assert response.status_code == 200, path
        body = response.json()
        assert body and len(body) <= 50
        assert int(response.headers["X-Pagination-Elements"]) >= len(body)
        assert_valid(body, f"{model}[]")


async def test_money_and_lines_are_consistent(client: httpx.AsyncClient) -> None:
    page = (await client.get("/me/bill", headers=bulk(size=30))).json()
    for bill in page:
        ht, tax, ttc = (bill[k]["priceInUcents"] for k in ("priceWithoutTax", "tax", "priceWithTax"))
        assert ht + tax == ttc
        assert tax == round(ht * 0.2 / 1_000_000) * 1_000_000
        assert bill["date"][19:] in ("+01:00", "+02:00")
        details = (await client.get(f"/me/bill/{bill['billId']}/details", headers=bulk())).json()
        assert 1 <= len(details) <= 6
        assert sum(d["totalPrice"]["priceInUcents"] for d in details) == ht
        assert all("priceInUcents" not in d["unitPrice"] for d in details)


# --- iceberg ----------------------------------------------------------------------------------------------


async def test_iceberg_pagination_totals_and_sort(client: httpx.AsyncClient) -> None:
    first = await client.get("/me/bill", headers=bulk(size=200, number=1))
    assert first.headers["X-Pagination-Elements"] == "500"
    assert first.headers["X-Pagination-Size"] == "200"
    assert first.headers["X-Pagination-Number"] == "1"
    pages = [first.json()] + [(await client.get("/me/bill", headers=bulk(size=200, number=n))).json()
                              for n in (2, 3, 4)]
    assert [len(p) for p in pages] == [200, 200, 100, 0]
    ids = [b["billId"] for p in pages for b in p]
    assert len(set(ids)) == 500 and ids == sorted(ids)
    newest = (await client.get("/me/bill", headers=bulk(size=10, sort="date", desc=True))).json()
    dates = [datetime.fromisoformat(b["date"]) for b in newest]
    assert dates == sorted(dates, reverse=True) and dates[0] <= NOW
    cheap = (await client.get("/me/bill", headers=bulk(size=5, sort="priceWithTax"))).json()
    values = [b["priceWithTax"]["priceInUcents"] for b in cheap]
    assert values == sorted(values)


async def _filtered(client: httpx.AsyncClient, flt: str, path: str = "/me/bill") -> list[dict[str, Any]]:
    response = await client.get(path, headers=bulk(flt=flt))
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert int(response.headers["X-Pagination-Elements"]) == len(body)
    return body


async def test_iceberg_filter_operators(app: Starlette, client: httpx.AsyncClient) -> None:
    bills = app.state.sandbox.data.bills
    target = bills[123]
    assert [b["billId"] for b in await _filtered(client, f"billId:eq={target.bill_id}")] == [target.bill_id]
    assert len(await _filtered(client, f"billId:ne={target.bill_id}")) == 499
    renewals = await _filtered(client, "category:eq=autorenew")
    assert renewals and all(b["category"] == "autorenew" for b in renewals)
    both = await _filtered(client, "category:in=" + quote("purchase-web,purchase-cloud"))
    assert {b["category"] for b in both} == {"purchase-web", "purchase-cloud"}
    cutoff = "2024-01-01T00:00:00+01:00"
    after = await _filtered(client, f"date:gt={quote(cutoff)}")
    before = await _filtered(client, f"date:lt={quote(cutoff)}")
    assert len(after) + len(before) == 500
    assert all(datetime.fromisoformat(b["date"]) > datetime.fromisoformat(cutoff) for b in after)
    march = await _filtered(client, "date:like=2024-03%")
    assert march and all(b["date"].startswith("2024-03") for b in march)
    like_id = await _filtered(client, f"billId:like={target.bill_id[:-1]}%")
    assert target.bill_id in {b["billId"] for b in like_id}
    combined = await _filtered(client, f"category:eq=autorenew&date:gt={quote(cutoff)}")
    assert {b["billId"] for b in combined} == {b["billId"] for b in after if b["category"] == "autorenew"}
    due = await _filtered(client, "status:in=UNPAID,TO_BE_PAID", "/me/debtAccount/debt")
    assert due and all(d["status"] in ("UNPAID", "TO_BE_PAID") for d in due)


async def test_iceberg_bad_headers_are_400(client: httpx.AsyncClient) -> None:
    for headers in (bulk(size=5001), bulk(number=0), bulk(flt="billId:regex=x"),
                    bulk(sort="nope")):
        response = await client.get("/me/bill", headers=headers)
        assert response.status_code == 400
        assert response.json()["class"] == "Client::BadRequest"
        assert "X-Ovh-QueryID" in response.headers


async def test_without_iceberg_the_headers_are_ignored() -> None:
    async with client_for(make_app(iceberg=False)) as client:
        response = await client.get("/me/bill", headers=bulk(size=10))
        assert "X-Pagination-Elements" not in response.headers
        ids = response.json()
        assert len(ids) == 500 and all(isinstance(i, str) for i in ids)


async def test_native_filters(app: Starlette, client: httpx.AsyncClient) -> None:
    bill = app.state.sandbox.data.bills[200]
    assert (await client.get("/me/bill", params={"orderId": bill.order_id})).json() == [bill.bill_id]
    params = {"date.from": "2024-01-01T00:00:00+01:00", "date.to": "2024-02-01T00:00:00+01:00"}
    january = (await client.get("/me/bill", params=params, headers=bulk())).json()
    assert january and all(b["date"].startswith("2024-01") for b in january)
    purchases = (await client.get("/me/bill", params={"category": "purchase-web"}, headers=bulk())).json()
    assert purchases and {b["category"] for b in purchases} == {"purchase-web"}
    bad = await client.get("/me/bill", params={"date.from": "yesterday"})
    assert bad.status_code == 400 and bad.json()["class"] == "Client::BadRequest"
    deposits = (await client.get("/me/deposit", params={"date.from": "2025-01-01"}, headers=bulk())).json()
    assert deposits and all(d["date"] >= "2025-01-01" for d in deposits)


# --- errors and authentication --------------------------------------------------------------------------


async def test_not_found_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/me/bill/FR00000000")
    assert response.status_code == 404
    assert response.json() == {"class": "Client::NotFound",
                               "message": "The requested object (billId = FR00000000) does not exist"}
    assert response.headers["X-Ovh-QueryID"]


async def test_paid_bill_without_debt_answers_404(app: Starlette, client: httpx.AsyncClient) -> None:
    data = app.state.sandbox.data
    paid = next(b for b in data.bills if b.index not in data.debt_by_bill)
    assert (await client.get(f"/me/bill/{paid.bill_id}/debt")).status_code == 404


async def test_auth_time_is_unauthenticated_and_skewed() -> None:
    async with client_for(make_app(clock_skew_s=3600), auth=httpx.Auth()) as client:
        response = await client.get("/auth/time")
        assert response.status_code == 200 and response.headers["X-Ovh-QueryID"]
        assert abs(response.json() - (time.time() + 3600)) < 5
        # a client that ignores /auth/time is out of time; one that uses the delta is accepted
        assert (await client.get("/me", auth=Signer())).json()["errorCode"] == "QUERY_TIME_OUT"
        assert (await client.get("/me", auth=Signer(delta=3600))).status_code == 200


async def _error(app: Starlette, auth: httpx.Auth, method: str = "GET", path: str = "/me") -> tuple[int, Any]:
    async with client_for(app, auth=auth) as client:
        response = await client.request(method, path, json={} if method == "POST" else None)
        assert response.headers["X-Ovh-QueryID"]
        return response.status_code, response.json()


async def test_authentication_errors(app: Starlette) -> None:
    assert await _error(app, httpx.Auth()) == (401, {"message": "You must login first"})
    assert await _error(app, Signer(app_key="nope")) == (
        403, {"errorCode": "INVALID_KEY", "httpCode": "403 Forbidden", "message": "Invalid application key"})
    assert await _error(app, Signer(signature="$1$" + "0" * 40)) == (
        400, {"errorCode": "INVALID_SIGNATURE", "httpCode": "400 Bad Request", "message": "Invalid signature"})
    assert await _error(app, Signer(secret="wrong-secret")) == (
        400, {"errorCode": "INVALID_SIGNATURE", "httpCode": "400 Bad Request", "message": "Invalid signature"})
    assert await _error(app, Signer(delta=-600)) == (
        400, {"errorCode": "QUERY_TIME_OUT", "httpCode": "400 Bad Request", "message": "Query out of time"})
    status, body = await _error(app, Signer("unknownConsumerKey"))
    assert (status, body["errorCode"], body["message"]) == (
        403, "INVALID_CREDENTIAL", "This credential does not exist")
    assert await _error(app, Signer(credentials.READONLY_CONSUMER_KEY), "POST", "/me/debtAccount/pay") == (
        403, {"errorCode": "NOT_GRANTED_CALL", "httpCode": "403 Forbidden",
              "message": "This call has not been granted"})
    assert (await _error(app, Signer(credentials.READONLY_CONSUMER_KEY)))[0] == 200


async def test_signature_covers_the_query_string(app: Starlette) -> None:
    async with client_for(app) as client:
        response = await client.get("/me/bill", params={"date.from": "2025-01-01T00:00:00+01:00"})
        assert response.status_code == 200


async def test_consumer_key_request_and_validation(app: Starlette) -> None:
    async with client_for(app, auth=httpx.Auth()) as client:
        rules = [{"method": "GET", "path": "/me/bill/*"}, {"method": "GET", "path": "/me"}]
        response = await client.post("/auth/credential", json={"accessRules": rules, "redirection": None},
                                     headers={"X-Ovh-Application": credentials.APPLICATION_KEY})
        assert response.status_code == 200
        created = response.json()
        assert_valid(created, "auth.ApiCredentialRequest")
        assert created["state"] == "pendingValidation"
        key = created["consumerKey"]
        status, body = await _error(app, Signer(key))
        assert (status, body["errorCode"]) == (403, "INVALID_CREDENTIAL")
        page = await client.get(created["validationUrl"])
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert (await _error(app, Signer(key)))[0] == 200
        async with client_for(app, auth=Signer(key)) as signed:
            assert (await signed.get("/me/bill")).status_code == 200
            assert (await signed.get("/me/deposit")).json()["errorCode"] == "NOT_GRANTED_CALL"
            current = (await signed.get("/auth/currentCredential")).json()
            assert current["status"] == "validated" and current["rules"] == rules
        unknown = await client.post("/auth/credential", json={"accessRules": rules},
                                    headers={"X-Ovh-Application": "nope"})
        assert unknown.status_code == 403 and unknown.json()["errorCode"] == "INVALID_KEY"


class Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


async def test_oauth2_client_credentials() -> None:
    app = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.invalid") as raw:
        form = {"grant_type": "client_credentials", "client_id": credentials.CLIENT_ID,
                "client_secret": credentials.CLIENT_SECRET}
        response = await raw.post(credentials.TOKEN_PATH, data=form)
        assert response.status_code == 200
        token = response.json()
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        bad = await raw.post(credentials.TOKEN_PATH, data={**form, "client_secret": "nope"})
        assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    async with client_for(app, auth=Bearer(token["access_token"])) as client:
        assert (await client.get("/me")).json()["nichandle"] == credentials.NICHANDLE
    assert (await _error(app, Bearer("unknown")))[0] == 401


async def test_expired_token_is_refused() -> None:
    app = make_app(token_ttl_s=-1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.invalid") as raw:
        token = (await raw.post(credentials.TOKEN_PATH, data={
            "grant_type": "client_credentials", "client_id": credentials.CLIENT_ID,
            "client_secret": credentials.CLIENT_SECRET})).json()["access_token"]
    assert (await _error(app, Bearer(token)))[0] == 401


async def test_support_ticket_is_kept(app: Starlette, client: httpx.AsyncClient) -> None:
    body = {"subject": "Résiliation", "body": "Merci d'annuler la facture FR123", "category": "billing",
            "subcategory": "bill", "type": "genericRequest"}
    response = await client.post("/support/tickets/create", json=body)
    assert response.status_code == 200
    info = response.json()
    assert_valid(info, "support.NewMessageInfo")
    assert app.state.sandbox.tickets[-1]["ticketId"] == info["ticketId"]
    assert app.state.sandbox.tickets[-1]["subject"] == "Résiliation"
    assert (await client.post("/support/tickets/create", json={"subject": "x"})).status_code == 400


async def test_export_accepts_and_answers_null(client: httpx.AsyncClient) -> None:
    response = await client.post("/me/bill/export", json={"archiveType": "zip", "ids": ["FR1"]})
    assert response.status_code == 200 and response.json() is None
    assert (await client.post("/me/bill/export", json={})).status_code == 400
