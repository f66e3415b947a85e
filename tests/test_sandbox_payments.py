"""The sandbox's money flows: paying the balance, documents, credit notes on payments, faults."""

from __future__ import annotations

import io
import time

import httpx
import pypdf

from ovh_invoices_tui.sandbox import credentials

from .schema import assert_valid
from .test_sandbox import Signer, bulk, client_for, make_app


async def _due(client: httpx.AsyncClient) -> int:
    return int((await client.get("/me/debtAccount")).json()["dueAmount"]["priceInUcents"])


async def test_pay_all_then_open_the_order_url_settles_every_debt() -> None:
    app = make_app()
    state = app.state.sandbox
    async with client_for(app) as client:
        due_debts = [d for d in (await client.get("/me/debtAccount/debt", headers=bulk())).json()
                     if d["dueAmount"]["priceInUcents"] > 0]
        assert due_debts and await _due(client) == sum(d["dueAmount"]["priceInUcents"] for d in due_debts)
        deposits_before = int((await client.get("/me/deposit", headers=bulk(size=1))).headers["X-Pagination-Elements"])

        response = await client.post("/me/debtAccount/pay")
        assert response.status_code == 200, response.text
        order = response.json()
        assert_valid(order, "billing.Order")
        assert order["priceWithTax"]["priceInUcents"] == await _due(client)
        assert order["orderId"] in state.orders
        assert (await client.get(f"/me/order/{order['orderId']}/status")).json() == "notPaid"

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:  # unsigned
            page = await browser.get(order["url"])
        assert page.status_code == 200 and "Payment done" in page.text

        assert await _due(client) == 0
        assert (await client.get(f"/me/order/{order['orderId']}/status")).json() == "delivered"
        by_order = {d["orderId"]: d for d in (await client.get("/me/debtAccount/debt", headers=bulk())).json()}
        paid_bill_ids = []
        for debt in due_debts:
            after = by_order[debt["orderId"]]
            assert after["status"] == "PAID" and after["dueAmount"]["priceInUcents"] == 0
            bill = state.data.bills[state.data.bill_by_order[debt["orderId"]]]
            paid_bill_ids.append(bill.bill_id)
            ops = (await client.get(f"/me/bill/{bill.bill_id}/debt/operation")).json()
            last = (await client.get(f"/me/bill/{bill.bill_id}/debt/operation/{ops[-1]}")).json()
            assert last["depositOrderId"] == order["orderId"] and last["status"] == "DONE"
        deposits = (await client.get("/me/deposit", headers=bulk(sort="date", desc=True))).json()
        assert len(deposits) == deposits_before + 1
        newest = next(d for d in deposits if d["orderId"] == order["orderId"])
        assert newest["paymentInfo"]["paymentType"] == "creditCard"
        assert newest["amount"]["priceInUcents"] == order["priceWithTax"]["priceInUcents"]
        paid = (await client.get(f"/me/deposit/{newest['depositId']}/paidBills")).json()
        assert sorted(paid) == sorted(paid_bill_ids)

        nothing = await client.post("/me/debtAccount/pay")
        assert nothing.status_code == 400
        assert nothing.json() == {"class": "Client::BadRequest", "message": "Nothing to pay"}


async def test_pay_one_bill() -> None:
    app = make_app()
    data = app.state.sandbox.data
    debt = next(d for d in data.debts if d.status == "UNPAID")
    bill = data.bills[debt.bill]
    async with client_for(app) as client:
        before = await _due(client)
        order = (await client.post(f"/me/bill/{bill.bill_id}/debt/pay")).json()
        assert order["priceWithTax"]["priceInUcents"] == bill.ttc * 1_000_000
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:
            assert (await browser.get(order["url"])).status_code == 200
        assert (await client.get(f"/me/bill/{bill.bill_id}/debt")).json()["status"] == "PAID"
        assert await _due(client) == before - bill.ttc * 1_000_000
        again = await client.post(f"/me/bill/{bill.bill_id}/debt/pay")
        assert again.status_code == 400 and again.json()["message"] == "Nothing to pay"
        paid = next(b for b in data.bills if b.index not in data.debt_by_bill)
        assert (await client.post(f"/me/bill/{paid.bill_id}/debt/pay")).json()["message"] == "Nothing to pay"


async def test_readonly_key_cannot_pay() -> None:
    app = make_app()
    async with client_for(app, auth=Signer(credentials.READONLY_CONSUMER_KEY)) as client:
        response = await client.post("/me/debtAccount/pay")
        assert response.status_code == 403 and response.json()["errorCode"] == "NOT_GRANTED_CALL"
    assert not app.state.sandbox.orders


# --- documents ------------------------------------------------------------------------------------------


