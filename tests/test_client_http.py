"""OvhClient against httpx.MockTransport: signing on the wire, retries, cap, iceberg, time, OAuth2, documents."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.api.client import OvhClient, Page
from ovh_invoices_tui.api.errors import (
    AuthenticationError,
    DocumentError,
    NetworkError,
    NotFoundError,
    NothingToPayError,
    OutcomeUnknownError,
    ServerError,
)
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.api.signing import signature

BASE = "http://api.test/1.0"
SECRET = "s3cr3t-app-secret"
CK = "c0nsumer-key-value"
SERVER_TIME = 1_700_000_000


def price(value: str) -> dict[str, Any]:
    ucents = int(float(value) * 100) * 1_000_000
    return {"currencyCode": "EUR", "text": f"{value} €", "value": float(value), "priceInUcents": ucents}


def bill_json(n: int) -> dict[str, Any]:
    return {
        "billId": f"FR{n:08d}",
        "category": "autorenew",
        "date": "2024-03-01T10:00:00+01:00",
        "orderId": 1000 + n,
        "priceWithTax": price("12.00"),
        "priceWithoutTax": price("10.00"),
        "tax": price("2.00"),
        "url": f"https://doc.test/bill?pw=secret{n}",
        "pdfUrl": f"https://doc.test/bill.pdf?pw=secret{n}",
        "password": f"secret{n}",
    }


Handler = Callable[[httpx.Request], httpx.Response | None]


class FakeApi:
    """Serves /auth/time, checks signatures, delegates the rest to ``handler``."""

    def __init__(self, handler: Handler, server_time: int = SERVER_TIME) -> None:
        self.handler = handler
        self.server_time = server_time
        self.requests: list[httpx.Request] = []
        self.time_calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/1.0/auth/time":
            self.time_calls += 1
            return httpx.Response(200, json=self.server_time)
        if "X-Ovh-Signature" in request.headers:
            expected = signature(
                SECRET, CK, request.method, str(request.url), request.content, int(request.headers["X-Ovh-Timestamp"])
            )
            if request.headers["X-Ovh-Signature"] != expected:
                return httpx.Response(400, json={"errorCode": "INVALID_SIGNATURE", "message": "Invalid signature"})
        response = self.handler(request)
        assert response is not None
        response.headers.setdefault("X-Ovh-QueryID", "EU.ext-1.test")
        return response

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/1.0/auth/time"]


def make_client(api: FakeApi | Callable[[httpx.Request], Any], **options: Any) -> OvhClient:
    options.setdefault("retry_base_delay", 0.001)
    options.setdefault("clock", lambda: float(SERVER_TIME - 30))
    return OvhClient(
        BASE,
        application_key="app-key",
        application_secret=SECRET,
        consumer_key=CK,
        transport=httpx.MockTransport(api),
        **options,
    )


async def test_signed_get_with_query_and_time_delta() -> None:
    api = FakeApi(lambda r: httpx.Response(200, json=[]))
    async with make_client(api, use_iceberg=False) as client:
        pages = [p async for p in client.iter_bills(date_from=__import__("datetime").date(2024, 1, 1), order_id=7)]
    assert pages == [Page([], 0, [])]
    (request,) = api.api_requests()
    assert str(request.url) == f"{BASE}/me/bill?date.from=2024-01-01&orderId=7"
    # the timestamp is the local clock plus the server's delta
    assert request.headers["X-Ovh-Timestamp"] == str(SERVER_TIME)
    assert api.time_calls == 1


async def test_post_body_is_compact_json_and_signed() -> None:
    ticket = {"ticketId": 1, "ticketNumber": 2, "messageId": 3}
    api = FakeApi(lambda r: httpx.Response(200, json=ticket))
    async with make_client(api) as client:
        result = await client.create_ticket(subject="Cancel", body="Please cancel FR1")
    assert result.ticket_id == 1
    (request,) = api.api_requests()
    assert request.content == (
        b'{"subject":"Cancel","body":"Please cancel FR1","category":"billing",'
        b'"subcategory":"bill","type":"genericRequest"}'
    )
    assert request.headers["Content-Type"] == "application/json"


async def test_time_delta_resynchronised_once_on_query_time_out() -> None:
    state = {"fail": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if state["fail"]:
            state["fail"] = False
            return httpx.Response(400, json={"errorCode": "QUERY_TIME_OUT", "message": "Query out of time"})
        return httpx.Response(200, json={"active": True, **{k: price("0") for k in (
            "dueAmount", "pendingAmount", "todoAmount", "unmaturedAmount")}})  # fmt: skip

    api = FakeApi(handler)
    async with make_client(api) as client:
        balance = await client.debt_account()
    assert balance.active
    assert api.time_calls == 2
    assert len(api.api_requests()) == 2


async def test_time_rejection_twice_raises() -> None:
    api = FakeApi(lambda r: httpx.Response(400, json={"errorCode": "QUERY_TIME_OUT", "message": "Query out of time"}))
    async with make_client(api) as client:
        with pytest.raises(AuthenticationError, match="Query out of time"):
            await client.debt_account()
    assert len(api.api_requests()) == 2


async def test_invalid_signature_with_stale_delta_resyncs() -> None:
    clock = {"now": float(SERVER_TIME)}
    api = FakeApi(lambda r: httpx.Response(200, json=[]))

    def handler(request: httpx.Request) -> httpx.Response:
        if abs(int(request.headers["X-Ovh-Timestamp"]) - api.server_time) > 180:
            return httpx.Response(400, json={"errorCode": "INVALID_SIGNATURE", "message": "Invalid signature"})
        return httpx.Response(200, json=[])

    api.handler = handler
    async with make_client(api, clock=lambda: clock["now"], use_iceberg=False) as client:
        _ = [p async for p in client.iter_debts()]
        api.server_time += 3600  # the server clock moved (or ours did)
        _ = [p async for p in client.iter_debts()]
    assert api.time_calls == 2


async def test_wrong_secret_is_authentication_error_without_secret() -> None:
    api = FakeApi(lambda r: httpx.Response(200, json={}))
    client = OvhClient(
        BASE,
        application_key="app-key",
        application_secret="wrong-secret-value",
        consumer_key=CK,
        transport=httpx.MockTransport(api),
    )
    async with client:
        with pytest.raises(AuthenticationError) as caught:
            await client.debt_account()
    text = str(caught.value)
    assert "Invalid signature" in text and "HTTP 400" in text
    for secret in ("wrong-secret-value", CK):
        assert secret not in text and secret not in repr(caught.value)
    assert api.time_calls == 2  # one re-sync, delta unchanged, no second try
    assert len(api.api_requests()) == 1


async def test_secret_echoed_by_server_is_redacted() -> None:
    api = FakeApi(lambda r: httpx.Response(403, json={"errorCode": "INVALID_CREDENTIAL", "message": f"bad {CK}"}))
    async with make_client(api) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.me()
    assert CK not in str(caught.value)
    assert caught.value.query_id == "EU.ext-1.test"


async def test_get_retries_429_honouring_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(delay: float, *args: Any) -> Any:
        delays.append(delay)
        return await real_sleep(0)

    monkeypatch.setattr("ovh_invoices_tui.api.session.asyncio.sleep", fake_sleep)
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(429, headers={"Retry-After": "2"}, json={"message": "Too many requests"})
        if calls["n"] == 2:
            return httpx.Response(429, headers={"Retry-After": "600"}, json={"message": "Too many requests"})
        return httpx.Response(200, json=[])

    async with make_client(FakeApi(handler), use_iceberg=False, retry_after_cap=5.0) as client:
        assert [p async for p in client.iter_debts()] == [Page([], 0, [])]
    assert delays == [2.0, 5.0]


async def test_get_retries_5xx_then_gives_up() -> None:
    logs: list[RequestLog] = []
    api = FakeApi(lambda r: httpx.Response(503, json={"message": "Service unavailable"}))
    async with make_client(api, retries=2, on_request=logs.append) as client:
        with pytest.raises(ServerError, match="HTTP 503"):
            await client.me()
    assert len(api.api_requests()) == 3
    assert [log.status for log in logs if log.path == "/me"] == [503, 503, 503]


async def test_get_retries_network_errors() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"nichandle": "xx1-ovh"})

    async with make_client(FakeApi(handler)) as client:
        assert (await client.me()).nichandle == "xx1-ovh"

    def always_down(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with make_client(FakeApi(always_down), retries=1) as client:
        with pytest.raises(NetworkError, match="timed out"):
            await client.me()


async def test_post_never_retried() -> None:
    api = FakeApi(lambda r: httpx.Response(503, json={"message": "Service unavailable"}))
    async with make_client(api) as client:
        with pytest.raises(ServerError):
            await client.pay_all()
    assert len(api.api_requests()) == 1


async def test_post_lost_answer_is_outcome_unknown() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    api = FakeApi(handler)
    async with make_client(api) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.pay_bill("FR1")
    assert len(api.api_requests()) == 1

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with make_client(FakeApi(refused)) as client:
        with pytest.raises(NetworkError):
            await client.pay_bill("FR1")


async def test_nothing_to_pay() -> None:
    api = FakeApi(lambda r: httpx.Response(400, json={"class": "Client::BadRequest", "message": "Nothing to pay"}))
    async with make_client(api) as client:
        with pytest.raises(NothingToPayError, match="Nothing to pay"):
            await client.pay_all()


async def test_in_flight_requests_are_capped() -> None:
    active = {"now": 0, "max": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/1.0/auth/time":
            return httpx.Response(200, json=SERVER_TIME)
        if request.url.path == "/1.0/me/bill":
            return httpx.Response(200, json=[f"FR{n:08d}" for n in range(40)])
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        await asyncio.sleep(0.01)
        active["now"] -= 1
        return httpx.Response(200, json=bill_json(int(request.url.path.rsplit("FR", 1)[1])))

    async with make_client(handler, max_in_flight=3) as client:
        bills = [b async for p in client.iter_bills() for b in p.items]
    assert len(bills) == 40
    assert active["max"] == 3


def iceberg_handler(total: int, seen: list[int], page_size: int = 5000) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Pagination-Mode"] == "CachedObjectList-Pages"
        assert request.headers["X-Pagination-Size"] == "5000"
        number = int(request.headers["X-Pagination-Number"])
        seen.append(number)
        start = (number - 1) * page_size
        items = [bill_json(n) for n in range(start, min(total, start + page_size))]
        return httpx.Response(200, json=items, headers={"X-Pagination-Elements": str(total)})

    return handler


async def test_iceberg_pages_fetched_concurrently() -> None:
    seen: list[int] = []
    api = FakeApi(iceberg_handler(12_001, seen))
    async with make_client(api) as client:
        pages = [p async for p in client.iter_bills()]
    assert sorted(seen) == [1, 2, 3]
    assert sum(len(p.items) for p in pages) == 12_001
    assert all(p.total == 12_001 for p in pages)
    assert len({b.bill_id for p in pages for b in p.items}) == 12_001


async def test_a_long_listing_leaves_room_for_the_calls_made_beside_it() -> None:
    """Twenty pages of bills never take every request slot: the debts' next page, the balance … go on meanwhile."""
    total = 20 * 5000
    release = asyncio.Event()
    waiting: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/1.0/auth/time":
            return httpx.Response(200, json=SERVER_TIME)
        if request.url.path == "/1.0/me/beside":
            return httpx.Response(200, json={"answered": True})
        number = int(request.headers["X-Pagination-Number"])
        if number > 1:
            waiting.append(number)
            await release.wait()
        start = (number - 1) * 5000
        items = [bill_json(n) for n in range(start, min(total, start + 5000))]
        return httpx.Response(200, json=items, headers={"X-Pagination-Elements": str(total)})

    async def every_page(client: OvhClient) -> int:
        return sum([len(page.items) async for page in client.iter_bills()])

    async with make_client(handler) as client:
        listing = asyncio.create_task(every_page(client))
        while len(waiting) < 6:  # the listing's pages hold what slots they may, waiting for their answers
            await asyncio.sleep(0.01)
        assert await asyncio.wait_for(client.get("/me/beside"), 5) == {"answered": True}
        release.set()
        assert await listing == total


