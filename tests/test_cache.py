"""The local cache: instant start from SQLite, incremental refresh, offline open, damaged files, permissions."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import NetworkError
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import Profile, demo_profile
from ovh_invoices_tui.core.models import Account, Bill, BillDetail, DebtBalance, Deposit, Money, Refund
from ovh_invoices_tui.data.cache.codec import (
    MONEY_SEP,
    SEP,
    bill_row,
    bills_from_records,
    from_json,
    list_from_json,
    to_json,
)
from ovh_invoices_tui.data.cache.db import SCHEMA_VERSION, BillCache, file_mode
from ovh_invoices_tui.data.cache.profile import account_binding, cache_path, clear_caches, safe_name, sandbox_now
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.invoices import CACHE_OVERLAP, load_all, load_with_cache
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import Change, LoadProgress, Store
from tests.factories import make_bill, make_debt

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
POSIX = os.name == "posix"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr("ovh_invoices_tui.locations.cache_dir", lambda: folder)
    return folder


@pytest.fixture
def sandbox() -> SandboxConfig:
    return SandboxConfig(bills=300, seed=11, now=NOW)


def client_for(config: SandboxConfig, log: list[RequestLog] | None = None) -> OvhClient:
    return make_client(demo_profile(), sandbox=config, on_request=log.append if log is not None else None)


class ConnectionRefused(httpx.AsyncBaseTransport):
    """A network that is down: every request fails to connect."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


async def all_bills(client: OvhClient) -> list[Bill]:
    return [bill async for page in client.iter_bills() for bill in page.items]


def offline_client() -> OvhClient:
    return OvhClient(
        credentials.INPROCESS_BASE_URL,
        application_key=credentials.APPLICATION_KEY,
        application_secret=credentials.APPLICATION_SECRET,
        consumer_key=credentials.CONSUMER_KEY,
        transport=ConnectionRefused(),
        retries=0,
    )


def record_progress(store: Store) -> list[tuple[LoadProgress, int]]:
    """Every progress the store goes through, with the number of rows it had then."""
    seen: list[tuple[LoadProgress, int]] = []

    def on_change(changes: set[Change]) -> None:
        if Change.PROGRESS in changes:
            seen.append((store.progress, len(store.rows)))

    store.subscribe(on_change)
    return seen


async def fill_cache(path: Path, config: SandboxConfig) -> Store:
    """A first start: everything read from the API and saved."""
    store = Store()
    with BillCache.open(path) as cache:
        async with client_for(config) as client:
            loaded = await load_with_cache(client, store, cache)
    assert loaded.cached == 0 and loaded.fetched == config.bills
    return store


# --- codec ---------------------------------------------------------------------------------------------


def test_bills_and_debts_round_trip_exactly(tmp_path: Path) -> None:
    bills = [make_bill(n, f"{n}.{n % 100:02d}") for n in range(1, 50)]
    debts = [make_debt(bills[3], "4.03"), make_debt(bills[7], "1.00", "TO_BE_PAID")]
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        cache.save_bills(bills)
        cache.save_state(debts=debts)
        state = cache.load_state()
    assert sorted(state.bills, key=lambda b: b.bill_id) == bills
    assert state.debts == debts
    assert state.bills[0].password == "secret"  # documents still open from the cache


def test_a_field_holding_a_separator_survives() -> None:
    bill = msgspec.structs.replace(make_bill(1), category=f"odd{SEP}category", password=f"pa{SEP}ss")
    odd_money = Money(123, f"E{MONEY_SEP}R")
    other = msgspec.structs.replace(make_bill(2), tax=odd_money, price_with_tax=Money(5, f"x{MONEY_SEP}y"))
    records = [(bill_row(b)[2],) for b in (bill, other)]
    assert bills_from_records(records) == [bill, other]


async def test_other_objects_round_trip(sandbox: SandboxConfig) -> None:
    async with client_for(sandbox) as client:
        account = await client.me()
        balance = await client.debt_account()
        deposits = [d async for page in client.iter_deposits() for d in page.items]
        refunds = [r async for page in client.iter_refunds() for r in page.items]
        first_bill = (await all_bills(client))[0]
        details = await client.bill_details(first_bill.bill_id)
    assert from_json(Account, to_json(account)) == account
    assert from_json(DebtBalance, to_json(balance)) == balance
    assert [from_json(Deposit, to_json(d)) for d in deposits] == deposits
    assert [from_json(Refund, to_json(r)) for r in refunds] == refunds
    assert list_from_json(BillDetail, to_json(details)) == details


