"""The command line: main([...]) with the in-process sandbox, outputs, errors and exit codes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import load_settings
from ovh_invoices_tui.data import clients as factory
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig


def demo_toml(config: Path, bills: int = 60) -> None:
    config.write_text(f"default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = {bills}\n")


def test_bills_list_json_has_every_bill(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo_toml(isolated, bills=60)
    assert cli.main(["bills", "list", "--format", "json"]) == 0
    bills = json.loads(capsys.readouterr().out)
    assert len(bills) == 60
    first = bills[0]
    assert set(first) == {
        "billId", "orderId", "date", "priceWithoutTax", "priceWithTax", "tax", "currency", "status", "balance",
    }  # fmt: skip
    assert isinstance(first["priceWithTax"], str) and "." in first["priceWithTax"]
    assert not any("url" in key.lower() or "password" in key for key in first)
    paid = [b for b in bills if b["status"] == "PAID"]
    assert paid and all(b["balance"] == "0.00" for b in paid)


def test_demo_flag_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "bills", "list", "--format", "json", "--status", "unpaid"]) == 0
    unpaid = json.loads(capsys.readouterr().out)
    assert unpaid and all(b["status"] != "PAID" for b in unpaid)
    ref = unpaid[0]["billId"]
    assert cli.main(["bills", "list", "--demo", "--format", "json", "--ref", ref[-5:].lower()]) == 0
    assert [b["billId"] for b in json.loads(capsys.readouterr().out)] == [ref]
    order = unpaid[0]["orderId"]
    assert cli.main(["--demo", "bills", "list", "--format", "csv", "--order", str(order)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("billId,orderId,date") and len(lines) == 2
    assert cli.main(["--demo", "bills", "list", "--format", "json", "--from", "2099-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_table_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "--lang", "en", "bills", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["Reference", "Order"]
    assert "€" in out
    assert cli.main(["--demo", "--lang", "fr", "balance"]) == 0
    assert "Solde dû" in capsys.readouterr().out
    assert cli.main(["--demo", "payments", "list", "--format", "json"]) == 0
    deposits = json.loads(capsys.readouterr().out)
    assert deposits and {"depositId", "amount", "paymentType"} <= set(deposits[0])


def test_bills_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "bills", "list", "--format", "json"]) == 0
    ref = json.loads(capsys.readouterr().out)[0]["billId"]
    assert cli.main(["--demo", "bills", "show", ref, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["billId"] == ref and shown["details"]
    assert cli.main(["--demo", "--lang", "en", "bills", "show", ref]) == 0
    assert ref in capsys.readouterr().out


def test_unknown_bill_is_api_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "bills", "show", "FR00000000"]) == 4
    err = capsys.readouterr().err
    assert "HTTP 404" in err and "query id" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_verbose_logs_requests(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "--verbose", "balance", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "GET /me/debtAccount 200" in err and "EU." in err
    assert credentials.APPLICATION_SECRET not in err and credentials.CONSUMER_KEY not in err


def test_not_configured(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bills", "list"]) == 3
    err = capsys.readouterr().err
    assert "ovh-invoices login" in err and "--demo" in err


def test_tui_without_credentials_and_no_tty(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli.main([]) == 3
    assert "ovh-invoices login" in capsys.readouterr().err


def test_tui_launch_passes_settings(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    demo_toml(isolated)
    seen: dict[str, Any] = {}

    def fake_run_app(**kwargs: Any) -> int:
        seen.update(kwargs)
        return 0

    import types

    launch = types.SimpleNamespace(run_app=fake_run_app)
    monkeypatch.setitem(__import__("sys").modules, "ovh_invoices_tui.launch", launch)
    assert cli.main(["--readonly", "--lang", "fr", "--no-cache"]) == 0
    assert seen["profile"].name == "play" and seen["readonly"] is True
    assert seen["lang"] == "fr" and seen["use_cache"] is False


def test_usage_errors() -> None:
    assert cli.main(["bills", "frobnicate"]) == 2
    assert cli.main(["bills", "list", "--status", "maybe"]) == 2
    assert cli.main(["bills", "list", "--from", "yesterday"]) == 2


def test_invalid_config_is_one_line(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    isolated.write_text("readonly = 'sure'\n")
    assert cli.main(["--demo", "balance"]) == 7
    err = capsys.readouterr().err
    assert str(isolated) in err and "readonly" in err and "Traceback" not in err


def _sandbox_behind_url(monkeypatch: pytest.MonkeyPatch, **config: Any) -> None:
    """Route the factory's clients to an in-process sandbox served as http://sandbox.test/1.0."""
    app = create_app(SandboxConfig(base_url="http://sandbox.test/1.0", bills=5, **config))
    real = factory.OvhClient

    def client(*args: Any, **kwargs: Any) -> Any:
        kwargs["transport"] = httpx.ASGITransport(app=app)
        kwargs.setdefault("retry_base_delay", 0.001)
        return real(*args, **kwargs)

    monkeypatch.setattr(factory, "OvhClient", client)


