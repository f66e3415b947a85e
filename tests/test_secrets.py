"""Secrets stay secret: private file modes, and no credential, token nor document link in any output."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

import ovh_invoices_tui
from ovh_invoices_tui import locations
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import AuthenticationError
from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.config import Profile, load_settings, save_profile
from ovh_invoices_tui.core.models import Bill
from ovh_invoices_tui.data import documents
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.permissions import check_private
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text

CREDENTIALS = [credentials.APPLICATION_SECRET, credentials.CONSUMER_KEY, credentials.CLIENT_SECRET]


# --- file modes ----------------------------------------------------------------------------------------


def test_check_private_modes(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    secret = folder / "config.toml"
    secret.write_text("x")
    os.chmod(secret, 0o600)
    assert check_private(secret) is None and check_private(folder) is None
    assert check_private(tmp_path / "missing") is None
    os.chmod(secret, 0o644)
    warning = check_private(secret)
    assert warning and "0644" in warning and "chmod 600" in warning and str(secret) in warning
    os.chmod(secret, 0o600)
    os.chmod(folder, 0o755)
    warning = check_private(secret)  # the file is private but its folder is not
    assert warning and "0755" in warning and "chmod 700" in warning
    os.chmod(folder, 0o700)


def test_saved_config_and_cache_are_private(tmp_path: Path) -> None:
    config = tmp_path / "deep" / "config.toml"
    save_profile(Profile("main", application_key="ak", application_secret="as-secret-1", consumer_key="ck-secret-1"),
                 config)  # fmt: skip
    assert check_private(config) is None
    assert oct(config.stat().st_mode & 0o777) == "0o600" and oct(config.parent.stat().st_mode & 0o777) == "0o700"
    cache = BillCache.open(tmp_path / "cache" / "p.sqlite3")
    cache.close()
    for path in (tmp_path / "cache").iterdir():
        assert check_private(path) is None, path


def test_cli_warns_about_an_open_config(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = isolated
    config.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 5\n"
                      "[profiles.work]\napplication_key = 'ak'\napplication_secret = 'as-1234567'\n"
                      "consumer_key = 'ck-1234567'\n")  # fmt: skip
    os.chmod(config, 0o644)
    assert cli.main(["balance"]) == 0
    err = capsys.readouterr().err
    assert f"warning: the file {config} is open to other users (mode 0644)" in err
    os.chmod(config, 0o600)
    os.chmod(config.parent, 0o700)
    assert cli.main(["balance"]) == 0
    assert "warning" not in capsys.readouterr().err


# --- outputs -------------------------------------------------------------------------------------------


def document_secrets(bills: list[Bill]) -> list[str]:
    found = []
    for bill in bills:
        found += [bill.url, bill.pdf_url, bill.password, bill.url.split("?", 1)[1], bill.pdf_url.split("?", 1)[1]]
    return [s for s in found if s]


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def demo_cli(isolated: Path, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A demo profile of 25 bills; yields the secrets to look for (credentials and every bill's links)."""
    config = isolated
    config.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 25\n")
    os.chmod(config, 0o600)
    profile = load_settings(config).profiles["play"]

    async def bills() -> list[Bill]:
        async with make_client(profile) as client:
            return [bill async for page in client.iter_bills() for bill in page.items]

    found = asyncio.run(bills())
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield {"bills": found, "secrets": CREDENTIALS + document_secrets(found), "tmp": tmp_path}
    from ovh_invoices_tui import debug_log

    debug_log.disable(locations.log_dir())
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_cli_outputs_hold_no_secret(demo_cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    tmp: Path = demo_cli["tmp"]
    secrets: list[str] = demo_cli["secrets"]
    ref = demo_cli["bills"][0].bill_id
    runs = [
        ["--verbose", "bills", "list"],
        ["--debug", "bills", "list", "--format", "json"],
        ["--debug", "--verbose", "bills", "show", ref, "--format", "json"],
        ["--debug", "balance"],
        ["--debug", "payments", "list", "--format", "csv"],
        ["--debug", "bills", "export", "--csv", str(tmp / "all.csv")],
        ["--debug", "bills", "export", "--pdf", str(tmp / "summary.pdf")],
        ["--debug", "--verbose", "bills", "download", ref, "--dir", str(tmp / "pdfs")],
        ["--debug", "bills", "show", "FR-NO-SUCH-BILL"],  # an error, with --debug's traceback
    ]
    outputs = []
    for args in runs:
        code = cli.main(args)
        captured = capsys.readouterr()
        assert code == (0 if "FR-NO-SUCH-BILL" not in args else 4), (args, captured.err[-500:])
        outputs.append(captured.out + captured.err)
        assert not leaks(captured.out + captured.err, secrets), args
    assert "Traceback" in outputs[-1]  # --debug did print one, and it holds no secret
    assert any(re.search(r"GET /me/bill \d{3} \d+ ms", out) for out in outputs)  # --verbose lines were there
    csv_text = (tmp / "all.csv").read_text(encoding="utf-8")
    assert csv_text.count("\n") == 26 and not leaks(csv_text, secrets)
    pdf_text = "".join(page.extract_text() for page in PdfReader(tmp / "summary.pdf").pages)
    assert demo_cli["bills"][0].bill_id in pdf_text and not leaks(pdf_text, secrets)
    assert (tmp / "pdfs" / f"{ref}.pdf").read_bytes().startswith(b"%PDF")
    log = (locations.log_dir() / "ovh-invoices.log").read_text(encoding="utf-8")
    # the document download is logged by its path, its query (the password) left out
    assert re.search(r"GET https?://\S+/facture\.pdf 200 ", log) and "passwd=" not in log
    assert not leaks(log, secrets)


async def test_app_screens_hold_no_secret(make_app: Any) -> None:
    app = make_app(bills=30)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        bills = [row.bill for row in app.session.store.rows]
        secrets = CREDENTIALS + document_secrets(bills)
        texts = [screen_text(app)]
        unpaid = next(row for row in app.session.store.rows if row.debt is not None)
        app.open_detail(unpaid.bill.bill_id)
        await wait_for(lambda: unpaid.bill.bill_id in screen_text(app), pilot)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        texts.append(screen_text(app))
        assert unpaid.bill.bill_id in texts[-1]
        log = " ".join(f"{e.method} {e.path} {e.query_id}" for e in app.request_log)
        assert not leaks("\n".join(texts) + log, secrets)


async def test_a_wrong_secret_is_not_repeated_in_the_error() -> None:
    app = create_app(SandboxConfig(bills=3, base_url=credentials.INPROCESS_BASE_URL))
    wrong = "wrongApplicationSecret0000000042"
    client = OvhClient(credentials.INPROCESS_BASE_URL, application_key=credentials.APPLICATION_KEY,
                       application_secret=wrong, consumer_key=credentials.CONSUMER_KEY,
                       transport=httpx.ASGITransport(app=app))  # fmt: skip
    async with client:
        with pytest.raises(AuthenticationError) as caught:
            await client.me()
    message = str(caught.value)
    assert re.search(r"\(HTTP 40[013]", message), message  # says what happened, once
    assert wrong not in message and credentials.CONSUMER_KEY not in message and wrong not in repr(client)
    oauth = OvhClient(credentials.INPROCESS_BASE_URL, client_id=credentials.CLIENT_ID,
                      client_secret="wrongClientSecret000000000000042",
                      token_url=f"http://sandbox.invalid{credentials.TOKEN_PATH}",
                      transport=httpx.ASGITransport(app=app))  # fmt: skip
    async with oauth:
        with pytest.raises(AuthenticationError) as caught:
            await oauth.me()
    assert "wrongClientSecret" not in str(caught.value) and "wrongClientSecret" not in repr(oauth.session)


# --- links and shells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://www.ovh.com/cgi-bin/order/facture.cgi?reference=FR1&passwd=x", True),
        ("HTTP://example.com/", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        (" https://example.com", False),
        ("ftp://example.com/x", False),
        ("/etc/passwd", False),
        ("", False),
    ],
)
def test_open_url_only_opens_web_links(url: str, opened: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(documents, "has_graphical_session", lambda: True)
    monkeypatch.setattr(documents.webbrowser, "open", lambda u, new=0: calls.append(u) or True)
    assert documents.open_url(url) is opened
    assert calls == ([url] if opened else [])


def test_no_shell_is_ever_involved() -> None:
    package = Path(ovh_invoices_tui.__file__).parent
    pattern = re.compile(r"shell\s*=\s*True|os\.system\(|os\.popen\(|subprocess\.getoutput|subprocess\.getstatusoutput")
    offenders = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_redacting_filter_masks_tracebacks() -> None:
    from ovh_invoices_tui import debug_log

    debug_log.add_secrets("superSecretValue123")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(debug_log.RedactingFilter())
    logger = logging.getLogger("tests.secrets")
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError("boom superSecretValue123 https://x/doc.pdf?passwd=abc123&reference=FR1")
        except RuntimeError:
            logger.exception("failed with Bearer eyJ.abc.def and %s", "superSecretValue123")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "superSecretValue123" not in text and "abc123" not in text and "eyJ.abc" not in text
    assert "RuntimeError" in text and "passwd=***" in text and "Bearer ***" in text