async def test_iceberg_server_page_size_smaller() -> None:
    seen: list[int] = []
    api = FakeApi(iceberg_handler(250, seen, page_size=100))
    async with make_client(api) as client:
        pages = [p async for p in client.iter_bills()]
    assert sorted(seen) == [1, 2, 3]
    assert sum(len(p.items) for p in pages) == 250


async def test_iceberg_bad_object_goes_to_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        broken = bill_json(2)
        del broken["orderId"]
        return httpx.Response(200, json=[bill_json(1), broken, bill_json(3)], headers={"X-Pagination-Elements": "3"})

    async with make_client(FakeApi(handler)) as client:
        (page,) = [p async for p in client.iter_bills()]
    assert [b.bill_id for b in page.items] == ["FR00000001", "FR00000003"]
    assert len(page.errors) == 1 and page.errors[0].object_id == "FR00000002"


async def test_fallback_to_ids_when_iceberg_is_ignored() -> None:
    total = 450

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/1.0/me/bill":
            return httpx.Response(200, json=[f"FR{n:08d}" for n in range(total)])
        number = int(path.rsplit("FR", 1)[1])
        if number == 7:
            return httpx.Response(404, json={"class": "Client::NotFound", "message": "gone"})
        if number == 8:
            return httpx.Response(200, json={"billId": "FR00000008"})
        return httpx.Response(200, json=bill_json(number))

    api = FakeApi(handler)
    async with make_client(api) as client:
        pages = [p async for p in client.iter_bills()]
    assert len(pages) >= 2  # yielded as they complete, not all at the end
    assert sum(len(p.items) for p in pages) == total - 2
    assert sum(len(p.errors) for p in pages) == 1
    assert all(p.total == total for p in pages)
    assert len(api.api_requests()) == total + 1