async def test_details_deposits_refunds_are_kept(tmp_path: Path, sandbox: SandboxConfig) -> None:
    async with client_for(sandbox) as client:
        deposits = [d async for page in client.iter_deposits() for d in page.items]
        refunds = [r async for page in client.iter_refunds() for r in page.items]
        bill = (await all_bills(client))[0]
        details = await client.bill_details(bill.bill_id)
        paid = await client.deposit_paid_bill_ids(deposits[0].deposit_id)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        assert cache.bill_details(bill.bill_id) is None
        cache.save_bill_details(bill.bill_id, details)
        cache.save_deposits(deposits)
        cache.save_deposit_paid_bill_ids(deposits[0].deposit_id, paid)
        cache.save_refunds(refunds)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        assert cache.bill_details(bill.bill_id) == details
        assert sorted(cache.deposits(), key=lambda d: d.deposit_id) == sorted(deposits, key=lambda d: d.deposit_id)
        assert cache.deposit_paid_bill_ids(deposits[0].deposit_id) == paid
        assert len(cache.refunds()) == len(refunds)
        assert cache.newest_deposit_date() == max(d.date for d in deposits)


# --- start: cached first, then refreshed -----------------------------------------------------------------


async def test_second_start_shows_the_cache_then_only_new_bills_are_read(
    tmp_path: Path, sandbox: SandboxConfig
) -> None:
    path = tmp_path / "c.sqlite3"
    first = await fill_cache(path, sandbox)
    newest_ten = sorted(first.rows, key=lambda r: r.bill.date)[-10:]
    # as if the ten newest bills had been issued after the first start
    with sqlite3.connect(path) as db:
        db.executemany("DELETE FROM bill WHERE bill_id = ?", [(r.bill.bill_id,) for r in newest_ten])

    store, log = Store(), list[RequestLog]()
    seen = record_progress(store)
    with BillCache.open(path) as cache:
        newest_cached = cache.newest_bill_date()
        async with client_for(sandbox, log) as client:
            loaded = await load_with_cache(client, store, cache)
        assert cache.bill_count() == sandbox.bills

    # the cached invoices were on screen before any answer of the API
    cached_progress, rows_then = seen[0]
    assert cached_progress.from_cache and rows_then == sandbox.bills - 10 == loaded.cached
    # then the refreshed state: every bill, fresh debts, done
    assert seen[-1][0] == LoadProgress(sandbox.bills, sandbox.bills, done=True)
    assert len(store.rows) == sandbox.bills
    assert {r.bill.bill_id for r in store.rows} == {r.bill.bill_id for r in first.rows}
    assert [(r.bill, r.debt) for r in store.rows if r.debt] != []
    assert store.account is not None and store.balance is not None
    # only what is newer than the cache minus the overlap was listed, in one request
    assert newest_cached is not None
    window = [r for r in first.rows if r.bill.date >= newest_cached - CACHE_OVERLAP]
    assert loaded.fetched == len(window) < sandbox.bills // 4
    bill_requests = [entry for entry in log if entry.path.startswith("/me/bill")]
    assert len(bill_requests) == 1
    assert "date.from=" in bill_requests[0].path
    assert sorted(e.path.split("?")[0] for e in log if e.path != "/auth/time") == [
        "/me", "/me/bill", "/me/debtAccount", "/me/debtAccount/debt",
    ]  # fmt: skip


