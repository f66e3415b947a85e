"""Payment tracking with the local cache: deposits, their paid bills, credit notes and what each credit note
was used for are read once; a start after that lists only what is newer, and a payment costs one /paidBills."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import Settings, demo_profile, load_settings, resolve_profile
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.data.cache.profile import cache_path
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.invoices import CACHE_OVERLAP
from ovh_invoices_tui.data.payments import load_payments, paid_bill_ids
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.payments import LoadState, PaymentsStore
from tests.conftest import wait_for, wait_loaded

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SIZE = (100, 30)


def paid_bills_requests(requests: Counter[str]) -> list[str]:
    """The deposits whose ``/paidBills`` was asked (``GET /me/deposit/{id}/paidBills`` keys)."""
    return sorted(key.split("/")[-2] for key, n in requests.items() if key.endswith("/paidBills") for _ in range(n))


def refund_payment_requests(requests: Counter[str]) -> int:
    return sum(n for key, n in requests.items() if "/me/refund/" in key and key.endswith("/payment"))


class Sandbox:
    """One in-process sandbox shared by every client built from it (the test sees its state and requests)."""

    def __init__(self, bills: int = 120) -> None:
        self.app = create_app(SandboxConfig(bills=bills, seed=7, now=NOW, base_url=credentials.INPROCESS_BASE_URL))

    @property
    def state(self) -> Any:
        return self.app.state.sandbox

    def client(self, profile: Any = None, **options: Any) -> OvhClient:
        return OvhClient(
            credentials.INPROCESS_BASE_URL,
            application_key=credentials.APPLICATION_KEY,
            application_secret=credentials.APPLICATION_SECRET,
            consumer_key=credentials.CONSUMER_KEY,
            transport=httpx.ASGITransport(app=self.app),
            retry_base_delay=0.001,
            **options,
        )


def app_on(sandbox: Sandbox, cache: BillCache | None, tmp_path: Path) -> OvhInvoicesApp:
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    return OvhInvoicesApp(
        settings=settings, profile=demo_profile(), lang="en", cache=cache, client_factory=sandbox.client
    )


async def track_until_counted(app: OvhInvoicesApp, pilot: Any) -> None:
    """``p``, then wait until every deposit's count and every credit note's use is known."""
    await wait_loaded(app, pilot)
    await pilot.press("p")
    payments = app.session.payments

    def complete() -> bool:
        return (
            payments.state is LoadState.DONE
            and all(d.deposit_id in payments.paid_bills for d in payments.deposits)
            and len(payments.refund_payments) == len(payments.refunds)
        )

    await wait_for(complete, pilot, timeout=20)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_second_start_reads_no_paid_bills_for_cached_deposits(tmp_path: Path) -> None:
    sandbox = Sandbox()
    path = tmp_path / "c.sqlite3"
    with BillCache.open(path) as cache:
        app = app_on(sandbox, cache, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await track_until_counted(app, pilot)
            first = {d.deposit_id: app.session.payments.paid_bills[d.deposit_id] for d in app.session.payments.deposits}
    assert len(paid_bills_requests(sandbox.state.requests)) == len(first) > 0  # the first start read them all
    sandbox.state.requests.clear()

    with BillCache.open(path) as cache:
        app = app_on(sandbox, cache, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await track_until_counted(app, pilot)
            tracked = app.session.payments
            second = {d.deposit_id: tracked.paid_bills[d.deposit_id] for d in tracked.deposits}
            refunds = len(app.session.payments.refunds)
    assert second == first
    assert paid_bills_requests(sandbox.state.requests) == []
    assert refund_payment_requests(sandbox.state.requests) == 0 and refunds > 0
    # deposits and credit notes were listed from a little before the newest cached one only
    listings = [key for key in sandbox.state.requests if key in ("GET /me/deposit", "GET /me/refund")]
    assert sorted(listings) == ["GET /me/deposit", "GET /me/refund"]


async def test_after_a_payment_only_the_new_deposit_is_read(tmp_path: Path) -> None:
    sandbox = Sandbox()
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        app = app_on(sandbox, cache, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await track_until_counted(app, pilot)
            before = set(app.session.payments.paid_bills)
            # pay everything due in the sandbox (as opening the order's page does), then what the app does
            state = sandbox.state
            due = [d for d in state.data.debts if d.due > 0]
            assert due
            deposit = state.settle(state.pay(due))
            state.requests.clear()
            app.session.payments.invalidate()
            await wait_for(lambda: deposit.deposit_id in app.session.payments.paid_bills, pilot, timeout=20)
            await app.workers.wait_for_complete()
            payments = app.session.payments
            assert set(payments.paid_bills) == before | {deposit.deposit_id}
            assert len(payments.paid_bills[deposit.deposit_id]) == len(due)
            assert paid_bills_requests(state.requests) == [deposit.deposit_id]
            assert refund_payment_requests(state.requests) == 0
    with BillCache.open(tmp_path / "c.sqlite3") as cache:  # and it was saved with its paid bills
        assert cache.deposit(deposit.deposit_id) is not None
        assert len(cache.all_deposit_paid_bill_ids()[deposit.deposit_id]) == len(due)


async def test_loader_lists_only_from_the_newest_cached_minus_the_overlap(tmp_path: Path) -> None:
    asked: dict[str, list[datetime | None]] = {"deposits": [], "refunds": []}
    config = SandboxConfig(bills=120, seed=7, now=NOW)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        async with make_client(demo_profile(), sandbox=config) as client:
            for kind in asked:
                listing = getattr(client, f"iter_{kind}")

                def spy(*, date_from: Any = None, _kind: str = kind, _listing: Any = listing, **kw: Any) -> Any:
                    asked[_kind].append(date_from)
                    return _listing(date_from=date_from, **kw)

                setattr(client, f"iter_{kind}", spy)
            await load_payments(client, PaymentsStore(), cache)
            assert asked == {"deposits": [None], "refunds": [None]}
            newest_deposit, newest_refund = cache.newest_deposit_date(), cache.newest_refund_date()
            assert newest_deposit is not None and newest_refund is not None
            store = PaymentsStore()
            await load_payments(client, store, cache)
        assert len(store.deposits) == len(cache.deposits()) and store.state is LoadState.DONE
    assert asked["deposits"][1] == newest_deposit - CACHE_OVERLAP
    assert asked["refunds"][1] == newest_refund - CACHE_OVERLAP


async def test_paid_bill_ids_store_then_cache_then_api(tmp_path: Path) -> None:
    asked: list[str] = []
    config = SandboxConfig(bills=60, seed=7, now=NOW)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        async with make_client(demo_profile(), sandbox=config, on_request=lambda r: asked.append(r.path)) as client:
            deposit = ""
            async for page in client.iter_deposits():
                deposit = deposit or page.items[0].deposit_id
            asked.clear()
            ids = await paid_bill_ids(client, deposit, cache=cache)
            assert asked == [f"/me/deposit/{deposit}/paidBills"] and ids
            assert cache.deposit_paid_bill_ids(deposit) == list(ids)
            store = PaymentsStore()
            assert await paid_bill_ids(client, deposit, store=store, cache=cache) == ids
            assert asked == [f"/me/deposit/{deposit}/paidBills"]  # from the cache, now in the store too
            assert store.paid_bills[deposit] == tuple(ids)


# --- the command line ------------------------------------------------------------------------------------------


@pytest.fixture
def cli_sandbox(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """A demo profile whose every client talks to one sandbox; the cache in the isolated user's XDG cache."""
    from ovh_invoices_tui.data import clients as factory

    isolated.write_text(
        "default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 120\nsandbox_seed = 7\n"
    )
    sandbox = Sandbox()
    real = factory.OvhClient

    def client(*args: Any, **kwargs: Any) -> OvhClient:
        return real(*args, **{**kwargs, "transport": httpx.ASGITransport(app=sandbox.app), "retry_base_delay": 0.001})

    monkeypatch.setattr(factory, "OvhClient", client)
    return sandbox


