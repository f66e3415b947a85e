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
    if sys.platform == "win32":
        return None
    target = Path(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
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