async def test_the_newest_bills_show_first_then_the_rest(
    tmp_path: Path, sandbox: SandboxConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ovh_invoices_tui.data.invoices.FIRST_SCREEN", 50)
    path = tmp_path / "c.sqlite3"
    first = await fill_cache(path, sandbox)
    store = Store()
    seen = record_progress(store)
    with BillCache.open(path) as cache:
        async with offline_client() as client:  # only what comes from the cache
            await load_with_cache(client, store, cache)
    newest = sorted(first.rows, key=lambda r: r.bill.date, reverse=True)[:50]
    (one, rows_one), (two, rows_two) = seen[:2]
    assert (one.loaded, one.total, one.from_cache, rows_one) == (50, sandbox.bills, True, 50)
    assert (two.loaded, two.total, two.from_cache, rows_two) == (sandbox.bills, sandbox.bills, True, sandbox.bills)
    assert [r.bill.bill_id for r in store.view[:50]] == [r.bill.bill_id for r in newest]
    assert len(store.rows) == sandbox.bills


async def test_refresh_keeps_marks_filter_and_updates_in_place(tmp_path: Path, sandbox: SandboxConfig) -> None:
    path = tmp_path / "c.sqlite3"
    await fill_cache(path, sandbox)
    store = Store()
    with BillCache.open(path) as cache:
        state = cache.load_state()
        store.set_debts(state.debts)
        store.add_bills(state.bills)
        marked = [r.bill.bill_id for r in store.view[:3]]
        store.set_marks(marked)
        async with client_for(sandbox) as client:
            await load_with_cache(client, store, cache)
    assert store.marked == set(marked)
    assert len(store.rows) == sandbox.bills


async def test_statuses_come_from_the_api_not_the_cache(tmp_path: Path, sandbox: SandboxConfig) -> None:
    path = tmp_path / "c.sqlite3"
    first = await fill_cache(path, sandbox)
    unpaid = next(r for r in first.rows if r.debt is not None and r.debt.due_amount.ucents > 0)
    with BillCache.open(path) as cache:
        # a stale "last known" state: no debt at all
        cache.save_state(debts=[])
        store = Store()
        seen = record_progress(store)
        async with client_for(sandbox) as client:
            await load_with_cache(client, store, cache)
        assert cache.load_state().debts  # the fresh debts were saved again
    assert seen[0][0].from_cache
    row = store.row(unpaid.bill.bill_id)
    assert row is not None and row.debt == unpaid.debt


async def test_cold_start_equals_load_all(tmp_path: Path, sandbox: SandboxConfig) -> None:
    cached = await fill_cache(tmp_path / "c.sqlite3", sandbox)
    plain = Store()
    async with client_for(sandbox) as client:
        await load_all(client, plain)
    key = lambda r: r.bill.bill_id  # noqa: E731
    assert sorted(cached.rows, key=key) == sorted(plain.rows, key=key)
    assert cached.balance == plain.balance and cached.account == plain.account


# --- offline -------------------------------------------------------------------------------------------


async def test_offline_opens_from_the_cache(tmp_path: Path, sandbox: SandboxConfig) -> None:
    path = tmp_path / "c.sqlite3"
    first = await fill_cache(path, sandbox)
    store = Store()
    with BillCache.open(path) as cache:
        async with offline_client() as client:
            loaded = await load_with_cache(client, store, cache)
    assert loaded.offline and "cannot reach" in loaded.offline
    assert store.progress.offline and store.progress.from_cache and store.progress.done
    assert len(store.rows) == sandbox.bills
    assert store.account == first.account and store.balance == first.balance
    # the last known statuses are shown
    assert {r.bill.bill_id: r.status for r in store.rows} == {r.bill.bill_id: r.status for r in first.rows}


async def test_offline_with_nothing_cached_is_an_error(tmp_path: Path) -> None:
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        async with offline_client() as client:
            with pytest.raises(NetworkError):
                await load_with_cache(client, Store(), cache)
        assert cache.bill_count() == 0


async def test_a_failed_refresh_saves_nothing(tmp_path: Path, sandbox: SandboxConfig) -> None:
    failing = dataclasses.replace(sandbox, error_rate=1.0)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        client = make_client(demo_profile(), sandbox=failing, retries=0)
        async with client:
            with pytest.raises(Exception):  # noqa: B017 - whichever error the sandbox injects
                await load_with_cache(client, Store(), cache)
        assert cache.bill_count() == 0 and cache.newest_bill_date() is None


# --- damaged files -------------------------------------------------------------------------------------


def test_garbage_file_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(os.urandom(4096))
    with BillCache.open(path) as cache:
        assert cache.load_bills() == []
        cache.save_bills([make_bill(1)])
        notices = cache.take_notices()
    assert [n for n in notices if "rebuilt" in n] != []
    with BillCache.open(path) as cache:
        assert cache.load_bills() == [make_bill(1)] and cache.notices == []


def _version_1_record(fields: list[str]) -> str:
    return SEP.join(fields)


def _version_1_amount(money: Money) -> str:
    return f"{money.ucents}{MONEY_SEP}{money.currency}{MONEY_SEP}{money.value} {money.currency}"  # its text


def test_a_version_1_cache_is_upgraded_not_lost(tmp_path: Path) -> None:
    """The cache of the previous version (records as separated fields) opens with every bill, debt and mark."""
    path = tmp_path / "c.sqlite3"
    bills = [make_bill(n, f"{n}.25") for n in range(1, 30)]
    debts = [make_debt(bills[2], "3.25"), msgspec.structs.replace(make_debt(bills[5], "1.00"), due_date=bills[9].date)]
    with BillCache.open(path) as cache:
        cache.save_bills(bills)
        cache.save_state(debts=debts)
        cache.set_meta("seen_until", "2024-01-20T00:00:00+00:00")
    with sqlite3.connect(path) as db:  # as version 1 wrote them
        db.executemany("UPDATE bill SET record = ? WHERE bill_id = ?", [(_version_1_record([
            b.bill_id, b.category, b.date.isoformat(), str(b.order_id), _version_1_amount(b.price_with_tax),
            _version_1_amount(b.price_without_tax), _version_1_amount(b.tax), b.url, b.pdf_url, b.password,
        ]), b.bill_id) for b in bills])  # fmt: skip
        db.execute("DELETE FROM debt")
        db.executemany("INSERT INTO debt VALUES (?)", [(_version_1_record([
            str(d.debt_id), str(d.order_id), d.date.isoformat(), d.due_date.isoformat() if d.due_date else "",
            d.status, *(_version_1_amount(m) for m in (d.amount, d.due_amount, d.pending_amount, d.todo_amount,
                                                      d.unmatured_amount)),
        ]),) for d in debts])  # fmt: skip
        db.execute("PRAGMA user_version = 1")
    with BillCache.open(path) as cache:
        state = cache.load_state()
        assert cache.take_notices() == []
        assert sorted(state.bills, key=lambda b: b.bill_id) == bills and state.debts == debts
        assert cache.meta("seen_until") == "2024-01-20T00:00:00+00:00"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        db.execute("UPDATE bill SET record = 'garbage' WHERE bill_id = ?", (bills[0].bill_id,))
        db.execute("PRAGMA user_version = 1")
    with BillCache.open(path) as cache:  # a version 1 row that cannot be read: rebuilt, said so
        assert any("rebuilt" in n for n in cache.take_notices()) and cache.load_bills() == []


def test_a_version_2_cache_keeps_its_links_compact_once_upgraded(tmp_path: Path) -> None:
    """Version 2 recorded each bill's links whole: upgraded, they are kept as their base, the same links come
    back (and a bill whose links follow no pattern keeps them as they were)."""
    path = tmp_path / "c.sqlite3"
    base = "https://www.ovh.com/cgi-bin/order/facture"
    ovh = [make_bill(n) for n in range(1, 6)]
    ovh = [
        Bill.make(b.bill_id, b.category, b.date, b.order_id, b.price_with_tax, b.price_without_tax, b.tax,
                  f"{base}.cgi?reference={b.bill_id}&passwd=pw{n}", f"{base}.pdf?reference={b.bill_id}&passwd=pw{n}",
                  f"pw{n}")
        for n, b in enumerate(ovh)
    ]  # fmt: skip
    bills = [*ovh, make_bill(9)]
    with BillCache.open(path) as cache:
        cache.save_bills(bills)
    whole = {b.bill_id: msgspec.structs.replace(b, stored_url=b.url, stored_pdf_url=b.pdf_url) for b in bills}
    with sqlite3.connect(path) as db:  # as version 2 wrote them: the links as the API gave them
        db.executemany("UPDATE bill SET record = ? WHERE bill_id = ?", [
            (msgspec.json.encode(b), bill_id) for bill_id, b in whole.items()
        ])  # fmt: skip
        db.execute("PRAGMA user_version = 2")
    with BillCache.open(path) as cache:
        back = sorted(cache.load_bills(), key=lambda b: b.bill_id)
        assert cache.take_notices() == []
    assert back == bills and [(b.url, b.pdf_url) for b in back] == [(b.url, b.pdf_url) for b in bills]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        records = dict(db.execute("SELECT bill_id, CAST(record AS TEXT) FROM bill").fetchall())
    assert all("passwd" not in records[b.bill_id] for b in ovh) and "passwd=secret" in records[bills[-1].bill_id]


def test_other_schema_version_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(1)])
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with BillCache.open(path) as cache:
        assert any(f"schema version {SCHEMA_VERSION + 1}" in n for n in cache.take_notices())
        assert cache.load_bills() == []


