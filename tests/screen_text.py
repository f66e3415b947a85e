"""Read what the terminal shows, as plain text lines, from a running app (for pilot tests)."""

from __future__ import annotations

from typing import Any


def screen_lines(app: Any) -> list[str]:
    """The whole screen as the user sees it (every layer composited), one string per terminal line."""
    update = app.screen._compositor.render_full_update()
    return ["".join(segment.text for segment in strip) for strip in update.strips]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))
