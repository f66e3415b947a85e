"""What an export may replace, and what a killed export leaves behind (issue 14, items 5 and 6).

Only regular files are replaced; devices, FIFOs, sockets and folders are refused with one line and left
untouched; a symbolic link is written through to its target. A killed export's temporary file is named
recognisably and removed by the next write into that folder.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.export.atomic import NotARegularFile, remove_stale_temps, write_bytes_atomic


@pytest.fixture(autouse=True)
def workdir(isolated: Path, tmp_path: Path) -> Path:
    """The isolated user with a demo profile (in-process sandbox); subprocesses inherit the same environment."""
    isolated.write_text("default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 40\n")
    return tmp_path


@contextlib.contextmanager
def fifo(path: Path) -> Iterator[int]:
    """A FIFO with a reader held open (non-blocking), so a writer opening it would not hang the test."""
    os.mkfifo(path)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        yield reader
    finally:
        os.close(reader)


def _nothing_written(reader: int) -> bool:
    try:
        return os.read(reader, 1) == b""
    except BlockingIOError:
        return True


def _char_device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the numbers of /dev/null


SPECIAL: dict[str, tuple[Callable[[Path], object], Callable[[int], bool], str]] = {
    "char device": (_char_device, stat.S_ISCHR, "character device"),
    "socket": (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), stat.S_ISSOCK, "socket"),
    "folder": (lambda p: p.mkdir(), stat.S_ISDIR, "folder"),
}


@pytest.mark.parametrize("option", ["--pdf", "--csv"])
def test_force_refuses_a_fifo_and_leaves_it_untouched(
    workdir: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workdir / "out"
    folder.mkdir()
    target = folder / "pipe"
    with fifo(target) as reader:
        status = cli.main(["bills", "export", option, str(target), "--force"])
        err = capsys.readouterr().err
        assert status == 2
        assert err.count("\n") == 1 and "FIFO" in err and str(target) in err and "Traceback" not in err, err
        assert stat.S_ISFIFO(os.lstat(target).st_mode) and _nothing_written(reader)
    assert os.listdir(folder) == ["pipe"]  # no temporary file left


@pytest.mark.parametrize("kind", list(SPECIAL))
def test_force_refuses_other_special_files(workdir: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    make, is_kind, word = SPECIAL[kind]
    target = workdir / "node"
    make(target)
    before = os.lstat(target)
    assert cli.main(["bills", "export", "--pdf", str(target), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and word in err and "Traceback" not in err, err
    after = os.lstat(target)
    assert is_kind(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_symlink_is_written_through_and_stays_a_link(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    real = elsewhere / "bills.csv"
    real.write_text("old\n")
    link = workdir / "bills.csv"
    link.symlink_to(real)
    assert cli.main(["bills", "export", "--csv", str(link)]) == 2  # a link counts as existing: --force needed
    assert "already exists" in capsys.readouterr().err and real.read_text() == "old\n"

    assert cli.main(["bills", "export", "--csv", str(link), "--force"]) == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(real.read_text(encoding="utf-8-sig").splitlines()) == 1 + 40  # the header and the 40 demo bills
    assert sorted(os.listdir(elsewhere)) == ["bills.csv"]  # the temporary file was made there, and is gone


def test_a_link_to_a_device_is_refused_like_the_device(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = workdir / "pipe"
    with fifo(target) as reader:
        link = workdir / "out.pdf"
        link.symlink_to(target)
        assert cli.main(["bills", "export", "--pdf", str(link), "--force"]) == 2
        assert "FIFO" in capsys.readouterr().err
        assert link.is_symlink() and stat.S_ISFIFO(os.lstat(target).st_mode) and _nothing_written(reader)


# --- temporary files ---------------------------------------------------------------------------------

# The real command line, on a disk whose flush never ends: the export stays inside its write until killed.
_STUCK_DISK = """
import os, sys, threading
os.fsync = lambda fd: threading.Event().wait()
from ovh_invoices_tui.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _wait_for(found: Callable[[], list[Path]], proc: subprocess.Popen[bytes], timeout: float = 60) -> list[Path]:
    """Poll (no fixed sleep) until ``found()`` gives something; fails if the process ends first."""
    deadline = time.monotonic() + timeout
    while not (paths := found()):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else proc.returncode
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.02)
    return paths


