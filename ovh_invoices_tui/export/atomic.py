"""Atomic file writes: a file appears complete under its final name, or not at all.

Data is written to a hidden temporary file in the destination directory (same filesystem, so the
final rename is atomic), flushed and fsynced, then moved into place. Any exception, including
``asyncio.CancelledError`` and ``KeyboardInterrupt``, removes the temporary file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from ovh_invoices_tui.core.filenames import safe_filename

__all__ = [
    "atomic_open",
    "check_destination",
    "unique_name",
    "write_atomic",
    "write_atomic_in_thread",
    "write_bytes_atomic",
    "write_file_in_folder",
]

T = TypeVar("T")

# Read once: new files get the permissions a plain open() would give them (mkstemp makes 0600).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_TEMP_SUFFIX = ".part"


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


def check_destination(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Fail early (before any costly work) if ``path`` exists and may not be overwritten, or its folder is missing."""
    dest = Path(path)
    if not dest.parent.is_dir():
        raise FileNotFoundError(f"Folder {str(dest.parent)!r} does not exist")
    if dest.is_dir():
        raise IsADirectoryError(f"{str(dest)!r} is a folder, not a file name")
    if not overwrite and dest.exists():
        raise FileExistsError(f"{str(dest)!r} already exists; choose another name or allow overwriting")
    return dest


def _commit(tmp: str, dest: Path, overwrite: bool) -> None:
    """Move the finished temporary file to ``dest`` (never clobbering it unless ``overwrite``)."""
    if overwrite:
        os.replace(tmp, dest)
        return
    try:
        # link() fails atomically if dest appeared meanwhile: no race between the check and the move.
        os.link(tmp, dest)
    except FileExistsError:
        raise FileExistsError(f"{str(dest)!r} already exists; choose another name or allow overwriting") from None
    except OSError:
        # Filesystems without hard links (FAT, some network shares): check, then rename.
        if dest.exists():
            raise FileExistsError(f"{str(dest)!r} already exists; choose another name or allow overwriting") from None
        os.replace(tmp, dest)
    else:
        os.unlink(tmp)


def _discard(tmp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def _new_temp(dest: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{dest.name[:60]}.", suffix=_TEMP_SUFFIX, dir=dest.parent)


def _finish(handle: BinaryIO, fsync: bool) -> None:
    handle.flush()
    if fsync:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, overwrite: bool = False, fsync: bool = True) -> Iterator[BinaryIO]:
    """Open a temporary file next to ``path``; on a clean exit it becomes ``path``, otherwise it is removed.

    Raises ``FileExistsError`` (before writing anything, and again at commit time) if ``path`` exists
    and ``overwrite`` is false.
    """
    dest = check_destination(path, overwrite=overwrite)
    fd, tmp = _new_temp(dest)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            _finish(handle, fsync)
        os.chmod(tmp, 0o666 & ~_UMASK)
        _commit(tmp, dest, overwrite)
    except BaseException:
        _discard(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], T], *, overwrite: bool = False) -> T:
    """Call ``write(handle)`` on a temporary file that becomes ``path`` if it returns; returns its value."""
    with atomic_open(path, overwrite=overwrite) as handle:
        return write(handle)


def _write_temp(dest: Path, write: Callable[[BinaryIO], T]) -> tuple[str, T]:
    """Thread side of :func:`write_atomic_in_thread`: a complete temporary file (removed on failure)."""
    fd, tmp = _new_temp(dest)
    try:
        with os.fdopen(fd, "wb") as handle:
            value = write(handle)
            _finish(handle, fsync=True)
        os.chmod(tmp, 0o666 & ~_UMASK)
    except BaseException:
        _discard(tmp)
        raise
    return tmp, value


def _discard_when_done(future: asyncio.Future[tuple[str, Any]]) -> None:
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
        tmp, value = await asyncio.shield(future)
    except asyncio.CancelledError:
        future.add_done_callback(_discard_when_done)
        raise
    try:
        _commit(tmp, dest, overwrite)
    except BaseException:
        _discard(tmp)
        raise
    return value


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_open(path, overwrite=overwrite) as handle:
        handle.write(data)
    return Path(path)


def write_file_in_folder(
    folder: str | os.PathLike[str], ref: str, ext: str, data: bytes, *, overwrite: bool = False
) -> Path:
    """Save ``data`` as ``<safe ref>.<ext>`` in ``folder`` (atomic; ``FileExistsError`` unless ``overwrite``)."""
    target = Path(folder) / safe_filename(ref, ext)
    return write_bytes_atomic(target, data, overwrite=overwrite)
