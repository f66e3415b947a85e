"""End to end in a real terminal: ``ovh-invoices --demo`` inside tmux, driven with send-keys, read with capture-pane.

The path a user takes: quick filter by reference → open the invoice → back → mark three invoices → export
them to CSV → check the file → payment tracking → pay the balance in the sandbox → refresh → Payée/Paid.
Runs at 120×40 and 80×24. Skipped only when tmux is not installed (``.ci/run`` installs it).

Hermetic: a private tmux server (its own socket), started as the ``isolated`` fixture's user (HOME and every
XDG directory in the test's temporary folder), so neither tmux nor the app reads or writes the real user's files.
Each key is sent once the screen shows text that only the screen expecting it displays (keys typed earlier
go to whatever has the focus then, as in any terminal); bursts of keys are covered by the pilot tests.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ENTRY = Path(sys.executable).with_name("ovh-invoices")
APP_ENV = ("HOME", "OVH_INVOICES_CONFIG", "TERM", "LANG")


class Terminal:
    """One tmux session running the app, with a private tmux server so nothing else interferes."""

    def __init__(self, tmp: Path, config: Path, width: int, height: int) -> None:
        self.socket = str(tmp / "tmux.sock")
        self.name = f"e2e-{uuid.uuid4().hex[:8]}"
        self.downloads = tmp / "downloads"
        self.downloads.mkdir()
        config.write_text(f'download_dir = "{self.downloads}"\n', encoding="utf-8")
        config.chmod(0o600)
        # The isolated user's environment (HOME, XDG_*, OVH_INVOICES_CONFIG), not the caller's tmux session; no
        # ~/.tmux.conf. The app's own variables are also set on its command line: tmux keeps a pane's env its own way.
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        self.env.update(TERM="xterm-256color", LANG="C.UTF-8")
        app_env = [f"{k}={shlex.quote(v)}" for k, v in self.env.items() if k in APP_ENV or k.startswith("XDG_")]
        # --profile: the one demo account directly (--demo alone opens the overview of the four demo accounts)
        args = ["--demo", "--profile", "demo", "--lang", "en", "--no-cache"]
        command = " ".join([*app_env, shlex.quote(str(ENTRY)), *args])
        size = ["-x", str(width), "-y", str(height)]
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", self.name, *size, command)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=False, env=self.env
        )
        return done.stdout

    def send(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)
            time.sleep(0.08)  # a person's pace; bursts are covered by the pilot tests

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, check: str | Callable[[str], bool], timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if (check in screen) if isinstance(check, str) else check(screen):
                return screen
            time.sleep(0.15)
        raise AssertionError(f"timed out waiting for {check!r}; the screen was:\n{screen}")

    def close(self) -> None:
        self._tmux("kill-server")


@pytest.fixture(params=[(120, 40), (80, 24)], ids=["120x40", "80x24"])
def terminal(request: pytest.FixtureRequest, tmp_path: Path, isolated: Path) -> Iterator[Terminal]:
    width, height = request.param
    term = Terminal(tmp_path, isolated, width, height)
    try:
        yield term
    finally:
        term.close()


REFERENCE = re.compile(r"\b(FR\d{8})\b")


def table_references(screen: str) -> list[str]:
    """References in the table's rows (the balance banner names the oldest overdue invoice too)."""
    rows = [line for line in screen.splitlines() if "is due" not in line]
    return REFERENCE.findall("\n".join(rows))


def test_a_user_finds_reads_exports_and_pays(terminal: Terminal) -> None:
    if not os.access(ENTRY, os.X_OK):
        pytest.skip(f"{ENTRY} is not installed (pip install -e .)")
    screen = terminal.wait_for("500 invoices", timeout=30)

    # quick filter by reference → exactly that invoice
    target = table_references(screen)[4]
    terminal.send("/")
    terminal.type(target)
    terminal.send("Enter")
    screen = terminal.wait_for("1 invoice ·")
    assert set(table_references(screen.split("Filter")[0])) == {target}

    # open it, read its lines, come back
    terminal.send("Enter")
    screen = terminal.wait_for("Invoice information")
    assert f"Invoice {target}" in screen
    terminal.wait_for(lambda s: "Lines" in s and ("€" in s.split("Lines", 1)[1]))
    terminal.send("Escape")
    terminal.wait_for("1 invoice ·")

    # clear the filter, mark three invoices, export them as CSV
    terminal.send("x")
    terminal.wait_for("500 invoices")
    terminal.send("Space", "Space", "Space")
    screen = terminal.wait_for("3 marked")
    marked_lines = [line for line in screen.splitlines() if line.lstrip().startswith("✓")]
    first_three = [REFERENCE.findall(line)[0] for line in marked_lines]
    assert len(first_three) == 3
    terminal.send("b")
    terminal.wait_for("Export the selection as CSV")
    terminal.send("s")
    terminal.wait_for("Enter: export")  # the export dialog's own hint ("Export" alone is in the bulk menu too)
    terminal.send("Enter")
    terminal.wait_for("Exported 3 invoice(s)")
    exported = list(terminal.downloads.glob("*.csv"))
    assert len(exported) == 1, terminal.screen()
    text = exported[0].read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";" if text.count(";") > text.count(",") else ","))
    assert sorted(row[0] for row in rows[1:]) == sorted(first_three)

    # payment tracking, then back
    terminal.send("p")
    terminal.wait_for("Payment tracking")
    terminal.wait_for(lambda s: "payments" in s)
    terminal.send("Escape")
    screen = terminal.wait_for("is due")

    # pay the balance: dialog (Cancel focused) → Tab → y → order → simulate the payment → refresh
    unpaid_before = screen.count("Unpaid") + screen.count("To be paid")
    assert unpaid_before > 0
    terminal.send("$")
    terminal.wait_for("Tab then y: confirm")  # the dialog's last line: composed, Cancel focused
    terminal.send("Tab", "y")
    terminal.wait_for("Regularisation order created")
    terminal.send("s")
    # (at 80 columns the export's notice may still cover the end of that line: its start says it)
    terminal.wait_for(lambda s: re.search(r"order \d+ paid", s) is not None and "is due" not in s, timeout=25)
    terminal.send("Escape")
    terminal.wait_for(lambda s: "Regularisation order created" not in s)
    terminal.send("r")
    screen = terminal.wait_for(lambda s: "Unpaid" not in s and "To be paid" not in s and "Paid" in s, timeout=25)
    assert "is due" not in screen
    terminal.send("q")