async def test_not_found_and_optional_objects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"class": "Client::NotFound", "message": "The requested object does not exist"})

    async with make_client(FakeApi(handler)) as client:
        assert await client.bill_debt("FR1") is None
        assert await client.bill_payment("FR1") is None
        with pytest.raises(NotFoundError, match="HTTP 404"):
            await client.bill("FR1")


async def test_request_consumer_key_is_unsigned() -> None:
    api = FakeApi(
        lambda r: httpx.Response(
            200, json={"consumerKey": "newck", "validationUrl": "https://x/auth", "state": "pendingValidation"}
        )
    )
    async with make_client(api) as client:
        result = await client.request_consumer_key([{"method": "GET", "path": "/me"}])
    assert result.consumer_key == "newck"
    (request,) = api.api_requests()
    assert request.headers["X-Ovh-Application"] == "app-key"
    assert "X-Ovh-Signature" not in request.headers and "X-Ovh-Consumer" not in request.headers
    assert json.loads(request.content) == {"accessRules": [{"method": "GET", "path": "/me"}], "redirection": None}


async def test_logs_have_no_document_secret() -> None:
    logs: list[RequestLog] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert "X-Ovh-Signature" not in request.headers
        return httpx.Response(200, content=b"%PDF-1.4 hello")

    async with make_client(handler, on_request=logs.append) as client:
        content = await client.download_document("https://doc.test/bill.pdf?passwd=topsecret")
    assert content.startswith(b"%PDF")
    assert logs and all("topsecret" not in log.path for log in logs)
    assert logs[0].path == "https://doc.test/bill.pdf"


