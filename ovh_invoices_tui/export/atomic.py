"""The one atomic writer: every file the app writes appears complete under its final name, or not at all.

Data is written to a hidden temporary file in the destination's folder (same filesystem, so the final
rename is atomic), flushed and fsynced, then moved into place. Any exception, including
``asyncio.CancelledError`` and ``KeyboardInterrupt``, removes the temporary file.

- Temporary files are named ``.NAME.ovh-invoices-<pid>-<random>.part``. One left behind by a process that
  was killed is removed the next time a file is written in that folder.
- Only regular files are ever replaced. A device, FIFO, socket or folder in the way is refused
  (:class:`NotARegularFile`, :class:`IsADirectoryError`) and left untouched.
- A symbolic link is written through: its final target is replaced atomically (the temporary file is made
  in the target's folder) and the link itself stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from ovh_invoices_tui.core.filenames import safe_filename

__all__ = [
    "NotARegularFile",
    "atomic_open",
    "check_destination",
    "remove_stale_temps",
    "unique_name",
    "write_atomic",
    "write_atomic_in_thread",
    "write_bytes_atomic",
    "write_file_in_folder",
]

T = TypeVar("T")

# Read once: new files get the permissions a plain open() would give them (temporary files start 0600).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_TEMP = re.compile(r"\..*\.ovh-invoices-(\d+)-[0-9a-f]+\.part", re.DOTALL)
# /proc's boot time is in whole seconds: a file written within this of a process's start is not judged by it.
_CLOCK_SLACK = 2.0
_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """The destination is a device, FIFO or socket: an export never replaces it."""


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext`` … when two ids sanitise to the same name (adds it to ``taken``)."""
    candidate = name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if dot else f"{stem}-{n}"
    taken.add(candidate.casefold())
    return candidate


def _exists_message(dest: Path) -> str:
    return f"{str(dest)!r} already exists; choose another name or allow overwriting"


