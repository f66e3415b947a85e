"""Today, for everything that says "late" or "this month" (a function so tests and snapshots can pin it)."""

from __future__ import annotations

from datetime import date


def today() -> date:
    """The current day (local)."""
    return date.today()
