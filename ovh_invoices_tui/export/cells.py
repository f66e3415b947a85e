"""Cell formatting shared by the writers: exact plain amounts, ISO dates, formula-safe text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ovh_invoices_tui.core.i18n import status_label
from ovh_invoices_tui.core.models import UCENTS_PER_UNIT

__all__ = ["iso_date", "neutralise", "plain_amount", "restore_text", "status_labels"]

_UCENTS_PER_CENT = UCENTS_PER_UNIT // 100
# First characters a spreadsheet evaluates as a formula (OWASP "CSV injection").
_FORMULA_START = frozenset("=+-@\t\r")


def plain_amount(ucents: int, decimal_mark: str = ".") -> str:
    """``-1234.5`` → ``"-1234.50"``: no grouping, no symbol, two decimals unless more are significant.

    Pure integer arithmetic (a Decimal per cell is several times slower), exact for any micro-cents.
    """
    sign = "-" if ucents < 0 else ""
    units, frac = divmod(-ucents if ucents < 0 else ucents, UCENTS_PER_UNIT)
    if frac % _UCENTS_PER_CENT == 0:
        return f"{sign}{units}{decimal_mark}{frac // _UCENTS_PER_CENT:02d}"
    return f"{sign}{units}{decimal_mark}{f'{frac:08d}'.rstrip('0')}"


def iso_date(value: date | datetime | None) -> str:
    """``YYYY-MM-DD`` (the date as the API states it, no time-zone conversion); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def _needs_quote(text: str) -> bool:
    first = text[:1]
    if first == "'":
        # Already-quoted-looking text is quoted again so that restore_text() is an exact inverse.
        first = text.lstrip("'")[:1]
    return first in _FORMULA_START


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (starts with = + - @ tab CR)."""
    return "'" + text if _needs_quote(text) else text


def restore_text(cell: str) -> str:
    """The original text of a cell written by :func:`neutralise` (exact inverse)."""
    if cell[:1] == "'" and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


def status_labels(lang: str, shown: Callable[[str], str]) -> Callable[[str], str]:
    """``label(status)``: the status's words in ``lang`` passed through ``shown`` (made safe for the file),
    each worked out once per export (the writers call it for every row)."""
    memo: dict[str, str] = {}

    def label(status: str) -> str:
        text = memo.get(status)
        if text is None:
            text = memo[status] = shown(status_label(status, lang))
        return text

    return label
