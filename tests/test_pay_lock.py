"""One payment at a time per account: two real ``pay --yes`` processes on one served sandbox, and the TUI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from ovh_invoices_tui.cli.core import EXIT_BUSY
from ovh_invoices_tui.config import Profile
from ovh_invoices_tui.data.account_lock import HOLD_ENV, IN_PROGRESS, AccountLock
from ovh_invoices_tui.data.cache.profile import payment_lock_path
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.screens.pay_dialog import PayDialog
from tests.conftest import wait_for, wait_loaded
from tests.test_pay_flow import build, notices, open_dialog

PAY_ALL = "POST /me/debtAccount/pay"


@dataclass
class Served:
    """A sandbox served over HTTP in this process (the CLI processes reach it; the test reads its state)."""

    base_url: str
    state: Any


def serve_sandbox(**config: Any) -> Iterator[Served]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/1.0"
    app = create_app(SandboxConfig(bills=40, seed=7, base_url=base_url, **config))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the sandbox did not start"
        time.sleep(0.01)
    try:
        yield Served(base_url, app.state.sandbox)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def served() -> Iterator[Served]:
    yield from serve_sandbox()


@pytest.fixture
def cli_env(isolated: Path, served: Served) -> dict[str, str]:
    """The environment of a CLI process (the isolated user's) whose profile ``acct`` is the served sandbox's account."""
    isolated.write_text(
        f"[profiles.acct]\nendpoint = '{served.base_url}'\n"
        f"application_key = '{credentials.APPLICATION_KEY}'\n"
        f"application_secret = '{credentials.APPLICATION_SECRET}'\n"
        f"consumer_key = '{credentials.CONSUMER_KEY}'\n"
    )
    isolated.chmod(0o600)
    return dict(os.environ)


PAY = [sys.executable, "-m", "ovh_invoices_tui", "--profile", "acct", "--lang", "en", "pay", "--yes"]


def start_pay(env: dict[str, str], **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        PAY, env={**env, **extra}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=env["HOME"]
    )


def wait_file(path: Path, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def test_second_pay_while_the_first_holds_the_lock_sends_nothing(
    tmp_path: Path, served: Served, cli_env: dict[str, str]
) -> None:
    release = tmp_path / "release"
    first = start_pay(cli_env, **{HOLD_ENV: str(release)})
    wait_file(Path(f"{release}.held"), first)  # the first holds the lock, before reading the balance

    second = subprocess.run(PAY, env=cli_env, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert second.returncode == EXIT_BUSY == 6
    assert second.stderr.splitlines() == [second.stderr.strip()]  # one line
    assert IN_PROGRESS in second.stderr and "Traceback" not in second.stderr
    assert second.stdout == ""

    release.touch()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "Payment URL" in out
    assert served.state.requests[PAY_ALL] == 1

    # Released with the answer: the next payment goes through.
    third = subprocess.run(PAY, env=cli_env, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert third.returncode == 0, third.stderr
    assert served.state.requests[PAY_ALL] == 2


def test_a_killed_payer_leaves_no_lock_behind(tmp_path: Path, served: Served, cli_env: dict[str, str]) -> None:
    release = tmp_path / "release"
    first = start_pay(cli_env, **{HOLD_ENV: str(release)})
    wait_file(Path(f"{release}.held"), first)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    after = subprocess.run(PAY, env=cli_env, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert after.returncode == 0, after.stderr
    assert served.state.requests[PAY_ALL] == 1


def test_lock_follows_the_account_not_the_profile_name(tmp_path: Path) -> None:
    keys = {"application_key": "ak", "application_secret": "s", "consumer_key": "ck"}
    a = Profile(name="a", endpoint="ovh-eu", **keys)
    b = Profile(name="b", endpoint="ovh-eu", **keys)
    other = Profile(name="a", endpoint="ovh-ca", **keys)
    assert payment_lock_path(a, tmp_path) == payment_lock_path(b, tmp_path)
    assert payment_lock_path(a, tmp_path) != payment_lock_path(other, tmp_path)
    assert payment_lock_path(Profile(name="demo", demo=True), tmp_path) is None


async def test_tui_pay_while_another_process_pays_shows_a_notice(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    lock_path = tmp_path / "pay.lock"
    app.session.guard.account_lock = AccountLock(lock_path)
    elsewhere = AccountLock(lock_path)  # another open file: as another process's flock
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        assert elsewhere.acquire()
        await pilot.press("dollar_sign")
        await wait_for(lambda: "already in progress" in notices(app), pilot)
        assert not isinstance(app.screen, PayDialog) and not app.session.guard.busy
        elsewhere.release()

        dialog = await open_dialog(app, pilot)
        assert not elsewhere.acquire()  # the open dialog holds the account's lock
        await pilot.press("tab", "y")
        await wait_for(lambda: not app.session.guard.busy, pilot)
        await app.workers.wait_for_complete()
        assert h.state.requests[PAY_ALL] == 1
        assert dialog.flow.lock is not None and not dialog.flow.lock.held
        assert elsewhere.acquire()  # released once the answer came
        elsewhere.release()
