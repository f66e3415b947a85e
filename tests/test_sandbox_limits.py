"""Sandbox sizes and options are bounded: one line on stderr naming the option and its range, status 2, nothing run."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.cli.core import EXIT_CONFIG, EXIT_USAGE
from ovh_invoices_tui.sandbox.config import SandboxConfig


@pytest.fixture
def serves(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records every sandbox that would have been served (none must be, for a bad option)."""
    calls: list[Any] = []
    monkeypatch.setattr("ovh_invoices_tui.sandbox.server.serve", lambda *args: calls.append(args))
    return calls


@pytest.mark.parametrize(("args", "line"), [
    (["--bills", "-5"], "--bills must be from 0 to 1,000,000, got -5"),
    (["--bills", "100000000"], "--bills must be from 0 to 1,000,000, got 100000000"),
    (["--error-rate", "2"], "--error-rate must be from 0.0 to 1.0, got 2.0"),
    (["--error-rate", "nan"], "--error-rate must be from 0.0 to 1.0, got nan"),
    (["--latency-ms", "-100"], "--latency-ms must be from 0 to 60,000, got -100"),
    (["--jitter-ms", "99999999"], "--jitter-ms must be from 0 to 60,000, got 99999999"),
    (["--port", "70000"], "--port must be from 1 to 65,535, got 70000"),
    (["--port", "0"], "--port must be from 1 to 65,535, got 0"),
    (["--subsidiary", "XX"], "--subsidiary must be one of FR, DE, GB, ES, IT, CA, US, got 'XX'"),
    (["--accounts", "0"], "--accounts must be from 1 to 100, got 0"),
    (["--accounts", "101"], "--accounts must be from 1 to 100, got 101"),
    (["--accounts", "3", "--bills", "500000"], "--bills × --accounts must be at most 1,000,000, got 1,500,000"),
])
def test_bad_serve_options_are_one_line_and_status_2(
    args: list[str], line: str, serves: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sandbox", "serve", *args]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert err == f"ovh-invoices: error: {line}\n"
    assert out == "" and serves == []


def test_a_taken_port_is_one_line_and_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["sandbox", "serve", "--port", str(port), "--bills", "1"]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert err.startswith(f"ovh-invoices: error: cannot listen on 127.0.0.1:{port}: ") and err.count("\n") == 1
    assert out == ""


@pytest.mark.parametrize("args", [["--port", "70000"], ["--bills", "100000000"]])
def test_a_real_process_exits_at_once_without_a_traceback(args: list[str], tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "ovh_invoices_tui", "sandbox", "serve", *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == EXIT_USAGE
    assert done.stdout == ""  # no banner: nothing listened
    assert done.stderr.count("\n") == 1 and args[0] in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 30  # it did not start generating 100 million bills


def test_a_huge_demo_profile_is_refused_before_anything_is_written(
    isolated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 99999999999\n")
    before = sorted(p for p in tmp_path.rglob("*"))
    assert cli.main(["balance"]) == EXIT_CONFIG  # a config error, as every other bad setting
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(isolated) in err and "profiles.play.sandbox_bills: expected an integer from 0 to 1,000,000" in err
    assert sorted(p for p in tmp_path.rglob("*")) == before  # no cache, no log


def test_the_python_api_refuses_out_of_range_sizes_too() -> None:
    with pytest.raises(ValueError, match="bills must be from 0 to 1,000,000, got 1000001"):
        SandboxConfig(bills=1_000_001)
    with pytest.raises(ValueError, match="error_rate"):
        SandboxConfig(error_rate=-0.1)
    assert SandboxConfig(bills=1_000_000).bills == 1_000_000  # the bound itself is allowed
