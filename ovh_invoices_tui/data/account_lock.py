"""One payment at a time per account, across processes: an OS file lock next to the account's cache.

``pay --yes`` run twice at once, or the TUI and the CLI paying together, would each create a regularisation
order. The lock is taken (never waited for) before the balance is read and released once the POST's answer
is in; whoever finds it taken is told :data:`IN_PROGRESS` and sends nothing. The kernel drops the lock when
its process dies, so a crash never leaves the account locked.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ovh_invoices_tui.core.paying import IN_PROGRESS, PaymentInProgressError

__all__ = ["IN_PROGRESS", "AccountLock", "PaymentInProgressError"]

try:
    import fcntl
except ImportError:  # Windows: no flock; the in-process guard still holds
    fcntl = None  # type: ignore[assignment]

# Tests only: hold the lock until this file exists, so a second process surely finds it taken.
HOLD_ENV = "OVH_INVOICES_TEST_HOLD_PAY_LOCK"
_HOLD_LIMIT_S = 60.0


class AccountLock:
    """The payment lock of one account: a file opened without following links, locked with ``flock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock now, or return False when another holder has it (never waits)."""
        if self._fd is not None:
            return False  # one holder per object: a second flow of this process is refused too
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
        self._fd = fd
        _test_hold(self.path)
        return True

    def release(self) -> None:
        """Let the next payment through (the file stays: removing it would race the next holder)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """The lock for the ``with`` block; raises :class:`PaymentInProgressError` when it is taken."""
        if not self.acquire():
            raise PaymentInProgressError(self.path)
        try:
            yield
        finally:
            self.release()


def _test_hold(path: Path) -> None:
    """With :data:`HOLD_ENV` set (tests), say the lock is held, then keep it until the release file appears."""
    release = os.environ.get(HOLD_ENV)
    if not release:
        return
    Path(f"{release}.held").write_text(str(path))
    deadline = time.monotonic() + _HOLD_LIMIT_S
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