def test_a_foreign_database_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE something (x)")
    with BillCache.open(path) as cache:
        assert cache.take_notices()
        cache.save_bills([make_bill(2)])
        assert cache.load_bills() == [make_bill(2)]


@pytest.mark.parametrize("record", ["garbage", f"a{SEP}b", 42])
def test_a_corrupt_row_rebuilds_the_cache(tmp_path: Path, record: Any) -> None:
    path = tmp_path / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(n) for n in range(5)])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE bill SET record = ? WHERE bill_id = ?", (record, make_bill(3).bill_id))
    with BillCache.open(path) as cache:
        assert cache.load_state().bills == []
        assert any("rebuilt" in n for n in cache.take_notices())
        assert cache.bill_count() == 0


async def test_a_damaged_cache_does_not_stop_the_start(tmp_path: Path, sandbox: SandboxConfig) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(2000))
    notices: list[str] = []
    store = Store()
    with BillCache.open(path) as cache:
        async with client_for(sandbox) as client:
            await load_with_cache(client, store, cache, on_notice=notices.append)
        assert cache.bill_count() == sandbox.bills
    assert len(store.rows) == sandbox.bills
    assert any("rebuilt" in n for n in notices)


def test_a_cache_locked_by_another_instance_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ovh_invoices_tui.data.cache.db.BUSY_TIMEOUT_S", 0.05)
    path = tmp_path / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(1)])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the other instance is writing
        try:
            cache.save_bills([make_bill(2)])  # not written, no error
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert cache.load_bills() == [make_bill(1)] and cache.notices == []


