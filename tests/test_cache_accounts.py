"""One account, one cache: a profile name pointed at another account never shows the first one's invoices.

The issue's scenario: the same ``ovh.conf``-style profile (``OVH_*`` variables) pointed at sandbox A, then at
sandbox B, then at A again — in the TUI and in the CLI, with two in-process sandboxes behind two endpoints.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import NetworkError
from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import Profile, Settings, load_settings, resolve_profile
from ovh_invoices_tui.data.cache.profile import cache_path, open_profile_cache
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.invoices import load_with_cache
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.accounts import account
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import Store
from tests.conftest import wait_loaded

NOW = datetime(2026, 6, 1, tzinfo=UTC)
A_URL, B_URL = "http://127.0.0.1:18081/1.0", "http://127.0.0.1:18082/1.0"


@dataclass
class Sandboxes:
    """In-process sandboxes behind their endpoints (as two ``sandbox serve`` would be); requests counted."""

    configs: dict[str, SandboxConfig]
    apps: dict[str, Any] = field(default_factory=dict)
    bill_pages: list[tuple[str, str]] = field(default_factory=list)  # (endpoint, date.from) of each bill listing
    me_calls: list[str] = field(default_factory=list)  # endpoint of each GET /me

    def __post_init__(self) -> None:
        self.apps = {url: create_app(config) for url, config in self.configs.items()}

    def transport(self, base_url: str) -> httpx.AsyncBaseTransport:
        inner = httpx.ASGITransport(app=self.apps[base_url])
        listings, me_calls = self.bill_pages, self.me_calls

        class Counted(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/me/bill"):
                    listings.append((base_url, request.url.params.get("date.from", "")))
                elif request.url.path.endswith("/me"):
                    me_calls.append(base_url)
                return await inner.handle_async_request(request)

        return Counted()

    async def bill_ids(self, base_url: str) -> set[str]:
        async with make_client(Profile(name="x", demo=True), sandbox=self.configs[base_url]) as client:
            return {bill.bill_id async for page in client.iter_bills() for bill in page.items}

    async def deposit_ids(self, base_url: str) -> set[str]:
        async with make_client(Profile(name="x", demo=True), sandbox=self.configs[base_url]) as client:
            return {d.deposit_id async for page in client.iter_deposits() for d in page.items}


@pytest.fixture
def sandboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandboxes]:
    """Two accounts: A (seed 1, 140 bills) and B (seed 2, 90 bills), each behind its endpoint URL."""
    from ovh_invoices_tui.data import clients as factory

    found = Sandboxes(
        {
            A_URL: SandboxConfig(bills=140, seed=1, now=NOW, base_url=A_URL),
            B_URL: SandboxConfig(bills=90, seed=2, now=NOW, base_url=B_URL),
        }
    )
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr("ovh_invoices_tui.locations.ovh_conf_paths", lambda: [tmp_path / "ovh.conf"])
    monkeypatch.setattr("ovh_invoices_tui.locations.cache_dir", lambda: tmp_path / "cache")
    monkeypatch.setenv("OVH_APPLICATION_KEY", credentials.APPLICATION_KEY)
    monkeypatch.setenv("OVH_APPLICATION_SECRET", credentials.APPLICATION_SECRET)
    monkeypatch.setenv("OVH_CONSUMER_KEY", credentials.CONSUMER_KEY)
    for name in ("CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"OVH_{name}", raising=False)
    real = factory.OvhClient

    def client(base_url: str, **kwargs: Any) -> OvhClient:
        if "transport" in kwargs:  # a demo profile's own in-process sandbox (the truth the test compares with)
            return real(base_url, **kwargs)
        return real(base_url, **{**kwargs, "transport": found.transport(base_url), "retry_base_delay": 0.001})

    monkeypatch.setattr(factory, "OvhClient", client)
    yield found


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> Profile:
    """``OVH_ENDPOINT=url``: the profile ``ovh.conf``, as every user of the variables has it."""
    monkeypatch.setenv("OVH_ENDPOINT", url)
    profile = resolve_profile(load_settings(None), None, demo=False)
    assert profile is not None and profile.name == "ovh.conf"
    return profile


async def open_tui(profile: Profile, tmp_path: Path) -> tuple[set[str], list[str], int]:
    """Start the TUI as ``run_app`` does; the invoices it shows, its notices, the rows first shown from the cache."""
    cache = open_profile_cache(profile)
    assert cache is not None
    notices: list[str] = []
    settings = Settings(path=tmp_path / "none.toml", download_dir=tmp_path)
    app = OvhInvoicesApp(settings=settings, profile=profile, client_factory=make_client, cache=cache, lang="en")
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
    first_from_cache: list[int] = []
    app.session.store.subscribe(
        lambda changes: (
            first_from_cache.append(len(app.session.store.rows))
            if app.session.store.progress.from_cache and not first_from_cache
            else None
        )
    )
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_loaded(app, pilot)
            shown = {row.bill.bill_id for row in app.session.store.view}
    finally:
        cache.close()
    return shown, notices, (first_from_cache or [0])[0]


async def export_payments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[set[str], str]:
    """``payments export`` as a user runs it (in a thread: the CLI starts its own event loop)."""
    target = tmp_path / "payments.csv"
    args = ["--lang", "en", "payments", "export", "--csv", str(target), "--dialect", "rfc4180", "--force"]
    assert await asyncio.to_thread(cli.main, args) == 0
    with target.open(encoding="utf-8") as handle:
        ids = {row[0] for row in list(csv.reader(handle))[1:]}
    return ids, capsys.readouterr().err


async def test_one_profile_pointed_at_two_accounts_shows_each_only_its_own(
    sandboxes: Sandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a_bills, b_bills = await sandboxes.bill_ids(A_URL), await sandboxes.bill_ids(B_URL)
    a_payments, b_payments = await sandboxes.deposit_ids(A_URL), await sandboxes.deposit_ids(B_URL)
    assert not a_bills & b_bills or a_bills != b_bills

    profile_a = point_at(monkeypatch, A_URL)
    shown, _, _ = await open_tui(profile_a, tmp_path)
    assert shown == a_bills
    assert sandboxes.me_calls == [A_URL]  # one /me binds the cache and names the account
    assert (await export_payments(tmp_path, capsys))[0] == a_payments

    profile_b = point_at(monkeypatch, B_URL)  # the same ./ovh.conf, now at another account
    sandboxes.me_calls.clear()
    shown, notices, from_cache = await open_tui(profile_b, tmp_path)
    assert sandboxes.me_calls == [B_URL]
    assert shown == b_bills  # none of A's, all of B's
    assert from_cache == 0  # nothing cached was shown before /me named the account
    assert len([n for n in notices if "now reach account" in n]) == 1  # said once
    exported, err = await export_payments(tmp_path, capsys)
    assert exported == b_payments
    assert "now reach account" not in err  # the CLI's cache was bound by the TUI's start already

    sandboxes.bill_pages.clear()
    sandboxes.me_calls.clear()
    shown, notices, from_cache = await open_tui(point_at(monkeypatch, A_URL), tmp_path)  # A comes back
    assert shown == a_bills and from_cache > 0  # its cache was kept: shown at once
    assert sandboxes.me_calls == [A_URL]  # the check of the cache's account and the refresh share it
    assert sandboxes.bill_pages and all(since for _, since in sandboxes.bill_pages)  # only bills newer than cached
    assert (await export_payments(tmp_path, capsys))[0] == a_payments
    assert cache_path(profile_a) != cache_path(profile_b)


async def test_credentials_never_seen_list_the_bills_while_me_names_the_account(
    sandboxes: Sandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start does not wait for /me before listing: /me is answered only once the listing has begun."""
    listing_started = asyncio.Event()
    counted = sandboxes.transport

    def transport(base_url: str) -> httpx.AsyncBaseTransport:
        inner = counted(base_url)

        class MeAfterTheListing(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/me/bill"):
                    listing_started.set()
                elif request.url.path.endswith("/me"):
                    await asyncio.wait_for(listing_started.wait(), 5)
                return await inner.handle_async_request(request)

        return MeAfterTheListing()

    monkeypatch.setattr(sandboxes, "transport", transport)
    profile = point_at(monkeypatch, A_URL)
    shown, notices, from_cache = await open_tui(profile, tmp_path)
    assert shown == await sandboxes.bill_ids(A_URL) and from_cache == 0 and notices == []
    cache = open_profile_cache(profile)  # bound to the account /me named, and holding its bills
    assert cache is not None and cache.bound and cache.path == cache_path(profile)
    assert cache.bill_count() == len(shown)
    cache.close()


async def test_the_cli_says_once_when_the_profile_reaches_another_account(
    sandboxes: Sandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    point_at(monkeypatch, A_URL)
    assert (await export_payments(tmp_path, capsys))[0] == await sandboxes.deposit_ids(A_URL)
    point_at(monkeypatch, B_URL)
    exported, err = await export_payments(tmp_path, capsys)
    assert exported == await sandboxes.deposit_ids(B_URL)
    assert len([line for line in err.splitlines() if "now reach account" in line]) == 1
    assert "now reach account" not in (await export_payments(tmp_path, capsys))[1]  # once


async def test_same_credentials_another_nichandle_switches_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm start opens the cache these credentials reached last; /me names another account: switch, say so."""
    monkeypatch.setattr("ovh_invoices_tui.locations.cache_dir", lambda: tmp_path / "cache")
    profile = Profile(name="ovh.conf", endpoint="ovh-eu", application_key="k", application_secret="s", consumer_key="c")
    # two sandboxes, one account each, that the same credentials reach (account 0's): two nichandles
    first = SandboxConfig(now=NOW, accounts=(replace(account(0, seed=3, bills=60), nichandle="aa111-ovh"),))
    other = SandboxConfig(now=NOW, accounts=(replace(account(0, seed=4, bills=40), nichandle="bb222-ovh"),))

    async def start(config: SandboxConfig) -> tuple[Store, list[str], list[int]]:
        store, notices, sizes = Store(), [], []
        store.subscribe(lambda changes: sizes.append(len(store.rows)))
        cache = open_profile_cache(profile)
        assert cache is not None
        with cache:
            async with make_client(profile, sandbox=config) as client:
                await load_with_cache(client, store, cache, on_notice=notices.append)
        return store, notices, sizes

    await start(first)
    store, notices, sizes = await start(other)
    assert {row.bill.bill_id for row in store.rows} == {b.bill_id for b in (await _bills(other))}
    assert 60 in sizes  # the warm start did show the cache of these credentials …
    assert sizes[sizes.index(60) + 1] == 0  # … and dropped it as soon as /me named another account
    assert [n for n in notices if "bb222-ovh" in n and "aa111-ovh" in n]
    store, notices, _ = await start(first)  # back: its cache is intact
    assert len(store.rows) == 60 and [n for n in notices if "aa111-ovh" in n]


async def test_offline_only_the_cache_of_these_credentials_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ovh_invoices_tui.locations.cache_dir", lambda: tmp_path / "cache")
    known = Profile(name="ovh.conf", endpoint="ovh-eu", application_key="k", application_secret="s", consumer_key="c")
    stranger = Profile(
        name="ovh.conf", endpoint="ovh-eu", application_key="k", application_secret="s", consumer_key="d"
    )
    cache = open_profile_cache(known)
    assert cache is not None
    with cache:
        async with make_client(known, sandbox=SandboxConfig(bills=30, seed=5, now=NOW)) as client:
            await load_with_cache(client, Store(), cache)
    from tests.test_cache import offline_client

    for profile, rows in ((known, 30), (stranger, None)):
        store = Store()
        cache = open_profile_cache(profile)
        assert cache is not None
        with cache:
            if rows is None:
                with pytest.raises(NetworkError):
                    await load_with_cache(offline_client(), store, cache)
                assert store.rows == []
            else:
                await load_with_cache(offline_client(), store, cache)
                assert len(store.rows) == rows and store.progress.offline


async def _bills(config: SandboxConfig) -> list[Any]:
    async with make_client(Profile(name="x", demo=True), sandbox=config) as client:
        return [bill async for page in client.iter_bills() for bill in page.items]