def _refuse_special(shown: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{str(shown)!r} is a folder, not a file name")
    for test, kind in _KINDS:
        if test(mode):
            raise NotARegularFile(f"{str(shown)!r} is {kind}, not a regular file: it is never replaced")


def check_destination(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Where the data will land (``path``, or a symlink's final target); fails early, before any costly work.

    Raises ``FileNotFoundError`` when the folder is missing, ``IsADirectoryError`` / :class:`NotARegularFile`
    when something other than a regular file is in the way, ``FileExistsError`` when ``path`` exists (a link
    counts, even a broken one) and ``overwrite`` is false.
    """
    shown = Path(path)
    dest = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    if not dest.parent.is_dir():
        raise FileNotFoundError(f"Folder {str(dest.parent)!r} does not exist")
    try:
        mode = os.stat(dest).st_mode
    except FileNotFoundError:
        if dest is not shown and not overwrite:
            raise FileExistsError(_exists_message(shown)) from None
        return dest
    _refuse_special(shown, mode)
    if not overwrite:
        raise FileExistsError(_exists_message(shown))
    return dest


@functools.cache
def _boot_time() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    return None


def _may_still_write(pid: int, modified: float) -> bool:
    """False when the process that made a temporary file is gone (or its pid now names a younger process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS, BSD): alive is all that is known
    fields = status[status.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return False  # exited, not yet reaped
    boot = _boot_time()
    if boot is None:
        return True
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return modified >= started - _CLOCK_SLACK


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files of ours in ``folder`` whose writer no longer runs; returns them."""
    removed: list[Path] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    with entries:
        for entry in entries:
            match = _TEMP.fullmatch(entry.name)
            if match is None:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and not _may_still_write(int(match[1]), info.st_mtime):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _create_temp(dest: Path, sweep: bool) -> tuple[int, Path]:
    """A new, exclusive temporary file beside ``dest`` (never through a planted link)."""
    if sweep:
        remove_stale_temps(dest.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = dest.parent / f".{dest.name[:60]}.ovh-invoices-{os.getpid()}-{secrets.token_hex(4)}.part"
        with contextlib.suppress(FileExistsError):
            return os.open(temp, flags, 0o600), temp


def _discard(temp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


@contextlib.contextmanager
def _temp_file(dest: Path, *, fsync: bool, mode: int | None, sweep: bool) -> Iterator[tuple[BinaryIO, Path]]:
    """A complete temporary file once the block ends (removed if it raises); the caller commits it."""
    fd, temp = _create_temp(dest, sweep)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, temp
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_UMASK if mode is None else mode)
    except BaseException:
        _discard(temp)
        raise


def _commit(temp: Path, dest: Path, overwrite: bool) -> None:
    """Move the finished temporary file to ``dest`` (no clobbering unless ``overwrite``); removes it on failure."""
    try:
        if overwrite:
            with contextlib.suppress(FileNotFoundError):
                _refuse_special(dest, os.lstat(dest).st_mode)  # may have appeared since the check
            os.replace(temp, dest)
            return
        try:
            # link() fails atomically if dest appeared meanwhile: no race between the check and the move.
            os.link(temp, dest)
        except FileExistsError:
            raise FileExistsError(_exists_message(dest)) from None
        except OSError:
            # Filesystems without hard links (FAT, some network shares): check, then rename.
            if os.path.lexists(dest):
                raise FileExistsError(_exists_message(dest)) from None
            os.replace(temp, dest)
    finally:
        _discard(temp)


@contextlib.contextmanager
def atomic_open(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    fsync: bool = True,
    mode: int | None = None,
    sweep: bool = True,
) -> Iterator[BinaryIO]:
    """Open a temporary file next to ``path``; on a clean exit it becomes ``path``, otherwise it is removed.

    Raises as :func:`check_destination` does (before writing anything, and ``FileExistsError`` again at
    commit time). ``mode`` defaults to what a plain ``open()`` gives; ``sweep=False`` skips removing the
    folder's stale temporary files (a caller writing many files in one folder sweeps once).
    """
    dest = check_destination(path, overwrite=overwrite)
    with _temp_file(dest, fsync=fsync, mode=mode, sweep=sweep) as (handle, temp):
        yield handle
    _commit(temp, dest, overwrite)


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], T], *, overwrite: bool = False) -> T:
    """Call ``write(handle)`` on a temporary file that becomes ``path`` if it returns; returns its value."""
    with atomic_open(path, overwrite=overwrite) as handle:
        return write(handle)


def _write_temp(dest: Path, write: Callable[[BinaryIO], T]) -> tuple[Path, T]:
    """Thread side of :func:`write_atomic_in_thread`: a complete temporary file (removed on failure)."""
    with _temp_file(dest, fsync=True, mode=None, sweep=True) as (handle, temp):
        value = write(handle)
    return temp, value


def _discard_when_done(future: asyncio.Future[tuple[Path, Any]]) -> None:
    if not future.cancelled() and future.exception() is None:
        _discard(future.result()[0])


async def write_atomic_in_thread(
    path: str | os.PathLike[str], write: Callable[[BinaryIO], T], *, overwrite: bool = False
) -> T:
    """:func:`write_atomic` with ``write`` (the CPU-heavy part) run in a worker thread.

    Cancellation-safe: a thread cannot be stopped, so if the caller is cancelled meanwhile the
    temporary file is removed when the thread finishes, and nothing is ever renamed into place.
    The rename itself happens on the event loop, with no await between it and the thread's end.
    """
    dest = check_destination(path, overwrite=overwrite)
    future = asyncio.get_running_loop().run_in_executor(None, _write_temp, dest, write)
    try:
        temp, value = await asyncio.shield(future)
    except asyncio.CancelledError:
        future.add_done_callback(_discard_when_done)
        raise
    _commit(temp, dest, overwrite)
    return value


def write_bytes_atomic(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False, mode: int | None = None, sweep: bool = True
) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_open(path, overwrite=overwrite, mode=mode, sweep=sweep) as handle:
        handle.write(data)
    return Path(path)


def write_file_in_folder(
    folder: str | os.PathLike[str], ref: str, ext: str, data: bytes, *, overwrite: bool = False
) -> Path:
    """Save ``data`` as ``<safe ref>.<ext>`` in ``folder`` (atomic; ``FileExistsError`` unless ``overwrite``)."""
    target = Path(folder) / safe_filename(ref, ext)
    return write_bytes_atomic(target, data, overwrite=overwrite)
