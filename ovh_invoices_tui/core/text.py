"""Text from the API is data: the one sanitiser every output (TUI, CLI, exports, PDF) passes it through.

It removes what a terminal (or a viewer) would obey instead of show: C0 and C1 control characters, DEL,
and so the ESC that starts every escape sequence (what follows it is then shown literally, ``[31m``),
and the bidi controls that could reorder the rest of a line (embeddings and overrides U+202A–U+202E,
isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C).
"""

from __future__ import annotations

__all__ = ["BIDI_CONTROLS", "CONTROLS", "clean", "is_clean"]

BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
CONTROLS = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))

# One line: controls and bidi removed; tab and line breaks become a space so a cell stays one line.
_ONE_LINE: dict[int, str | None] = {code: None for code in (*CONTROLS, *BIDI_CONTROLS)}
_ONE_LINE.update({0x09: " ", 0x0A: " ", 0x0D: " "})
# Several lines (a message, a document's text): line feeds kept (CR and CRLF are made LF before).
_LINES: dict[int, str | None] = {**_ONE_LINE, 0x0A: "\n"}


def clean(value: object, *, lines: bool = False) -> str:
    """``value`` as text safe to show: controls, ESC and bidi controls removed, tabs as spaces.

    One line unless ``lines``: then line breaks are kept (``\\r\\n`` and ``\\r`` become ``\\n``).
    Markup is not escaped here: callers build ``rich.text.Text`` (or escape) themselves.
    """
    text = str(value)
    if text.isprintable():  # the usual case, and fast: every character removed here is non-printable
        return text
    if lines:
        return text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINES)
    return text.translate(_ONE_LINE)


def is_clean(text: str) -> bool:
    """True when :func:`clean` would give ``text`` back unchanged (one-line rules)."""
    return text.isprintable() or text == text.translate(_ONE_LINE)
