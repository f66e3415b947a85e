"""``accounts``, ``balance --fail-if-due`` and ``bills list --new``: what a script or a monitoring check gets."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.cli.accounts import EXIT_DUE, EXIT_UNREADABLE, exit_status
from ovh_invoices_tui.core.accounts import AccountState, AccountSummary, Problem


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config of our own; no user config, cache, ovh.conf nor OVH_* variables."""
    config = tmp_path / "config.toml"
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.chdir(tmp_path)
    for name in ("ENDPOINT", "APPLICATION_KEY", "APPLICATION_SECRET", "CONSUMER_KEY", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"OVH_{name}", raising=False)
    monkeypatch.setattr("ovh_invoices_tui.locations.ovh_conf_paths", lambda: [tmp_path / "ovh.conf"])
    return config


def write_config(config: Path, *, unreachable: bool = False) -> None:
    text = (
        "default_profile = 'main'\n"
        "[profiles.main]\ndemo = true\nsandbox_bills = 80\nsandbox_seed = 1\n"
        "[profiles.subsidiary]\ndemo = true\nsandbox_bills = 40\nsandbox_seed = 2\nreadonly = true\n"
    )
    if unreachable:
        text += (
            "[profiles.client]\nendpoint = 'http://127.0.0.1:9/1.0'\napplication_key = 'k'\n"
            "application_secret = 's'\nconsumer_key = 'c'\n"
        )
    config.write_text(text)
    config.chmod(0o600)


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    status = cli.main([*args, "--format", "json"])
    return status, json.loads(capsys.readouterr().out)


def test_accounts_lists_every_profile_with_the_figures_of_each(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home)
    status, overview = run_json(["accounts"], capsys)
    assert status == 0
    rows = {row["profile"]: row for row in overview["accounts"]}
    assert list(rows) == ["main", "subsidiary"]
    assert rows["subsidiary"]["readonly"] is True
    for profile in ("main", "subsidiary"):
        _, balance = run_json(["--profile", profile, "balance"], capsys)
        assert rows[profile]["due"] == balance["dueAmount"]  # the same figure as the account's own balance
        _, bills = run_json(["--profile", profile, "bills", "list", "--status", "unpaid"], capsys)
        with_balance = [b for b in bills if b["balance"] != "0.00"]
        assert rows[profile]["invoicesWithBalance"] == len(with_balance)
        newest = max(b["date"] for b in run_json(["--profile", profile, "bills", "list"], capsys)[1])
        assert rows[profile]["lastInvoice"] == newest
        assert rows[profile]["problem"] is None and rows[profile]["fromCache"] is False
    overdue = rows["main"]
    if overdue["oldestOverdueBillId"]:
        assert overdue["oldestOverdueDays"] > 0 and overdue["overdueInvoices"] >= 1


def test_fail_if_due_statuses_and_an_unreadable_account(
    home: Path, capsys: pytest.CaptureFixture[str], no_backoff: None
) -> None:
    write_config(home)
    status, overview = run_json(["accounts", "--fail-if-due"], capsys)
    assert status == EXIT_DUE and any(row["due"] != "0.00" for row in overview["accounts"])
    assert cli.main(["--profile", "main", "balance", "--fail-if-due"]) == EXIT_DUE
    capsys.readouterr()
    write_config(home, unreachable=True)
    status, overview = run_json(["accounts", "--fail-if-due"], capsys)
    assert status == EXIT_UNREADABLE
    client = next(row for row in overview["accounts"] if row["profile"] == "client")
    assert client["problemKind"] == "network" and client["due"] is None
    others = [row for row in overview["accounts"] if row["profile"] != "client"]
    assert all(row["due"] is not None for row in others)  # a failing account never blocks the others
    status = cli.main(["--profile", "client", "balance", "--fail-if-due"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == EXIT_UNREADABLE and len(err) == 1


def test_exit_status_rules() -> None:
    paid = AccountState("a", "ovh-eu", summary=AccountSummary(nichandle="a", due_ucents=0))
    due = AccountState("b", "ovh-eu", summary=AccountSummary(nichandle="b", due_ucents=1))
    broken = AccountState("c", "ovh-eu", problem=Problem("credentials", "credentials rejected"))
    assert exit_status([paid]) == 0
    assert exit_status([paid, due]) == EXIT_DUE
    assert exit_status([paid, due, broken]) == EXIT_UNREADABLE


def test_cached_overview_makes_no_request_and_repeats_the_last_figures(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home)
    _, fresh = run_json(["accounts"], capsys)
    _, cached = run_json(["accounts", "--cached"], capsys)
    for before, after in zip(fresh["accounts"], cached["accounts"], strict=True):
        assert after["fromCache"] is True
        assert {k: v for k, v in after.items() if k != "fromCache"} == {
            k: v for k, v in before.items() if k != "fromCache"
        }


def test_bills_new_since_the_last_visit_and_mark_seen(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime

    from ovh_invoices_tui.config import load_settings, resolve_profile
    from ovh_invoices_tui.data.accounts import mark_seen, seen_marks
    from ovh_invoices_tui.data.cache.profile import open_profile_cache

    write_config(home)
    _, every = run_json(["bills", "list"], capsys)
    _, new = run_json(["bills", "list", "--new"], capsys)
    assert new == []  # never visited: nothing counts as new
    profile = resolve_profile(load_settings(), "main")
    assert profile is not None
    cache = open_profile_cache(profile)
    assert cache is not None
    newest = max(datetime.fromisoformat(b["date"]) for b in every)
    mark_seen(cache, newest - timedelta(days=20), None)  # as if the last visit was 20 days before the newest
    cache.close()
    _, new = run_json(["bills", "list", "--new"], capsys)
    expected = [b["billId"] for b in every if datetime.fromisoformat(b["date"]) > newest - timedelta(days=20)]
    assert [b["billId"] for b in new] == expected and expected
    _, again = run_json(["bills", "list", "--new"], capsys)
    assert again == new  # --new alone marks nothing
    _, _marked = run_json(["bills", "list", "--new", "--mark-seen"], capsys)
    _, after = run_json(["bills", "list", "--new"], capsys)
    assert after == []
    cache = open_profile_cache(profile)
    assert cache is not None and seen_marks(cache)[0] == newest
    cache.close()


def test_overdue_invoices_agree_between_list_and_overview(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(home)
    _, overview = run_json(["accounts"], capsys)
    for row in overview["accounts"]:
        _, late = run_json(["--profile", row["profile"], "bills", "list", "--status", "overdue"], capsys)
        assert len(late) == row["overdueInvoices"]
        if late:
            oldest = min(late, key=lambda b: b["date"])
            assert row["oldestOverdueBillId"] in {b["billId"] for b in late}
            assert all(b["balance"] != "0.00" for b in late)
            assert oldest["billId"]


def test_the_demo_accounts_read_in_the_cli_as_in_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    """``--demo accounts``: only demo-desert's credentials are rejected (as the app's overview says); ``--demo
    --profile demo-boutique`` is that account, not the classic demo one."""
    cli.main(["--demo", "accounts", "--format", "json", "--refresh"])
    rows = {row["profile"]: row for row in json.loads(capsys.readouterr().out)["accounts"]}
    assert [name for name, row in rows.items() if row["problem"]] == ["demo-desert"]
    for name in ("demo-boutique", "demo-bikes"):
        assert cli.main(["--demo", "--profile", name, "balance", "--format", "json"]) == 0
        balance = json.loads(capsys.readouterr().out)
        assert (balance["dueAmount"], balance["currency"]) == (rows[name]["due"], rows[name]["currency"])
