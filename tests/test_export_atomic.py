"""Atomic writes: complete file or nothing, no silent overwrite, safe names."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.export.atomic import (
    atomic_open,
    unique_name,
    write_atomic_in_thread,
    write_bytes_atomic,
    write_file_in_folder,
)


def test_write_then_refuse_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_bytes_atomic(target, b"first")
    with pytest.raises(FileExistsError, match="already exists"):
        write_bytes_atomic(target, b"second")
    assert target.read_bytes() == b"first"
    write_bytes_atomic(target, b"second", overwrite=True)
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_exception_inside_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write(b"partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


async def test_cancellation_inside_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    started = asyncio.Event()

    async def slow_writer() -> None:
        with atomic_open(target) as handle:
            handle.write(b"partial")
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow_writer())
    await started.wait()
    assert len(list(tmp_path.iterdir())) == 1  # the temp file exists meanwhile
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_existing_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"mine")
    with pytest.raises(RuntimeError), atomic_open(target, overwrite=True) as handle:
        handle.write(b"new")
        raise RuntimeError
    assert target.read_bytes() == b"mine"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_bytes_atomic(tmp_path / "nope" / "out.bin", b"x")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("FR12345678", "FR12345678.pdf"),
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("a/b\\c", "a_b_c.pdf"),
        ("..", "document.pdf"),
        ("", "document.pdf"),
        ("x\x00y\x1b[31m\n", "x_y_[31m.pdf"),
        ("CON", "_CON.pdf"),
        ("Référence", "Référence.pdf"),
    ],
)
def test_safe_filename(ref: str, expected: str) -> None:
    name = safe_filename(ref, "pdf")
    assert name == expected
    assert "/" not in name and "\\" not in name and ".." not in name


def test_safe_filename_long_and_unique(tmp_path: Path) -> None:
    name = safe_filename("é" * 500, "pdf")
    assert len(name.encode()) <= 255
    taken: set[str] = set()
    assert unique_name("a_b.pdf", taken) == "a_b.pdf"
    assert unique_name("a_b.pdf", taken) == "a_b-2.pdf"
    path = write_file_in_folder(tmp_path, "x/../y", "pdf", b"%PDF")
    assert path.parent == tmp_path and path.read_bytes() == b"%PDF"


async def test_write_in_thread_commits(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    assert await write_atomic_in_thread(target, lambda handle: handle.write(b"done")) == 4
    assert target.read_bytes() == b"done"
    with pytest.raises(FileExistsError):
        await write_atomic_in_thread(target, lambda handle: handle.write(b"again"))


async def test_write_in_thread_cancelled_leaves_nothing_even_when_the_thread_finishes(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    release, finished = threading.Event(), threading.Event()

    def slow(handle: BinaryIO) -> None:
        handle.write(b"partial")
        release.wait(5)
        handle.write(b" and the rest")
        finished.set()

    task = asyncio.create_task(write_atomic_in_thread(target, slow))
    while not list(tmp_path.iterdir()):  # the thread has created its temporary file
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()  # the thread cannot be stopped: it completes after the cancellation
    assert await asyncio.to_thread(finished.wait, 5)
    for _ in range(100):
        if not list(tmp_path.iterdir()):
            break
        await asyncio.sleep(0.01)
    assert list(tmp_path.iterdir()) == []