async def test_download_checks_pdf_and_size() -> None:
    async with make_client(lambda r: httpx.Response(200, content=b"<html>login</html>")) as client:
        with pytest.raises(DocumentError, match="not a PDF"):
            await client.download_document("https://doc.test/x?pw=1")
        assert await client.download_document("https://doc.test/x", expect_pdf=False) == b"<html>login</html>"
    async with make_client(lambda r: httpx.Response(200, content=b"%PDF" + b"x" * 5000), max_document_bytes=1000) as c:
        with pytest.raises(DocumentError, match="larger"):
            await c.download_document("https://doc.test/big.pdf")


# --- OAuth2 ----------------------------------------------------------------------------------------


class FakeOAuth:
    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.revoked: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/oauth2/token":
            assert request.headers["Authorization"].startswith("Basic ")
            assert b"grant_type=client_credentials" in request.content
            token = f"token{len(self.issued)}"
            self.issued.append(token)
            body = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
            return httpx.Response(200, json=body)
        token = request.headers.get("Authorization", "")[7:]
        if token not in self.issued or token in self.revoked:
            return httpx.Response(401, json={"class": "Client::Unauthorized", "message": "Invalid or expired token"})
        return httpx.Response(200, json={"nichandle": "xx1-ovh"})


def oauth_client(server: FakeOAuth) -> OvhClient:
    return OvhClient(
        BASE,
        client_id="cid",
        client_secret="csecret",
        token_url="http://api.test/auth/oauth2/token",
        transport=httpx.MockTransport(server),
    )


