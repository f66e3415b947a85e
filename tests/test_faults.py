"""Loads and exports under injected faults (429/500/502/503, dropped connections, latency), expiring OAuth2
tokens, a skewed server clock and a dead network.

Every scenario records how many faults the sandbox injected (``app.state.sandbox.faults``); run with ``-s``
to see the counts (the closing note of the hardening issue quotes them).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.cli.core import EXIT_NETWORK
from ovh_invoices_tui.data import clients as factory
from ovh_invoices_tui.data.invoices import load_all
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.sandbox.state import SandboxState
from ovh_invoices_tui.state.invoices import Store
from tests.conftest import wait_loaded
from tests.screen_text import screen_text

FAST_RETRIES: dict[str, Any] = {"retries": 10, "retry_base_delay": 0.001, "retry_max_delay": 0.005}
FAULTY = SandboxConfig(bills=3000, seed=11, error_rate=0.2, jitter_ms=1, retry_after_s=0,
                       base_url=credentials.INPROCESS_BASE_URL)  # fmt: skip
INJECTED: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    print("\n--- faults injected per scenario ---")
    for scenario, summary in INJECTED.items():
        print(f"{scenario}: {summary}")


def record(scenario: str, *faults: list[str]) -> int:
    counts: Counter[str] = Counter()
    for found in faults:
        counts.update(found)
    total = sum(counts.values())
    INJECTED[scenario] = f"{total} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})"
    return total


def sandbox_client(config: SandboxConfig, **options: Any) -> tuple[OvhClient, SandboxState]:
    app = create_app(config)
    client = OvhClient(
        config.base_url,
        application_key=credentials.APPLICATION_KEY,
        application_secret=credentials.APPLICATION_SECRET,
        consumer_key=credentials.CONSUMER_KEY,
        transport=httpx.ASGITransport(app=app),
        **{**FAST_RETRIES, **options},
    )
    return client, app.state.sandbox


# --- a full load ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("iceberg", [True, False], ids=["iceberg", "one-by-one"])
async def test_full_load_under_faults_has_every_bill_exactly_once(iceberg: bool) -> None:
    config = SandboxConfig(**{**FAULTY.__dict__, "iceberg": iceberg})
    client, state = sandbox_client(config, use_iceberg=iceberg, max_in_flight=16)
    rounds = 10 if iceberg else 1  # an iceberg load is a handful of requests: repeat it to meet faults
    expected = {bill.bill_id for bill in state.data.bills}
    assert len(expected) == 3000
    async with client:
        for _ in range(rounds):
            seen: Counter[str] = Counter()
            async for page in client.iter_bills():
                assert page.errors == []
                seen.update(bill.bill_id for bill in page.items)
            assert set(seen) == expected and max(seen.values()) == 1  # every bill, exactly once
        store = Store()
        await load_all(client, store)
    assert {row.bill.bill_id for row in store.rows} == expected and len(store.rows) == 3000
    assert store.progress.done and store.progress.error is None and store.load_errors == []
    assert store.balance is not None and store.account is not None
    label = f"full load of 3000 bills, iceberg {'on' if iceberg else 'off'}, {rounds + 1} loads"
    assert record(label, state.faults) > 0


# --- exports -------------------------------------------------------------------------------------------


class FaultyDocuments(httpx.AsyncBaseTransport):
    """The sandbox's transport, with faults on the document URLs too (the sandbox injects them on the API only)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, rate: float, seed: int = 3) -> None:
        self.inner = inner
        self.rate = rate
        self.rng = random.Random(seed)
        self.faults: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/cgi-bin/") and self.rng.random() < self.rate:
            fault = self.rng.choice(["503", "html", "drop"])
            self.faults.append(f"document {fault}")
            if fault == "drop":
                raise httpx.RemoteProtocolError("dropped (test fault)", request=request)
            if fault == "503":
                return httpx.Response(503, content=b"<html>busy</html>", headers={"Retry-After": "0"})
            return httpx.Response(200, content=b"<html><body>Too many requests!!!</body></html>")
        return await self.inner.handle_async_request(request)