def test_a_killed_export_leaves_a_part_that_the_next_export_removes(workdir: Path) -> None:
    folder = workdir / "exports"
    folder.mkdir()
    target = folder / "bills.csv"
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUCK_DISK, "bills", "export", "--csv", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Written and flushed, stuck in the flush to disk: the .part is there with the data in it.
        (part,) = _wait_for(lambda: [p for p in folder.glob(".bills.csv.*.part") if p.stat().st_size], proc)
    finally:
        proc.kill()  # SIGKILL: no handler runs, nothing is cleaned up
        proc.wait()
    assert part.name.startswith(f".bills.csv.ovh-invoices-{proc.pid}-") and part.stat().st_size > 0
    assert not target.exists()  # never a partial file under the final name
    if proc.stderr:
        proc.stderr.close()

    assert cli.main(["bills", "export", "--csv", str(folder / "again.csv")]) == 0
    assert sorted(os.listdir(folder)) == ["again.csv"]


def test_only_our_dead_writers_temporary_files_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = folder / f".a.csv.ovh-invoices-{proc.pid}-00aa11bb.part"
    alive = folder / f".b.csv.ovh-invoices-{os.getpid()}-00aa11bb.part"  # ours, being written
    reused = folder / f".c.csv.ovh-invoices-{os.getpid()}-22cc33dd.part"  # our pid, but before we started
    foreign = folder / ".d.csv.1234.part"  # not named by us
    for path in (dead, alive, reused, foreign):
        path.write_bytes(b"partial")
    long_ago = time.time() - 10 * 365 * 86400
    os.utime(reused, (long_ago, long_ago))
    assert sorted(remove_stale_temps(folder)) == sorted([dead, reused])
    assert sorted(p.name for p in folder.iterdir()) == sorted([alive.name, foreign.name])

    write_bytes_atomic(folder / "x.bin", b"x")  # a write sweeps its folder; our live one stays
    assert alive.exists() and (folder / "x.bin").read_bytes() == b"x"


def test_the_writer_refuses_special_files_itself(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    with fifo(folder / "pipe") as reader:
        with pytest.raises(NotARegularFile, match="FIFO"):
            write_bytes_atomic(folder / "pipe", b"x", overwrite=True)
        assert _nothing_written(reader)
    assert sorted(os.listdir(folder)) == ["pipe"]


def test_config_writes_go_through_the_same_writer(tmp_path: Path) -> None:
    from ovh_invoices_tui.config import Profile, load_settings, save_profile

    base = tmp_path / "t"  # only this test's files in it
    base.mkdir()
    folder = base / "conf"
    folder.mkdir(mode=0o700)
    victim = base / "someone-else.txt"
    victim.write_text("theirs\n")
    (folder / ".config.toml.tmp").symlink_to(victim)  # the fixed temporary name the config used to write through
    real = base / "dotfiles-config.toml"
    real.write_text("language = 'fr'\n")
    (folder / "config.toml").symlink_to(real)  # a config kept in a dotfiles repository

    save_profile(Profile(name="main", application_key="ak", application_secret="as", consumer_key="ck"),
                 folder / "config.toml")  # fmt: skip
    assert victim.read_text() == "theirs\n"
    assert (folder / "config.toml").is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o600
    settings = load_settings(folder / "config.toml")
    assert settings.language == "fr" and settings.profiles["main"].consumer_key == "ck"
    assert sorted(os.listdir(base)) == sorted(["conf", "dotfiles-config.toml", "someone-else.txt"])