def test_wrong_application_secret(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _sandbox_behind_url(monkeypatch)
    isolated.write_text(
        "[profiles.bad]\nendpoint = 'http://sandbox.test/1.0'\n"
        f"application_key = '{credentials.APPLICATION_KEY}'\napplication_secret = 'not-the-secret'\n"
        f"consumer_key = '{credentials.CONSUMER_KEY}'\n"
    )
    assert cli.main(["--profile", "bad", "bills", "list"]) == 3
    err = capsys.readouterr().err
    assert "Invalid signature" in err and "HTTP 400" in err and "query id" in err
    assert "Traceback" not in err and "not-the-secret" not in err and credentials.CONSUMER_KEY not in err


def test_unknown_consumer_key_exit_code(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _sandbox_behind_url(monkeypatch)
    isolated.write_text(
        "[profiles.ro]\nendpoint = 'http://sandbox.test/1.0'\n"
        f"application_key = '{credentials.APPLICATION_KEY}'\n"
        f"application_secret = '{credentials.APPLICATION_SECRET}'\nconsumer_key = 'unknown-consumer-key'\n"
    )
    assert cli.main(["--profile", "ro", "balance"]) == 3
    assert "credential" in capsys.readouterr().err


def test_network_error_exit_code(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = factory.OvhClient

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def client(*args: Any, **kwargs: Any) -> Any:
        return real(*args, transport=httpx.MockTransport(handler), retry_base_delay=0.001, **kwargs)

    monkeypatch.setattr(factory, "OvhClient", client)
    isolated.write_text("[profiles.p]\napplication_key = 'a'\napplication_secret = 'b'\nconsumer_key = 'c'\n")
    assert cli.main(["--profile", "p", "balance"]) == 5
    assert "cannot reach eu.api.ovh.com" in capsys.readouterr().err


def test_login_demo_saves_profile(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "login", "--profile", "mine", "--readonly", "--poll-interval", "0"]) == 0
    out = capsys.readouterr().out
    assert "credentialToken=" in out and "Saved profile 'mine'" in out
    settings = load_settings(isolated)
    assert settings.default_profile == "mine"
    assert settings.profiles["mine"].readonly and settings.profiles["mine"].consumer_key
    assert oct(isolated.stat().st_mode & 0o777) == "0o600"


def test_login_without_application_key(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert cli.main(["login", "--endpoint", "ovh-ca"]) == 2
    assert "https://ca.api.ovh.com/createApp/" in capsys.readouterr().err


def test_sandbox_serve_builds_config(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(
        "ovh_invoices_tui.sandbox.server.serve", lambda host, port, config: seen.update(host=host, port=port, c=config)
    )
    args = ["sandbox", "serve", "--port", "9999", "--bills", "12", "--no-iceberg", "--latency-ms", "5"]
    assert cli.main(args) == 0
    assert seen["port"] == 9999 and seen["c"].bills == 12 and seen["c"].iceberg is False
    assert seen["c"].latency_ms == 5


@pytest.mark.parametrize(("command", "key"), [("bills", "billId"), ("payments", "depositId")])
def test_a_day_is_the_day_the_list_shows_even_near_midnight(
    command: str, key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--from D --to D`` lists what is dated D in its own offset: 1 June at 00:55 in Paris (31 May, 22:55 UTC)."""
    from datetime import UTC, datetime

    fixed = factory.sandbox_config_for
    monkeypatch.setattr(
        factory, "sandbox_config_for", lambda profile: replace(fixed(profile), now=datetime(2026, 12, 1, tzinfo=UTC))
    )
    assert cli.main(["--demo", command, "list", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    utc_day = {item[key]: datetime.fromisoformat(item["date"]).astimezone(UTC).date().isoformat() for item in every}
    near_midnight = [item for item in every if utc_day[item[key]] != item["date"][:10]]
    assert near_midnight  # the demo account has some (Paris is ahead of UTC)
    for item in near_midnight:
        day = item["date"][:10]
        assert cli.main(["--demo", command, "list", "--format", "json", "--from", day, "--to", day]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert item[key] in {other[key] for other in listed}
        assert {other["date"][:10] for other in listed} == {day}


class OneHostileBill(httpx.AsyncBaseTransport):
    """The demo sandbox, the first bill of each listing page unreadable (its date), with escapes in its id and date."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path != "/1.0/me/bill" or "X-Pagination-Mode" not in request.headers:
            return response
        data = json.loads(await response.aread())
        data[0]["billId"] = "FR\x1b]0;pwned\x07\x1b[31m1"  # named in the warning
        data[0]["date"] = "\x1b[31mnot a date"
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=json.dumps(data).encode())


@pytest.mark.parametrize("command", [["bills", "list"], ["insights"], ["bills", "export", "--csv", "-"]])
def test_an_unreadable_invoice_is_named_without_its_escapes(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = factory.OvhClient

    def client(*args: Any, **kwargs: Any) -> Any:
        kwargs["transport"] = OneHostileBill(kwargs["transport"])  # the demo's in-process sandbox
        return real(*args, **kwargs)

    monkeypatch.setattr(factory, "OvhClient", client)
    cli.main(["--demo", *command])
    err = capsys.readouterr().err
    assert "skipped an unreadable invoice" in err and "not a date" in err, err
    assert "\x1b" not in err and "\x07" not in err