# --- permissions ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_new_cache_is_private(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "cache" / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(1)])
        assert file_mode(path.parent) == 0o700
        for name in path.parent.iterdir():
            assert file_mode(name) == 0o600, name
        assert cache.notices == []


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_loose_permissions_are_fixed_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    path = folder / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(1)])
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    with BillCache.open(path) as cache:
        notices = cache.take_notices()
        assert cache.load_bills() == [make_bill(1)]
    assert file_mode(folder) == 0o700 and file_mode(path) == 0o600
    assert len(notices) == 2 and all("readable by others" in n for n in notices)
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


# --- profiles, demo, clear -----------------------------------------------------------------------------


def test_paths_per_account(cache_dir: Path) -> None:
    work = Profile(name="work")
    assert cache_path(work) is None  # credentials never seen: no cache until /me names the account
    assert account_binding(work).path_for("ab123-ovh") == cache_dir / "ab123-ovh-ovh-eu.sqlite3"
    odd = account_binding(Profile(name="x", endpoint="http://[::1]:1/1.0")).path_for("../me")
    assert odd.parent == cache_dir and odd.name.startswith("me-http") and odd.suffix == ".sqlite3"
    assert safe_name("a/b") != safe_name("a_b")
    demo = demo_profile()
    seeded = dataclasses.replace(demo, sandbox_seed=7, sandbox_bills=1000)
    assert cache_path(demo) != cache_path(seeded)
    assert cache_path(seeded).name == "demo-seed7-1000.sqlite3"


def test_demo_today_is_pinned_by_the_cache(tmp_path: Path) -> None:
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        first = sandbox_now(cache)
    with BillCache.open(tmp_path / "c.sqlite3") as cache:
        assert sandbox_now(cache) == first


def _make_cache(profile: Profile) -> Path:
    """The cache of the account the profile reached (as after its first start)."""
    binding = account_binding(profile)
    path = binding.path_for(f"{profile.name}1-ovh")
    with BillCache.open(path) as cache:
        cache.save_bills([make_bill(1)])
    binding.remember(path)
    assert cache_path(profile) == path
    return path


