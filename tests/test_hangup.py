"""A terminal that hangs up ends the app, even when no SIGHUP reaches it (started by make, by nohup …)."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

ENTRY = Path(sys.executable).with_name("ovh-invoices")


def test_the_app_quits_when_its_terminal_hangs_up_without_a_sighup(isolated: Path) -> None:
    """An SSH connection that drops closes the terminal; a process that never gets the SIGHUP (its parent, make,
    took it) used to spin on the closed terminal at 100 % of a core for ever. It now quits within seconds."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: what make or nohup leaves it, a hang-up that sends no signal it heeds
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        os.execve(ENTRY, [str(ENTRY), "--demo", "--profile", "demo", "--lang", "en", "--no-cache"], env)
    try:
        seen, deadline = b"", time.monotonic() + 60
        while not re.search(rb"FR\d{8}", seen):  # the invoice list is drawn: the app is up
            assert time.monotonic() < deadline, "the app did not draw its invoices"
            if select.select([fd], [], [], 0.5)[0]:
                seen = (seen + os.read(fd, 65536))[-100_000:]
        os.close(fd)  # the terminal hangs up
        deadline = time.monotonic() + 15
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
            assert time.monotonic() < deadline, "the app outlived its terminal"
            time.sleep(0.1)
        assert os.waitstatus_to_exitcode(done[1]) == 129  # 128 + SIGHUP: ended by its terminal's hang-up
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