async def test_oauth2_token_cached() -> None:
    server = FakeOAuth()
    async with oauth_client(server) as client:
        for _ in range(3):
            await client.me()
    assert server.issued == ["token0"]


async def test_oauth2_token_renewed_before_expiry() -> None:
    server = FakeOAuth(expires_in=30)  # within the 60 s margin: renewed on each call
    async with oauth_client(server) as client:
        await client.me()
        await client.me()
    assert server.issued == ["token0", "token1"]


async def test_oauth2_renewed_once_on_401() -> None:
    server = FakeOAuth()
    async with oauth_client(server) as client:
        await client.me()
        server.revoked.add("token0")
        assert (await client.me()).nichandle == "xx1-ovh"
        assert server.issued == ["token0", "token1"]
        server.revoked.add("token1")
        server.revoked.add("token2")
        with pytest.raises(AuthenticationError, match="HTTP 401"):
            await client.me()


async def test_oauth2_bad_client_secret() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client", "error_description": "bad credentials"})

    client = OvhClient(BASE, client_id="cid", client_secret="very-secret", token_url="http://api.test/auth/oauth2/token",
                       transport=httpx.MockTransport(handler))  # fmt: skip
    async with client:
        with pytest.raises(AuthenticationError) as caught:
            await client.me()
    assert "bad credentials" in str(caught.value)
    assert "very-secret" not in str(caught.value) and "very-secret" not in repr(client.session)


async def test_iceberg_remaining_pages_overlap() -> None:
    """10,000 bills at 50 ms: page 1, then pages 2..n together; 10,000 debts fit in 1 more request."""
    active = {"now": 0, "max": 0, "requests": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/1.0/auth/time":
            return httpx.Response(200, json=SERVER_TIME)
        active["requests"] += 1
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        await asyncio.sleep(0.05)
        active["now"] -= 1
        number = int(request.headers["X-Pagination-Number"])
        items = [bill_json(n) for n in range((number - 1) * 2000, number * 2000)]
        return httpx.Response(200, json=items, headers={"X-Pagination-Elements": "10000"})

    async with make_client(handler) as client:
        pages = [p async for p in client.iter_bills()]
    assert sum(len(p.items) for p in pages) == 10_000
    assert active["requests"] == 5
    assert active["max"] == 4  # pages 2-5 in flight together