def test_cache_clear_one_profile_then_all(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, home = _make_cache(Profile(name="work", application_key="w")), _make_cache(Profile(name="home"))
    demo = _make_cache(demo_profile())
    assert cli.main(["cache", "clear", "--profile", "work"]) == 0
    assert capsys.readouterr().out.strip() == f"removed {work}"
    assert not work.exists() and home.exists() and demo.exists()
    assert not list(cache_dir.glob("work1-ovh*"))
    assert cli.main(["cache", "clear", "--profile", "work"]) == 0
    assert "no cache to remove" in capsys.readouterr().out
    assert cli.main(["--demo", "cache", "clear"]) == 0
    assert not demo.exists() and home.exists()
    capsys.readouterr()
    assert cli.main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.strip() == f"removed {home}"
    assert list(cache_dir.iterdir()) == []


def test_clear_without_a_cache_folder(tmp_path: Path) -> None:
    assert clear_caches(directory=tmp_path / "missing") == []


# --- the app -------------------------------------------------------------------------------------------


async def _wait(predicate: Callable[[], bool], pilot: Any, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.05)


async def test_app_opens_offline_read_only_from_the_cache(tmp_path: Path, sandbox: SandboxConfig) -> None:
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings
    from tests.screen_text import screen_text

    path = tmp_path / "c.sqlite3"
    await fill_cache(path, sandbox)
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    with BillCache.open(path) as cache:
        app = OvhInvoicesApp(
            settings=settings, profile=demo_profile(), lang="en", cache=cache,
            client_factory=lambda profile, **kw: offline_client(),
        )  # fmt: skip
        async with app.run_test(size=(120, 40)) as pilot:
            await _wait(lambda: app.session.store.progress.done, pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session.readonly and app.session.store.progress.offline
            assert len(app.session.store.rows) == sandbox.bills
            text = screen_text(app)
            assert "OFFLINE" in text and "READ-ONLY" in text
            assert app.session.store.view[0].bill.bill_id in text


async def _start_app(path: Path, sandbox: SandboxConfig, tmp_path: Path) -> list[tuple[LoadProgress, int]]:
    """One start of the app on the cache at ``path``, then a refresh (r); returns the progress seen."""
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings

    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    with BillCache.open(path) as cache:
        app = OvhInvoicesApp(
            settings=settings, profile=demo_profile(), lang="en", cache=cache,
            client_factory=lambda profile, **kw: make_client(profile, sandbox=sandbox, **kw),
        )  # fmt: skip
        seen = record_progress(app.session.store)
        async with app.run_test(size=(120, 40)) as pilot:
            await _wait(lambda: app.session.store.progress.done, pilot)
            await app.workers.wait_for_complete()
            assert len(app.session.store.rows) == sandbox.bills and not app.session.readonly
            await pilot.press("r")  # the refresh goes through the cache too
            await app.workers.wait_for_complete()
            assert len(app.session.store.rows) == sandbox.bills and app.session.store.progress.done
    return seen


async def test_app_second_start_is_from_the_cache(tmp_path: Path, sandbox: SandboxConfig) -> None:
    path = tmp_path / "c.sqlite3"
    first = await _start_app(path, sandbox, tmp_path)
    second = await _start_app(path, sandbox, tmp_path)
    assert not first[0][0].from_cache
    assert second[0][0].from_cache and second[0][1] == sandbox.bills


async def test_opened_invoice_lines_are_cached_and_searchable_at_next_start(
    tmp_path: Path, sandbox: SandboxConfig
) -> None:
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings
    from ovh_invoices_tui.core.filters import BillFilter
    from ovh_invoices_tui.screens.detail import DetailScreen

    path = tmp_path / "c.sqlite3"
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    requests: list[RequestLog] = []

    def factory(profile: Any, **kw: Any) -> Any:
        log = kw.pop("on_request")
        return make_client(profile, sandbox=sandbox, on_request=lambda r: (requests.append(r), log(r)), **kw)

    async def open_first_invoice() -> tuple[str, str]:
        with BillCache.open(path) as cache:
            app = OvhInvoicesApp(
                settings=settings, profile=demo_profile(), lang="en", cache=cache, client_factory=factory
            )
            async with app.run_test(size=(120, 40)) as pilot:
                await _wait(lambda: app.session.store.progress.done, pilot)
                await app.workers.wait_for_complete()
                bill_id = app.session.store.view[0].bill.bill_id
                requests.clear()
                await pilot.press("enter")
                await _wait(lambda: isinstance(app.screen, DetailScreen) and app.screen.content is not None, pilot)
                service = app.screen.content.details[0].domain
                return bill_id, service

    bill_id, service = await open_first_invoice()
    assert any(r.path.endswith(f"/me/bill/{bill_id}/details") for r in requests)
    # second start: the lines come from the cache, and the service name finds the invoice before any opening
    with BillCache.open(path) as cache:
        app = OvhInvoicesApp(settings=settings, profile=demo_profile(), lang="en", cache=cache, client_factory=factory)
        async with app.run_test(size=(120, 40)) as pilot:
            await _wait(lambda: app.session.store.progress.done, pilot)
            await app.workers.wait_for_complete()
            app.session.store.set_filter(BillFilter(quick=service.upper()))
            assert bill_id in {row.bill.bill_id for row in app.session.store.view}
            requests.clear()
            await pilot.press("x")
            assert app.screen.query_one("BillTable").current_row.bill.bill_id == bill_id
            await pilot.press("enter")
            await _wait(lambda: isinstance(app.screen, DetailScreen) and app.screen.content is not None, pilot)
            assert not any("/details" in r.path for r in requests)