def exported(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row[0]: row[4] for row in list(csv.reader(handle))[1:]}


def test_cli_export_with_a_warm_cache_makes_only_the_incremental_requests(
    cli_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requests = cli_sandbox.state.requests
    target = tmp_path / "proofs.csv"
    base = ["--lang", "en", "payments", "export", "--csv", str(target), "--dialect", "rfc4180", "--force"]
    assert cli.main(base) == 0
    cold = exported(target)
    assert len(paid_bills_requests(requests)) == len(cold) > 0
    profile = resolve_profile(load_settings(None), None, demo=False)
    assert profile is not None and cache_path(profile).exists()

    requests.clear()
    assert cli.main(base) == 0
    assert exported(target) == cold
    assert paid_bills_requests(requests) == []
    assert sum(n for key, n in requests.items() if key != "GET /auth/time") == 1  # the deposits newer than cached
    assert "Exported" in capsys.readouterr().out

    requests.clear()  # --no-cache: everything again, and the cache is left alone
    assert cli.main(["--no-cache", *base]) == 0
    assert exported(target) == cold
    assert len(paid_bills_requests(requests)) == len(cold)


def test_cli_show_with_a_warm_cache_reads_no_paid_bills(
    cli_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "proofs.csv"
    assert cli.main(["payments", "export", "--csv", str(target), "--dialect", "rfc4180"]) == 0
    reference = next(iter(exported(target)))
    capsys.readouterr()
    cli_sandbox.state.requests.clear()
    assert cli.main(["--lang", "en", "payments", "show", reference, "--format", "json"]) == 0
    requests = cli_sandbox.state.requests
    assert paid_bills_requests(requests) == []
    assert f"GET /me/deposit/{reference}" not in requests  # the deposit came from the cache too
    assert capsys.readouterr().out.count(reference) >= 1
