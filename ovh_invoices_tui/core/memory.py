"""Giving memory back to the system once a big load is over.

Decoding 100,000 invoices allocates and frees a few hundred megabytes of short-lived buffers (response
pages, cache records). glibc keeps freed heap memory for later instead of returning it, so the process would
stay at its peak size for as long as it runs; ``malloc_trim`` hands the free pages back (a few milliseconds).
Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only here: a few milliseconds at start-up for nothing otherwise

    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl …)
        return None
    return trim


def release_free_memory() -> None:
    """Return the heap memory Python has freed to the system (glibc only; harmless elsewhere)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