async def test_bill_documents() -> None:
    app = make_app()
    async with client_for(app) as client:
        bill = (await client.get("/me/bill", headers=bulk(size=1))).json()[0]
        detail_ids = (await client.get(f"/me/bill/{bill['billId']}/details")).json()
        line = (await client.get(f"/me/bill/{bill['billId']}/details/{detail_ids[0]}")).json()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:
        page = await browser.get(bill["url"])
        assert page.status_code == 200 and "<table" in page.text and bill["billId"] in page.text
        assert bill["priceWithTax"]["text"] in page.text
        pdf = await browser.get(bill["pdfUrl"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        assert bill["billId"] in text
        assert line["description"][:25] in text
        assert "€" in text and "Quantité" in text
        wrong = await browser.get(bill["pdfUrl"].replace(bill["password"], "00000000"))
        assert wrong.status_code == 403
        missing = await browser.get(bill["url"].split("&passwd=")[0])
        assert missing.status_code == 403


async def test_deposit_refund_and_order_documents() -> None:
    app = make_app()
    data = app.state.sandbox.data
    async with client_for(app) as client:
        refund = (await client.get(f"/me/refund/{data.refunds[0].refund_id}")).json()
        deposit = (await client.get(f"/me/deposit/{data.deposits[0].deposit_id}")).json()
        order = (await client.get(f"/me/order/{data.bills[0].order_id}")).json()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:
        for obj, ref in ((refund, refund["refundId"]), (deposit, deposit["depositId"]), (order, str(order["orderId"]))):
            assert ref in (await browser.get(obj["url"])).text
            pdf = (await browser.get(obj["pdfUrl"])).content
            assert pdf.startswith(b"%PDF")
            assert ref in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


# --- credit notes explaining a payment shortfall ---------------------------------------------------------


async def test_a_credit_note_explains_a_deposit_shortfall() -> None:
    app = make_app()
    async with client_for(app) as client:
        deposits = (await client.get("/me/deposit", headers=bulk())).json()
        refunds = {r["refundId"]: r for r in (await client.get("/me/refund", headers=bulk())).json()}
        explained = 0
        for deposit in deposits:
            bill_ids = (await client.get(f"/me/deposit/{deposit['depositId']}/paidBills")).json()
            bills = [(await client.get(f"/me/bill/{b}")).json() for b in bill_ids]
            gap = sum(b["priceWithTax"]["priceInUcents"] for b in bills) - deposit["amount"]["priceInUcents"]
            if gap == 0:
                continue
            details = (await client.get(f"/me/deposit/{deposit['depositId']}/details", headers=bulk())).json()
            credit = [d for d in details if d["totalPrice"]["priceInUcents"] < 0]
            assert len(credit) == 1
            refund = refunds[credit[0]["domain"]]
            assert refund["priceWithTax"]["priceInUcents"] == gap
            assert refund["date"] < deposit["date"]
            payment = (await client.get(f"/me/refund/{refund['refundId']}/payment")).json()
            assert payment["paymentType"] == "refund" and payment["paymentIdentifier"] == deposit["depositId"]
            assert app.state.sandbox.data.refund_applied_to(deposit["depositId"]).refund_id == refund["refundId"]
            explained += 1
            if explained == 3:
                break
        assert explained >= 1


# --- faults and counters --------------------------------------------------------------------------------


async def _fault_outcomes(seed: int) -> list[str]:
    app = make_app(error_rate=1.0, seed=seed, retry_after_s=0)
    outcomes = []
    async with client_for(app) as client:
        for _ in range(25):
            try:
                response = await client.get("/me")
            except httpx.TransportError:
                outcomes.append("drop")
                continue
            assert response.headers["X-Ovh-QueryID"]
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "0"
            assert "message" in response.json()
            outcomes.append(str(response.status_code))
    assert outcomes == app.state.sandbox.faults
    return outcomes


async def test_faults_are_deterministic_and_mixed() -> None:
    first = await _fault_outcomes(7)
    assert set(first) == {"429", "500", "502", "503", "drop"}
    assert first == await _fault_outcomes(7)


async def test_faults_spare_documents_and_latency_applies() -> None:
    app = make_app(error_rate=1.0)
    bill = app.state.sandbox.views.bill(0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as browser:
        assert (await browser.get(bill["url"])).status_code == 200
    slow = make_app(latency_ms=60, jitter_ms=20)
    async with client_for(slow) as client:
        start = time.perf_counter()
        assert (await client.get("/auth/time")).status_code == 200
        assert time.perf_counter() - start >= 0.06


async def test_requests_are_counted() -> None:
    app = make_app()
    async with client_for(app) as client:
        for _ in range(3):
            await client.get("/me")
        await client.get("/me/bill/FR00000000")
    state = app.state.sandbox
    assert state.requests["GET /me"] == 3
    assert state.request_log[-1][:3] == ("GET", "/me/bill/FR00000000", 404)