@pytest.fixture
def faulty_cli(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``--demo`` CLI runs on a faulty sandbox; ``seen`` collects each run's sandbox state and document faults."""
    seen: dict[str, Any] = {"states": [], "documents": [], "config": FAULTY, "options": dict(FAST_RETRIES)}

    def make(profile: Any, *, on_request: Any = None, **options: Any) -> OvhClient:
        app = create_app(seen["config"])
        transport = FaultyDocuments(httpx.ASGITransport(app=app), rate=seen["config"].error_rate)
        seen["states"].append(app.state.sandbox)
        seen["documents"].append(transport.faults)
        return OvhClient(
            credentials.INPROCESS_BASE_URL, application_key=credentials.APPLICATION_KEY,
            application_secret=credentials.APPLICATION_SECRET, consumer_key=credentials.CONSUMER_KEY,
            transport=transport, on_request=on_request, **{**options, **seen["options"]},
        )  # fmt: skip

    monkeypatch.setattr(factory, "make_client", make)
    return seen


def test_csv_export_of_every_bill_under_faults(faulty_cli: dict[str, Any], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    target = tmp_path / "all.csv"
    assert cli.main(["--demo", "--lang", "en", "bills", "export", "--csv", str(target)]) == 0
    (state,) = faulty_cli["states"]
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3001
    assert {line.split(",")[0] for line in lines[1:]} == {b.bill_id for b in state.data.bills}
    assert record("CSV export of 3000 bills", state.faults) > 0


def test_bundle_of_30_pdfs_under_faults(faulty_cli: dict[str, Any], tmp_path: Path) -> None:
    faulty_cli["config"] = SandboxConfig(**{**FAULTY.__dict__, "bills": 200})
    ids = [b.bill_id for b in create_app(faulty_cli["config"]).state.sandbox.data.bills[:30]]
    target = tmp_path / "bundle.pdf"
    args = ["--demo", "bills", "export", "--pdf", str(target), "--with-invoices", "--ids", ",".join(ids),
            "--on-failure", "stop"]  # fmt: skip
    assert cli.main(args) == 0
    from pypdf import PdfReader

    assert len(PdfReader(target).outline) == 31  # the summary, then each of the 30 invoices
    assert record("PDF bundle of 30 invoices", faulty_cli["states"][0].faults, faulty_cli["documents"][0]) > 0


def test_exports_that_cannot_finish_leave_no_file(faulty_cli: dict[str, Any], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    faulty_cli["config"] = SandboxConfig(**{**FAULTY.__dict__, "bills": 200, "error_rate": 0.5})
    faulty_cli["options"] = {"retries": 0, "retry_base_delay": 0.001}
    for args in (["--csv", str(tmp_path / "a.csv")], ["--pdf", str(tmp_path / "b.pdf"), "--with-invoices",
                                                       "--on-failure", "stop"]):  # fmt: skip
        code = cli.main(["--demo", "bills", "export", *args])
        assert code != 0
        err = capsys.readouterr().err
        assert err.startswith("ovh-invoices: error:") and "Traceback" not in err
    assert list(tmp_path.glob("*.csv")) == [] and list(tmp_path.glob("*.pdf")) == []
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".part")] == []
    faults = [f for s in faulty_cli["states"] for f in s.faults]
    assert record("exports with retries off, error rate 0.5 (must fail cleanly)", faults,
                  *faulty_cli["documents"]) > 0  # fmt: skip


# --- OAuth2, clock -------------------------------------------------------------------------------------


async def test_oauth2_token_expiring_mid_session_is_renewed() -> None:
    config = SandboxConfig(bills=50, seed=5, token_ttl_s=1, error_rate=0.3, retry_after_s=0,
                           base_url=credentials.INPROCESS_BASE_URL)  # fmt: skip
    app = create_app(config)
    state: SandboxState = app.state.sandbox
    client = OvhClient(
        config.base_url, client_id=credentials.CLIENT_ID, client_secret=credentials.CLIENT_SECRET,
        token_url=config.origin + credentials.TOKEN_PATH, transport=httpx.ASGITransport(app=app), **FAST_RETRIES,
    )  # fmt: skip
    oauth2 = client.session._oauth2
    assert oauth2 is not None
    # The client believes its tokens live an hour longer than they do: the server's 401 must renew it.
    oauth2._renew_margin = -3600.0
    async with client:
        first = [b.bill_id async for page in client.iter_bills() for b in page.items]
        await asyncio.sleep(1.2)  # the token expires on the server
        second = [b.bill_id async for page in client.iter_bills() for b in page.items]
        oauth2._renew_margin = 60.0  # the normal margin: renewed before each expiry, no 401 needed
        await asyncio.sleep(1.2)
        third = [b.bill_id async for page in client.iter_bills() for b in page.items]
    assert len(first) == 50 and sorted(first) == sorted(second) == sorted(third)
    assert len(state.auth.tokens) >= 3
    assert any(status == 401 for _, _, status, _ in state.request_log)  # it did expire under the client's feet
    record("OAuth2 token ttl 1 s, error rate 0.3", state.faults)


async def test_a_server_clock_ten_minutes_ahead_is_corrected() -> None:
    config = SandboxConfig(**{**FAULTY.__dict__, "bills": 100, "clock_skew_s": 600, "iceberg": False})
    client, state = sandbox_client(config, use_iceberg=False)
    async with client:
        store = Store()
        await load_all(client, store)
        delta = client.session.time_delta
    assert len(store.rows) == 100 and store.progress.error is None
    assert delta is not None and abs(delta - 600) <= 2
    assert record("clock skew 600 s, error rate 0.2", state.faults) > 0


# --- no network ----------------------------------------------------------------------------------------


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)


