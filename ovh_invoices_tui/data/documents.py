"""Documents as text: an invoice's HTML rendered readable (tables aligned), a PDF's text via pypdf."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import webbrowser
from html.parser import HTMLParser
from pathlib import Path

from ovh_invoices_tui.core.text import clean

_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "header", "footer", "address"}
_SKIP = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    """Collects paragraphs and tables; tables are kept as lists of rows of cells for alignment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str | list[list[str]]] = []
        self._line: list[str] = []
        self._skip = 0
        self._table: list[list[str]] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in _BLOCKS and self._cell is None:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            if any(self._row):
                self._table.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.blocks.append(self._table)
            self._table = None
        elif tag in _BLOCKS and self._cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._table is None:
            self._line.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._line).split())
        if text:
            self.blocks.append(text)
        self._line = []

    def close(self) -> None:
        super().close()
        self._flush()


def _format_table(rows: list[list[str]], width: int) -> list[str]:
    columns = max(len(row) for row in rows)
    padded = [[clean(c) for c in row] + [""] * (columns - len(row)) for row in rows]
    widths = [max(len(row[i]) for row in padded) for i in range(columns)]
    # Shrink the widest column until the table fits the width (cells are then cut with an ellipsis).
    while sum(widths) + 2 * (columns - 1) > width and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1

    def fit(cell: str, w: int) -> str:
        return cell if len(cell) <= w else cell[: w - 1] + "…"

    def numeric(cell: str) -> bool:
        return bool(cell) and (cell[0].isdigit() or cell[0] in "-€$£") and any(ch.isdigit() for ch in cell)

    lines = []
    for index, row in enumerate(padded):
        cells = [
            fit(cell, w).rjust(w) if numeric(cell) and index else fit(cell, w).ljust(w)
            for cell, w in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("─" * w for w in widths))
    return lines


def html_to_text(html: str, width: int = 100) -> str:
    """Readable text of an HTML document: paragraphs on their own lines, tables aligned in columns."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    for block in parser.blocks:
        if isinstance(block, str):
            out.append(clean(block))
        elif block:
            out.append("")
            out.extend(_format_table(block, width))
            out.append("")
    return "\n".join(out).strip() + "\n"


def pdf_to_text(data: bytes) -> str:
    """The text of each page of a PDF, pages separated by a rule."""
    from pypdf import PdfReader  # here: the PDF reader costs every start of the app otherwise

    reader = PdfReader(io.BytesIO(data))
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        body = "\n".join(clean(line) for line in (page.extract_text() or "").splitlines())
        pages.append(f"── page {number}/{len(reader.pages)} ──\n{body}")
    return "\n\n".join(pages) + "\n"


def has_graphical_session() -> bool:
    """Whether opening a browser or viewer would show a window (never a text browser inside our terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_url(url: str) -> bool:
    """Open an http(s) URL in a graphical browser; returns False when there is none (or the URL is not web)."""
    if not url.lower().startswith(("https://", "http://")) or not has_graphical_session():
        return False
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False


def open_file(path: Path) -> bool:
    """Open a local file in the system viewer (argument list, never a shell); False when none is available."""
    if not has_graphical_session():
        return False
    opener = {"darwin": ["open"], "win32": ["explorer"]}.get(sys.platform, ["xdg-open"])
    try:
        subprocess.Popen(
            [*opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    except OSError:
        return False
    return True
