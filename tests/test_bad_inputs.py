# ruff: noqa: E501 - one bad input per line reads as a table
"""Every bad input gets one clear line on stderr, a documented non-zero status, no traceback, nothing written.

Each case is run through the CLI (``main([...])`` in-process) in a fresh folder holding the config, the
``ovh.conf`` and the targets; the folder's whole content (names, sizes, bytes) is compared before and after.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.cli.core import EXIT_CONFIG, EXIT_FILE, EXIT_NETWORK, EXIT_USAGE

KEYS = "application_key = 'ak'\napplication_secret = 'as'\nconsumer_key = 'ck'\n"
CONF_KEYS = "application_key=ak\napplication_secret=as\nconsumer_key=ck\n"
DEEP_ARRAY = "a = " + "[" * 3000 + "]" * 3000 + "\n"
DEEP_TABLE = "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n"
LIST = ["--demo", "bills", "list"]
EXPORT = ["--demo", "bills", "export", "--csv", "out.csv"]


@dataclass(frozen=True)
class Case:
    """``argv`` run with ``config`` (TOML text or bytes), ``ovh_conf``, ``env``; ``code`` and ``needle`` expected."""

    argv: list[str]
    code: int
    needle: str
    config: str | bytes | None = None
    ovh_conf: str | bytes | None = None
    env: dict[str, str] = field(default_factory=dict)
    shows_plan: bool = False  # stdout may say what would have been done (nothing was)


def profile(extra: str, keys: str = KEYS) -> str:
    return f"[profiles.p]\n{keys}{extra}"


P = ["--profile", "p", "balance"]

CASES: dict[str, Case] = {
    # --- the config file (TOML) ---------------------------------------------------------------------
    "config-readonly-not-bool": Case(LIST, EXIT_CONFIG, "readonly", "readonly = 'sure'\n"),
    "config-language-unknown": Case(LIST, EXIT_CONFIG, "language", "language = 'de'\n"),
    "config-default-profile-missing": Case(LIST, EXIT_CONFIG, "default_profile", "default_profile = 'nope'\n"),
    "config-default-profile-number": Case(LIST, EXIT_CONFIG, "default_profile", "default_profile = 5\n"),
    "config-download-dir-number": Case(LIST, EXIT_CONFIG, "download_dir", "download_dir = 5\n"),
    "config-keymap-string": Case(LIST, EXIT_CONFIG, "keymap", "keymap = 'x'\n"),
    "config-keymap-number": Case(LIST, EXIT_CONFIG, "keymap.a", "[keymap]\na = 1\n"),
    "config-profiles-number": Case(LIST, EXIT_CONFIG, "profiles", "profiles = 3\n"),
    "config-profile-number": Case(LIST, EXIT_CONFIG, "profiles.p", "[profiles]\np = 3\n"),
    "config-endpoint-unknown": Case(P, EXIT_CONFIG, "nowhere", profile("endpoint = 'nowhere'\n")),
    "config-endpoint-no-host": Case(P, EXIT_CONFIG, "http://", profile("endpoint = 'http://'\n")),
    "config-endpoint-port-too-big": Case(P, EXIT_CONFIG, "99999", profile("endpoint = 'http://127.0.0.1:99999/1.0'\n")),
    "config-endpoint-port-letters": Case(P, EXIT_CONFIG, "port", profile("endpoint = 'http://127.0.0.1:abc/1.0'\n")),
    "config-endpoint-ftp": Case(P, EXIT_CONFIG, "ftp://", profile("endpoint = 'ftp://example.com/1.0'\n")),
    "config-endpoint-space": Case(P, EXIT_CONFIG, "endpoint", profile("endpoint = 'https://exa mple.com/1.0'\n")),
    "config-endpoint-bad-ipv6": Case(P, EXIT_CONFIG, "endpoint", profile("endpoint = 'https://[::1/1.0'\n")),
    "config-endpoint-number": Case(P, EXIT_CONFIG, "endpoint", profile("endpoint = 8080\n")),
    "config-profile-unknown-key": Case(P, EXIT_CONFIG, "profiles.p.foo", profile("foo = 1\n")),
    "config-profile-readonly-text": Case(P, EXIT_CONFIG, "readonly", profile("readonly = 'yes'\n")),
    "config-sandbox-bills-negative": Case(P, EXIT_CONFIG, "sandbox_bills", profile("sandbox_bills = -1\n")),
    "config-sandbox-seed-text": Case(P, EXIT_CONFIG, "sandbox_seed", profile("sandbox_seed = 'x'\n")),
    "config-profile-language": Case(P, EXIT_CONFIG, "language", profile("language = 'xx'\n")),
    "config-key-number": Case(P, EXIT_CONFIG, "application_key", profile("application_key = 5\n", keys="")),
    "config-key-space": Case(
        P, EXIT_CONFIG, "application_key", profile("application_key = 'a b'\napplication_secret = 's'\nconsumer_key = 'c'\n", keys="")
    ),
    "config-secret-newline": Case(
        P, EXIT_CONFIG, "application_secret", profile("application_key = 'a'\napplication_secret = \"s\\nx\"\nconsumer_key = 'c'\n", keys="")
    ),
    "config-consumer-key-accent": Case(
        P, EXIT_CONFIG, "consumer_key", profile("application_key = 'a'\napplication_secret = 's'\nconsumer_key = 'clé'\n", keys="")
    ),
    "config-ovh-conf-missing": Case(
        P, EXIT_CONFIG, "ovh_conf", "[profiles.p]\novh_conf = '/nonexistent/ovh.conf'\n"
    ),
    "config-toml-no-value": Case(LIST, EXIT_CONFIG, "invalid TOML", "a = \n"),
    "config-toml-open-header": Case(LIST, EXIT_CONFIG, "invalid TOML", "[profiles.p\n"),
    "config-toml-duplicate-key": Case(LIST, EXIT_CONFIG, "invalid TOML", "a = 1\na = 2\n"),
    "config-toml-nul": Case(LIST, EXIT_CONFIG, "invalid TOML", b"a = 1\x00\n"),
    "config-not-utf8": Case(LIST, EXIT_CONFIG, "UTF-8", b"language = '\xff\xfe'\n"),
    "config-utf16": Case(LIST, EXIT_CONFIG, "UTF-8", "language = 'fr'\n".encode("utf-16")),
    "config-deep-array": Case(LIST, EXIT_CONFIG, "nested", DEEP_ARRAY),
    "config-deep-table": Case(LIST, EXIT_CONFIG, "nested", DEEP_TABLE),
    "config-timeout-zero": Case(LIST, EXIT_CONFIG, "timeout", "timeout = 0\n"),
    "config-timeout-negative": Case(LIST, EXIT_CONFIG, "timeout", "timeout = -5\n"),
    "config-timeout-text": Case(LIST, EXIT_CONFIG, "timeout", "timeout = 'x'\n"),
    "config-timeout-huge": Case(LIST, EXIT_CONFIG, "timeout", "timeout = 1e9\n"),
    "config-timeout-nan": Case(LIST, EXIT_CONFIG, "timeout", "timeout = nan\n"),
    "config-timeout-bool": Case(LIST, EXIT_CONFIG, "timeout", "timeout = true\n"),
    "config-profile-unknown": Case(["--profile", "nope", "balance"], EXIT_CONFIG, "nope", profile("")),
    "config-ovh-conf-profile-empty": Case(["--profile", "ovh.conf", "balance"], EXIT_CONFIG, "ovh.conf"),
    # --- ovh.conf ----------------------------------------------------------------------------------
    "ovhconf-endpoint-unknown": Case(["balance"], EXIT_CONFIG, "nowhere", ovh_conf=f"[default]\nendpoint=nowhere\n[nowhere]\n{CONF_KEYS}"),
    "ovhconf-endpoint-no-host": Case(["balance"], EXIT_CONFIG, "http://", ovh_conf=f"[default]\nendpoint=http://\n[http://]\n{CONF_KEYS}"),
    "ovhconf-endpoint-port": Case(
        ["balance"], EXIT_CONFIG, "99999", ovh_conf=f"[default]\nendpoint=http://127.0.0.1:99999/1.0\n[http://127.0.0.1:99999/1.0]\n{CONF_KEYS}"
    ),
    "ovhconf-no-section": Case(["balance"], EXIT_CONFIG, "ovh.conf", ovh_conf="application_key=ak\n"),
    "ovhconf-not-utf8": Case(["balance"], EXIT_CONFIG, "ovh.conf", ovh_conf=b"[ovh-eu]\napplication_key=\xff\n"),
    "ovhconf-duplicate-section": Case(["balance"], EXIT_CONFIG, "ovh.conf", ovh_conf=f"[ovh-eu]\n{CONF_KEYS}[ovh-eu]\n"),
    "ovhconf-duplicate-option": Case(["balance"], EXIT_CONFIG, "ovh.conf", ovh_conf=f"[ovh-eu]\n{CONF_KEYS}application_key=x\n"),
    "ovhconf-key-space": Case(["balance"], EXIT_CONFIG, "application_key", ovh_conf="[ovh-eu]\napplication_key=a b\napplication_secret=s\nconsumer_key=c\n"),
    "ovhconf-secret-control": Case(["balance"], EXIT_CONFIG, "application_secret", ovh_conf="[ovh-eu]\napplication_key=a\napplication_secret=s\x07\nconsumer_key=c\n"),
    # --- OVH_* environment variables ---------------------------------------------------------------
    "env-endpoint-unknown": Case(["balance"], EXIT_CONFIG, "nowhere", env={"OVH_ENDPOINT": "nowhere", "OVH_APPLICATION_KEY": "a"}),
    "env-endpoint-no-host": Case(["balance"], EXIT_CONFIG, "http://", env={"OVH_ENDPOINT": "http://", "OVH_APPLICATION_KEY": "a"}),
    "env-endpoint-port": Case(
        ["balance"], EXIT_CONFIG, "99999", env={"OVH_ENDPOINT": "http://127.0.0.1:99999/1.0", "OVH_APPLICATION_KEY": "a"}
    ),
    "env-endpoint-bad-ipv6": Case(["balance"], EXIT_CONFIG, "endpoint", env={"OVH_ENDPOINT": "https://[::1", "OVH_APPLICATION_KEY": "a"}),
    "env-key-space": Case(["balance"], EXIT_CONFIG, "OVH_APPLICATION_KEY", env={"OVH_APPLICATION_KEY": "a b", "OVH_APPLICATION_SECRET": "s", "OVH_CONSUMER_KEY": "c"}),
    "env-consumer-key-control": Case(["balance"], EXIT_CONFIG, "OVH_CONSUMER_KEY", env={"OVH_APPLICATION_KEY": "a", "OVH_APPLICATION_SECRET": "s", "OVH_CONSUMER_KEY": "c\x01"}),
    "env-secret-accent": Case(["balance"], EXIT_CONFIG, "OVH_APPLICATION_SECRET", env={"OVH_APPLICATION_KEY": "a", "OVH_APPLICATION_SECRET": "sécret", "OVH_CONSUMER_KEY": "c"}),
    "env-client-id-space": Case(["balance"], EXIT_CONFIG, "OVH_CLIENT_ID", env={"OVH_CLIENT_ID": "id x", "OVH_CLIENT_SECRET": "s"}),
    "env-config-is-a-folder": Case(LIST, EXIT_CONFIG, "cannot read", env={"OVH_INVOICES_CONFIG": "{tmp}"}),
    # --- endpoints given on the command line ----------------------------------------------------------
    "login-endpoint-unknown": Case(["login", "--endpoint", "nowhere"], EXIT_USAGE, "nowhere"),
    "login-endpoint-no-host": Case(["login", "--endpoint", "http://"], EXIT_USAGE, "http://"),
    "login-endpoint-port": Case(["login", "--endpoint", "http://127.0.0.1:99999/1.0"], EXIT_USAGE, "99999"),
    "login-endpoint-port-letters": Case(["login", "--endpoint", "http://h:abc/1.0"], EXIT_USAGE, "port"),
    "login-endpoint-file": Case(["login", "--endpoint", "file:///etc/passwd"], EXIT_USAGE, "file://"),
    "login-endpoint-empty": Case(["login", "--endpoint", ""], EXIT_USAGE, "endpoint"),
    # --- dates -------------------------------------------------------------------------------------------
    "date-word": Case([*LIST, "--from", "yesterday"], EXIT_USAGE, "yesterday"),
    "date-month-13": Case([*LIST, "--from", "2025-13-01"], EXIT_USAGE, "2025-13-01"),
    "date-feb-30": Case([*LIST, "--to", "2025-02-30"], EXIT_USAGE, "2025-02-30"),
    "date-empty": Case([*LIST, "--to", ""], EXIT_USAGE, "--to"),
    "date-year-1-list": Case([*LIST, "--from", "0001-01-01"], EXIT_USAGE, "0001-01-01"),
    "date-year-1-export": Case([*EXPORT, "--from", "0001-01-01"], EXIT_USAGE, "0001-01-01"),
    "date-year-9999-export": Case([*EXPORT, "--to", "9999-12-31"], EXIT_USAGE, "9999-12-31"),
    "date-year-1-refunds": Case(["--demo", "refunds", "list", "--from", "0001-01-01"], EXIT_USAGE, "0001-01-01"),
    "date-year-9999-payments": Case(["--demo", "payments", "list", "--to", "9999-12-31"], EXIT_USAGE, "9999-12-31"),
    "date-reversed-list": Case([*LIST, "--from", "2025-01-01", "--to", "2024-01-01"], EXIT_USAGE, "after --to"),
    "date-reversed-export": Case([*EXPORT, "--from", "2025-01-01", "--to", "2024-01-01"], EXIT_USAGE, "after --to"),
    "date-reversed-payments": Case(
        ["--demo", "payments", "list", "--from", "2025-01-01", "--to", "2024-01-01"], EXIT_USAGE, "after --to"
    ),
    "date-reversed-refunds": Case(
        ["--demo", "refunds", "list", "--from", "2025-01-01", "--to", "2024-01-01"], EXIT_USAGE, "after --to"
    ),
    "date-reversed-payments-export": Case(
        ["--demo", "payments", "export", "--csv", "p.csv", "--from", "2025-01-01", "--to", "2024-01-01"], EXIT_USAGE, "after --to"
    ),
    # --- filters and options -------------------------------------------------------------------------------
    "filter-status": Case([*LIST, "--status", "maybe"], EXIT_USAGE, "maybe"),
    "filter-export-status": Case([*EXPORT, "--status", "maybe"], EXIT_USAGE, "maybe"),
    "filter-order-letters": Case([*LIST, "--order", "abc"], EXIT_USAGE, "abc"),
    "filter-order-negative": Case([*LIST, "--order", "-1"], EXIT_USAGE, "--order"),
    "filter-order-zero": Case([*LIST, "--order", "0"], EXIT_USAGE, "--order"),
    "filter-order-huge": Case([*LIST, "--order", "9" * 30], EXIT_USAGE, "--order"),
    "filter-ref-escape": Case([*LIST, "--ref", "\x1b[31mFR"], EXIT_USAGE, "--ref"),
    "filter-ref-too-long": Case([*LIST, "--ref", "F" * 1000], EXIT_USAGE, "--ref"),
    "filter-export-ref-newline": Case([*EXPORT, "--ref", "FR\n1"], EXIT_USAGE, "--ref"),
    "filter-export-order-control": Case([*EXPORT, "--order", "1\x002"], EXIT_USAGE, "--order"),
    "filter-format": Case([*LIST, "--format", "xml"], EXIT_USAGE, "xml"),
    "filter-dialect": Case([*EXPORT, "--dialect", "klingon"], EXIT_USAGE, "klingon"),
    "option-with-invoices-csv": Case([*EXPORT, "--with-invoices"], EXIT_USAGE, "--with-invoices"),
    "option-links-folder": Case(["--demo", "bills", "export", "--folder", "pdfs", "--include-links"], EXIT_USAGE, "--include-links"),
    "option-server-status": Case(["--demo", "bills", "export", "--server", "--status", "paid"], EXIT_USAGE, "--server"),
    "option-unknown-ids": Case([*EXPORT, "--ids", "FR00000000"], EXIT_USAGE, "FR00000000"),
    "option-lang": Case(["--lang", "de", *LIST], EXIT_USAGE, "de"),
    "option-unknown-command": Case(["bills", "frobnicate"], EXIT_USAGE, "frobnicate"),
    "option-pay-without-yes": Case(["--demo", "pay"], EXIT_USAGE, "--yes", shows_plan=True),
    "option-readonly-pay": Case(["--demo", "--readonly", "pay", "--yes"], EXIT_USAGE, "read-only"),
    # --- paths ---------------------------------------------------------------------------------------------
    "path-csv-missing-folder": Case(["--demo", "bills", "export", "--csv", "missing/out.csv"], EXIT_USAGE, "missing"),
    "path-pdf-missing-folder": Case(["--demo", "bills", "export", "--pdf", "missing/out.pdf"], EXIT_USAGE, "missing"),
    "path-csv-is-folder": Case(["--demo", "bills", "export", "--csv", "folder"], EXIT_USAGE, "folder"),
    "path-csv-exists": Case(["--demo", "bills", "export", "--csv", "existing.csv"], EXIT_USAGE, "already exists"),
    "path-folder-is-file": Case(["--demo", "bills", "export", "--folder", "existing.csv"], EXIT_USAGE, "existing.csv"),
    "path-folder-parent-missing": Case(["--demo", "bills", "export", "--folder", "missing/pdfs"], EXIT_USAGE, "missing"),
    "path-csv-read-only": Case(["--demo", "bills", "export", "--csv", "{readonly}/out.csv"], EXIT_FILE, "{readonly}"),
    "path-download-dir-is-file": Case(["--demo", "bills", "download", "FR1", "--dir", "existing.csv"], EXIT_USAGE, "existing.csv"),
    "path-download-dir-read-only": Case(["--demo", "bills", "download", "FR1", "--dir", "{readonly}/docs"], EXIT_FILE, "{readonly}"),
    "path-payments-missing-folder": Case(["--demo", "payments", "export", "--csv", "missing/p.csv"], EXIT_USAGE, "missing"),
    "path-payments-exists": Case(["--demo", "payments", "export", "--csv", "existing.csv"], EXIT_USAGE, "already exists"),
    "path-config-is-folder": Case(["--config", "folder", *LIST], EXIT_CONFIG, "folder"),
    # --- sizes and numbers ---------------------------------------------------------------------------------
    "timeout-zero": Case(["--timeout", "0", *LIST], EXIT_USAGE, "--timeout"),
    "timeout-negative": Case(["--timeout", "-1", *LIST], EXIT_USAGE, "--timeout"),
    "timeout-letters": Case(["--timeout", "abc", *LIST], EXIT_USAGE, "abc"),
    "timeout-infinite": Case(["--timeout", "inf", *LIST], EXIT_USAGE, "--timeout"),
    "timeout-nan": Case(["--timeout", "nan", *LIST], EXIT_USAGE, "--timeout"),
    "timeout-huge": Case(["--timeout", "1e9", *LIST], EXIT_USAGE, "--timeout"),
}


def _tree(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a digest of its bytes: what "nothing written" compares."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = "link"
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private folder standing for the user's home, config folder and working directory."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    os.chmod(home, 0o700)
    for name in list(os.environ):
        if name.startswith("OVH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(home / "config.toml"))
    monkeypatch.setattr("ovh_invoices_tui.locations.ovh_conf_paths", lambda: [home / "ovh.conf"])
    monkeypatch.chdir(home)
    (home / "folder").mkdir()
    (home / "existing.csv").write_text("mine\n")
    yield home
    for path in home.rglob("*"):  # let pytest clean up the read-only folder
        if path.is_dir():
            os.chmod(path, 0o700)


def _read_only_folder(home: Path) -> str:
    """A folder this user cannot write in (root writes anywhere a mode allows: a read-only mount then)."""
    if os.geteuid() == 0:
        return "/sys"
    folder = home / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    return str(folder)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(case: Case, place: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    readonly = _read_only_folder(place)
    if case.config is not None:
        data = case.config.encode("utf-8") if isinstance(case.config, str) else case.config
        (place / "config.toml").write_bytes(data)
        os.chmod(place / "config.toml", 0o600)
    if case.ovh_conf is not None:
        data = case.ovh_conf.encode("utf-8") if isinstance(case.ovh_conf, str) else case.ovh_conf
        (place / "ovh.conf").write_bytes(data)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value.replace("{tmp}", str(place)))
    argv = [arg.replace("{readonly}", readonly) for arg in case.argv]
    before = _tree(place)

    code = cli.main(argv)

    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == case.code, captured.err
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    assert not re.search(r"\w(Error|Exception|Group)\b", lines[0]), lines[0]  # words, not a Python class
    assert case.needle.replace("{readonly}", readonly) in lines[0], lines[0]
    assert captured.out == "" or case.shows_plan
    assert _tree(place) == before  # nothing written: no target, no temp file, config unchanged


def test_the_battery_is_big_enough() -> None:
    assert len(CASES) >= 80


@pytest.fixture
def silent_server() -> Iterator[str]:
    """An address that accepts connections and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/1.0"
    finally:
        sock.close()


