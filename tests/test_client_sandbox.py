"""OvhClient against the in-process sandbox (make_client): the real wire format end to end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import AuthenticationError, NotGrantedError
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.config import Profile, demo_profile
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig


async def _count(client: OvhClient) -> tuple[int, int, int]:
    async def bills() -> tuple[int, int]:
        n = errors = 0
        async for page in client.iter_bills():
            n += len(page.items)
            errors += len(page.errors)
        return n, errors

    async def debts() -> int:
        return sum([len(page.items) async for page in client.iter_debts()])

    (n, errors), d = await asyncio.gather(bills(), debts())
    return n, errors, d


async def test_iceberg_load_of_10000_bills_in_few_requests() -> None:
    logs: list[RequestLog] = []
    config = SandboxConfig(bills=10_000, latency_ms=50)
    async with make_client(demo_profile(), sandbox=config, on_request=logs.append) as client:
        bills, errors, debts = await _count(client)
    assert bills == 10_000 and errors == 0 and debts > 0
    assert len(logs) <= 10
    assert {log.status for log in logs} == {200}
    assert all(log.query_id for log in logs)


async def test_fallback_without_iceberg() -> None:
    config = SandboxConfig(bills=120, iceberg=False)
    async with make_client(demo_profile(), sandbox=config) as client:
        bills, errors, _ = await _count(client)
        assert (bills, errors) == (120, 0)
        bill = await client.bill(next(iter([b async for p in client.iter_bills() for b in p.items])).bill_id)
        assert await client.bill_details(bill.bill_id)


async def test_single_objects_and_document() -> None:
    async with make_client(demo_profile(), sandbox=SandboxConfig(bills=50)) as client:
        account = await client.me()
        assert account.nichandle == credentials.NICHANDLE
        bills = [b async for p in client.iter_bills() for b in p.items]
        first = bills[0]
        await client.bill_debt(first.bill_id)
        await client.bill_payment(first.bill_id)
        await client.debt_account()
        pdf = await client.download_document(first.pdf_url)
        assert pdf.startswith(b"%PDF")


async def test_time_skew_is_absorbed() -> None:
    async with make_client(demo_profile(), sandbox=SandboxConfig(bills=5, clock_skew_s=7200)) as client:
        assert (await client.me()).nichandle


def _client(app: Any, **keys: Any) -> OvhClient:
    import httpx

    return OvhClient(credentials.INPROCESS_BASE_URL, transport=httpx.ASGITransport(app=app), **keys)


async def test_wrong_secret_and_not_granted() -> None:
    app = create_app(SandboxConfig(bills=5))
    async with _client(app, application_key=credentials.APPLICATION_KEY, application_secret="nope",
                       consumer_key=credentials.CONSUMER_KEY) as client:  # fmt: skip
        with pytest.raises(AuthenticationError, match="Invalid signature") as caught:
            await client.me()
        assert caught.value.query_id
    async with _client(app, application_key=credentials.APPLICATION_KEY,
                       application_secret=credentials.APPLICATION_SECRET,
                       consumer_key=credentials.READONLY_CONSUMER_KEY) as client:  # fmt: skip
        with pytest.raises(NotGrantedError, match="billing contact"):
            await client.pay_all()


async def test_oauth2_against_sandbox() -> None:
    app = create_app(SandboxConfig(bills=5))
    async with _client(app, client_id=credentials.CLIENT_ID, client_secret=credentials.CLIENT_SECRET,
                       token_url="http://sandbox.invalid/auth/oauth2/token") as client:  # fmt: skip
        assert (await client.me()).nichandle == credentials.NICHANDLE


def test_make_client_for_real_profile_uses_endpoint() -> None:
    profile = Profile(name="p", endpoint="ovh-ca", application_key="a", application_secret="b", consumer_key="c")
    client = make_client(profile)
    assert client.base_url == "https://ca.api.ovh.com/1.0"
    assert not client.session.uses_oauth2
    oauth = make_client(Profile(name="o", endpoint="ovh-eu", client_id="id", client_secret="s"))
    assert oauth.session.uses_oauth2
