"""One sandbox, several accounts: each key reads its own account only, a rejected account gets the OVH error."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from ovh_invoices_tui.api.errors import AuthenticationError
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import load_settings
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.accounts import AccountSpec, demo_accounts, serve_accounts
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig

from .test_sandbox import NOW, Bearer, Signer, bulk, client_for

INVALID_CREDENTIAL = {"errorCode": "INVALID_CREDENTIAL", "httpCode": "403 Forbidden",
                      "message": "This credential does not exist"}


def demo_app(seed: int = 42, bills: int = 60) -> Starlette:
    return create_app(SandboxConfig(now=NOW, accounts=demo_accounts(seed, bills)))


async def get(app: Starlette, spec: AccountSpec, path: str, **kw: Any) -> httpx.Response:
    async with client_for(app, auth=Signer(spec.consumer_key)) as client:
        return await client.get(path, **kw)


@pytest.fixture(scope="module")
def app() -> Starlette:
    return demo_app()


async def test_each_key_sees_only_its_own_account(app: Starlette) -> None:
    overdue, failed, paid, _ = demo_accounts(42, 60)
    seen: dict[str, set[str]] = {}
    for spec, currency, language in ((overdue, "EUR", "fr_FR"), (failed, "GBP", "en_GB"), (paid, "CAD", "fr_CA")):
        me = (await get(app, spec, "/me")).json()
        assert (me["nichandle"], me["currency"]["code"], me["language"]) == (spec.nichandle, currency, language)
        ids = (await get(app, spec, "/me/bill")).json()
        assert ids == [b.bill_id for b in app.state.sandbox.of(spec.nichandle).data.bills]
        assert len(ids) == 60
        seen[spec.nichandle] = set(ids)
    first, second, third = seen.values()
    assert not first & second and not second & third and not first & third


async def test_a_key_of_one_account_cannot_read_or_pay_another(app: Starlette) -> None:
    mine, theirs = demo_accounts(42, 60)[:2]
    their_state = app.state.sandbox.of(theirs.nichandle)
    their_debt = next(d for d in their_state.data.debts if d.due > 0)
    their_bill = their_state.data.bills[their_debt.bill].bill_id
    async with client_for(app, auth=Signer(mine.consumer_key)) as client:
        response = await client.get(f"/me/bill/{their_bill}")
        assert response.status_code == 404
        assert response.json()["message"] == f"The requested object (billId = {their_bill}) does not exist"
        assert (await client.get(f"/me/debtAccount/debt/{their_debt.debt_id}")).status_code == 404
        assert (await client.post(f"/me/bill/{their_bill}/debt/pay")).status_code == 404
    assert their_state.orders == {}
    async with client_for(app, auth=Signer(theirs.readonly_consumer_key)) as client:
        assert (await client.get(f"/me/bill/{their_bill}")).status_code == 200
        assert (await client.get("/me")).json()["nichandle"] == theirs.nichandle
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.invalid") as raw:
        token = (await raw.post(credentials.TOKEN_PATH, data={
            "grant_type": "client_credentials", "client_id": theirs.client_id,
            "client_secret": theirs.client_secret})).json()["access_token"]
        wrong = await raw.post(credentials.TOKEN_PATH, data={
            "grant_type": "client_credentials", "client_id": theirs.client_id, "client_secret": mine.client_secret})
        assert wrong.status_code == 401
    async with client_for(app, auth=Bearer(token)) as client:
        assert (await client.get("/me")).json()["nichandle"] == theirs.nichandle


async def test_the_rejected_account_gets_the_ovh_error(app: Starlette) -> None:
    rejected = demo_accounts(42, 60)[3]
    assert rejected.rejected
    for key in (rejected.consumer_key, rejected.readonly_consumer_key):
        async with client_for(app, auth=Signer(key)) as client:
            for path in ("/me", "/me/bill", "/me/debtAccount"):
                response = await client.get(path)
                assert (response.status_code, response.json()) == (403, INVALID_CREDENTIAL)
                assert response.headers["X-Ovh-QueryID"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.invalid") as raw:
        response = await raw.post(credentials.TOKEN_PATH, data={
            "grant_type": "client_credentials", "client_id": rejected.client_id,
            "client_secret": rejected.client_secret})
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"


async def _debts(app: Starlette, spec: AccountSpec) -> list[dict[str, Any]]:
    debts: list[dict[str, Any]] = (await get(app, spec, "/me/debtAccount/debt", headers=bulk())).json()
    for debt in debts:
        path = f"/me/debtAccount/debt/{debt['debtId']}/operation"
        debt["operations"] = [(await get(app, spec, f"{path}/{op}")).json()
                              for op in (await get(app, spec, path)).json()]
    return debts


def _past_due(debt: dict[str, Any]) -> bool:
    return debt["dueAmount"]["priceInUcents"] > 0 and datetime.fromisoformat(debt["dueDate"]) < NOW


def _failed(debt: dict[str, Any]) -> bool:
    return any(op["status"] == "FAILED" for op in debt["operations"])


@pytest.mark.parametrize("bills", [8, 60, 3000])
async def test_the_demo_accounts_cover_an_accounts_overview(bills: int) -> None:
    app = demo_app(bills=bills)
    overdue, failed, paid, _ = demo_accounts(42, bills)
    debts = await _debts(app, overdue)
    assert any(_past_due(d) for d in debts) and not any(_failed(d) for d in debts)
    debts = await _debts(app, failed)
    assert any(_failed(d) and d["dueAmount"]["priceInUcents"] > 0 for d in debts)
    assert not any(_past_due(d) for d in debts)
    balance = (await get(app, paid, "/me/debtAccount")).json()
    assert balance["dueAmount"]["currencyCode"] == "CAD" and balance["dueAmount"]["priceInUcents"] == 0
    assert not [d for d in await _debts(app, paid) if d["dueAmount"]["priceInUcents"] > 0]


async def test_accounts_are_deterministic_from_the_seed() -> None:
    assert demo_accounts(7) == demo_accounts(7)
    assert [a.nichandle for a in demo_accounts(7)][1:] != [a.nichandle for a in demo_accounts(8)][1:]

    async def snapshot(seed: int) -> list[Any]:
        app, out = demo_app(seed=seed, bills=40), []
        for spec in demo_accounts(seed, 40)[:3]:
            out.append([(await get(app, spec, path, headers=bulk())).json()
                        for path in ("/me", "/me/bill", "/me/debtAccount/debt", "/me/deposit")])
        return out

    assert await snapshot(7) == await snapshot(7)
    assert await snapshot(7) != await snapshot(8)


def test_the_first_account_is_the_historical_sandbox() -> None:
    single = SandboxConfig(now=NOW, bills=60).account_specs()
    assert len(single) == 1
    first = single[0]
    assert (first.nichandle, first.consumer_key, first.client_id) == (
        credentials.NICHANDLE, credentials.CONSUMER_KEY, credentials.CLIENT_ID)
    assert serve_accounts(1, 42, 60) == single
    several = create_app(SandboxConfig(now=NOW, accounts=serve_accounts(3, 42, 60))).state.sandbox
    alone = create_app(SandboxConfig(now=NOW, bills=60)).state.sandbox
    assert [b.bill_id for b in several.data.bills] == [b.bill_id for b in alone.data.bills]


def test_accounts_must_have_their_own_credentials() -> None:
    spec = demo_accounts()[0]
    with pytest.raises(ValueError, match="share a consumer key"):
        SandboxConfig(accounts=[spec, AccountSpec("other-ovh", spec.consumer_key, "k2", "c2", "s2")])


async def test_serve_accounts_prints_a_working_profile_per_account(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[Any] = []

    def run(server: Any, sockets: list[Any]) -> None:  # instead of serving forever: keep the app, free the port
        served.append(server.config.app)
        sockets[0].close()

    monkeypatch.setattr("uvicorn.Server.run", run)
    assert cli.main(["sandbox", "serve", "--accounts", "4", "--bills", "30", "--port", "18977"]) == 0
    out = capsys.readouterr().out
    assert "4 accounts, seed 42" in out
    isolated.write_text(out.split("\n\n", 1)[1])  # the profiles, as a user pastes them into config.toml
    profiles = load_settings(str(isolated)).profiles
    assert sorted(profiles) == ["sandbox-1", "sandbox-2", "sandbox-3", "sandbox-4"]
    seen = []
    for name, spec in zip(sorted(profiles), serve_accounts(4, 42, 30), strict=True):
        client = make_client(profiles[name], transport=httpx.ASGITransport(app=served[0]))
        async with client:
            if spec.rejected:
                with pytest.raises(AuthenticationError, match="This credential does not exist"):
                    await client.me()
                continue
            me = await client.me()
            assert me.nichandle == spec.nichandle and f"# {spec.nichandle} · " in out
            seen.append(me.nichandle)
    assert len(set(seen)) == 3


async def test_documents_and_the_payment_page_belong_to_their_account() -> None:
    app = demo_app()
    mine, theirs = demo_accounts(42, 60)[:2]
    async with client_for(app, auth=Signer(theirs.consumer_key)) as client:
        bill = (await client.get("/me/bill", headers=bulk(size=1))).json()[0]
        order = (await client.post("/me/debtAccount/pay")).json()
        page = await client.get(order["url"])
        assert page.status_code == 200 and "Payment done" in page.text
        assert (await client.get("/me/debtAccount")).json()["dueAmount"]["priceInUcents"] == 0
        assert (await client.get(bill["pdfUrl"])).headers["content-type"] == "application/pdf"
    mine_state = app.state.sandbox.of(mine.nichandle)
    assert mine_state.orders == {} and any(d.due > 0 for d in mine_state.data.debts)
