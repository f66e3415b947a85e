"""``--debug``'s log file: where it is, its modes, one line per request, and no secret in it."""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ovh_invoices_tui import debug_log, locations
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.sandbox import credentials
from tests.conftest import wait_loaded

REQUEST_LINE = re.compile(r"ovh_invoices_tui\.requests: GET /me/bill(\?\S*)? 200 \d+ ms \S+")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "state" / "log"
    monkeypatch.setattr(locations, "log_dir", lambda: folder)
    monkeypatch.setattr(locations, "cache_dir", lambda: tmp_path / "cache")
    config = tmp_path / "config.toml"
    config.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 12\n")
    os.chmod(config, 0o600)
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(config))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield folder
    debug_log.disable(folder)
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in root.handlers:
        for flt in [f for f in handler.filters if isinstance(f, debug_log.RedactingFilter)]:
            handler.removeFilter(flt)
    root.setLevel(level)
    logging.getLogger(debug_log.REQUESTS_LOGGER).setLevel(logging.NOTSET)


def test_debug_run_writes_a_private_log_of_requests(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--debug", "bills", "list", "--format", "json"]) == 0
    err = capsys.readouterr().err
    path = log_dir / "ovh-invoices.log"
    assert f"debug log: {path}" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(log_dir.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    assert REQUEST_LINE.search(text), text[-2000:]
    assert re.search(r"GET /me/debtAccount\S* 200 \d+ ms [A-Z]{2}\.ext-", text)  # with the X-Ovh-QueryID
    for secret in (credentials.APPLICATION_SECRET, credentials.CONSUMER_KEY, credentials.CLIENT_SECRET):
        assert secret not in text


def test_an_open_log_folder_is_tightened(log_dir: Path) -> None:
    log_dir.mkdir(parents=True, mode=0o755)
    os.chmod(log_dir, 0o755)
    path = debug_log.enable(log_dir)
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_redact() -> None:
    text = ("GET https://www.ovh.com/cgi-bin/order/facture.pdf?reference=FR1&passwd=1a2b3c4d "
            "Authorization: Bearer eyJhbGciOi.xyz-_~ password=hunter22&x=1 mySecretValue99")  # fmt: skip
    out = debug_log.redact(text, ["mySecretValue99"])
    assert out == ("GET https://www.ovh.com/cgi-bin/order/facture.pdf?reference=FR1&passwd=*** "
                   "Authorization: Bearer *** password=***&x=1 ***")  # fmt: skip


async def test_the_app_logs_its_requests_when_debugging(log_dir: Path, make_app: Any) -> None:
    path = debug_log.enable(log_dir)
    app = make_app(bills=10)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
    assert app.request_log  # the in-app log still gets them
    text = path.read_text(encoding="utf-8")
    assert REQUEST_LINE.search(text), text[-2000:]


def test_request_lines_are_not_logged_without_debug() -> None:
    logger = logging.getLogger(debug_log.REQUESTS_LOGGER)
    logger.setLevel(logging.NOTSET)
    seen: list[RequestLog] = []
    debug_log.tee(seen.append)(RequestLog("GET", "/me", 200, 1.0, "EU.1"))
    assert len(seen) == 1
