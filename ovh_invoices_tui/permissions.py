"""Start-up check of the files that hold secrets: config and cache files 0600, their directories 0700."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def check_private(path: str | os.PathLike[str]) -> str | None:
    """A one-line warning when ``path`` (or, for a file, its directory) is open to other users; None when fine.

    A file must grant nothing to group and others (0600 or tighter), a directory likewise (0700). A missing
    path, and Windows (no POSIX modes), give None.
    """
    target = Path(path)
    mode = _mode(target)
    if mode is None:
        return None
    is_dir = target.is_dir()
    if mode & 0o077:
        wanted = DIR_MODE if is_dir else FILE_MODE
        kind = "folder" if is_dir else "file"
        return (
            f"warning: the {kind} {target} is open to other users (mode {mode:04o}); it holds secrets: "
            f"run `chmod {wanted:o} {target}`"
        )
    return None if is_dir else check_private(target.parent)


def check_all(paths: list[Path]) -> list[str]:
    """The warnings of :func:`check_private` for each of ``paths`` (each said once)."""
    warnings = (check_private(path) for path in paths)
    return list(dict.fromkeys(w for w in warnings if w))


def shared_folder_problem(directory: str | os.PathLike[str]) -> str | None:
    """``folder X: other users can write to it (mode 0777) …`` when group or others may write into
    ``directory`` (they could plant or swap files there); None when only its owner can, or it does not exist.
    """
    folder = Path(directory)
    mode = _mode(folder)
    if mode is not None and mode & 0o022:
        return (
            f"the folder {folder}: other users can write to it (mode {mode:04o}); "
            f"run `chmod {DIR_MODE:o} {folder}` or choose another --config"
        )
    return None


def _mode(path: Path) -> int | None:
    """The permission bits of ``path``; None when it is missing or on Windows (no POSIX modes)."""
    if sys.platform == "win32":
        return None
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