def test_cli_says_the_network_is_down(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[float] = []

    def make(profile: Any, *, on_request: Any = None, **options: Any) -> OvhClient:
        def down(request: httpx.Request) -> httpx.Response:
            calls.append(time.monotonic())
            return _no_network(request)

        return OvhClient("https://eu.api.ovh.com/1.0", application_key="k", application_secret="s",
                         consumer_key="c", transport=httpx.MockTransport(down), **FAST_RETRIES)  # fmt: skip

    monkeypatch.setattr(factory, "make_client", make)
    for args in (["bills", "list"], ["balance"], ["--debug", "bills", "list"]):
        assert cli.main(["--demo", *args]) == EXIT_NETWORK
        err = capsys.readouterr().err.strip().splitlines()
        last = err[-1]
        assert last == "ovh-invoices: error: cannot reach eu.api.ovh.com (ConnectError)", last
        if "--debug" not in args:
            assert len(err) == 1  # one line, no traceback
    assert len(calls) >= 11  # retried (1 + 10) before giving up


async def test_app_says_the_network_is_down(make_app: Any) -> None:
    def factory_down(profile: Any, **options: Any) -> OvhClient:
        return OvhClient("https://eu.api.ovh.com/1.0", application_key="k", application_secret="s", consumer_key="c",
                         transport=httpx.MockTransport(_no_network), **{**options, **FAST_RETRIES})  # fmt: skip

    app = make_app()
    app.client_factory = factory_down
    app.session.client = app._make_client(app.profile)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        assert app.session.store.progress.error == "cannot reach eu.api.ovh.com (ConnectError)"
        notices = [(n.message, n.severity) for n in app._notifications]
        assert any("cannot reach eu.api.ovh.com" in m and s == "error" for m, s in notices), notices
        # the empty table says why, and what is due is unknown — never "nothing to pay"
        assert "Could not load the invoices" in screen_text(app) and "press r to retry" in screen_text(app)
        await pilot.press("dollar_sign")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("could not be read" in m for m in messages), messages
        assert not any("Nothing to pay" in m for m in messages), messages
    record("network down (app and CLI)", [])


async def test_one_by_one_load_survives_faults_with_the_default_retry_budget() -> None:
    """20,000 GETs at 20 % errors exhaust a 4-retry budget a few times: those objects are fetched again."""
    config = SandboxConfig(**{**FAULTY.__dict__, "iceberg": False, "bills": 4000})
    client, state = sandbox_client(config, use_iceberg=False, max_in_flight=16, retries=4)
    expected = {bill.bill_id for bill in state.data.bills}
    seen: Counter[str] = Counter()
    async with client:
        async for page in client.iter_bills():
            seen.update(bill.bill_id for bill in page.items)
    assert set(seen) == expected and max(seen.values()) == 1
    record("one-by-one load, 4,000 bills, default retry budget", state.faults)