def _closed_port() -> str:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    return f"http://127.0.0.1:{port}/1.0"


@pytest.mark.parametrize("command", [["bills", "list"], ["balance"]])
def test_unreachable_endpoint_is_one_line(
    command: list[str], place: Path, capsys: pytest.CaptureFixture[str], no_backoff: None
) -> None:
    (place / "config.toml").write_text(profile(f"endpoint = '{_closed_port()}'\n"))
    os.chmod(place / "config.toml", 0o600)
    assert cli.main(["--profile", "p", *command]) == EXIT_NETWORK
    (line,) = capsys.readouterr().err.splitlines()
    assert "cannot reach 127.0.0.1" in line and "ExceptionGroup" not in line


def test_a_server_that_never_answers_gives_up_at_the_timeout_and_says_so(
    place: Path, silent_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr("ovh_invoices_tui.api.session.WAIT_NOTICE_S", 0.2)
    (place / "config.toml").write_text(f"timeout = 0.5\n\n{profile(f'endpoint = {silent_server!r}' + chr(10))}")
    os.chmod(place / "config.toml", 0o600)
    started = time.monotonic()
    assert cli.main(["--profile", "p", "--verbose", "balance"]) == EXIT_NETWORK
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert elapsed < 10, elapsed  # was 2 min 33 s
    assert "waiting for GET /auth/time" in err
    last = err.splitlines()[-1]
    assert "cannot reach 127.0.0.1" in last and "timed out" in last and "--timeout" in last

    # --timeout on the command line wins over the config.
    started = time.monotonic()
    assert cli.main(["--profile", "p", "--timeout", "0.3", "balance"]) == EXIT_NETWORK
    (line,) = capsys.readouterr().err.splitlines()
    assert "timed out after 0.3 s" in line
