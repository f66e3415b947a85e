"""One date-range input for every filter bar: a day, a month (``2024-03``), a year or a ``from..to`` range.

Checked as the user types (a malformed range is flagged, with the reason in the user's language); applied on
Enter or when the field is left, so a half-typed date never filters the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.message import Message
from textual.widgets import Input

from ovh_invoices_tui.core.filters import FilterInputError, parse_date_range
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.widgets.filter_input import FilterInput


def filter_error_text(error: FilterInputError, lang: str) -> str:
    """The message of a FilterInputError in ``lang``, from its code (one without a code is shown as raised)."""
    if error.code is None:
        return str(error)
    text = repr(error.text)
    if lang == "fr":
        text = f"«\u00a0{error.text}\u00a0»"  # what was typed, in French quotes rather than Python's
    return t(f"daterange.{error.code}", lang, text=text)


def format_date_range(start: date | None, end: date | None) -> str:
    """What the input shows for a range: ``2024-03-01``, ``2024-03-01..2024-03-31``, ``..2024-03-31`` or empty."""
    if not (start or end):
        return ""
    first = start.isoformat() if start else ""
    last = end.isoformat() if end else ""
    return first if start == end else f"{first}..{last}"


class DateRangeInput(FilterInput):
    """An input for a date range; posts :class:`DateRangeInput.Entered` with a valid range on Enter or blur,
    and :class:`DateRangeInput.Checked` after each keystroke with the error text (None when valid)."""

    @dataclass
    class Entered(Message):
        input: DateRangeInput
        start: date | None
        end: date | None

        @property
        def control(self) -> DateRangeInput:
            return self.input

    @dataclass
    class Checked(Message):
        input: DateRangeInput
        error: str | None

        @property
        def control(self) -> DateRangeInput:
            return self.input

    def __init__(self, *, lang: str = "en", placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.lang = lang

    @property
    def is_invalid(self) -> bool:
        return self.has_class("-invalid")

    def show_range(self, start: date | None, end: date | None) -> None:
        """Show ``start..end`` without posting anything (the filter already says so)."""
        with self.prevent(Input.Changed):
            self.value = format_date_range(start, end)
        self.remove_class("-invalid")

    def parse(self) -> tuple[date | None, date | None] | None:
        """The range typed, or None (and the field flagged) when it is not one."""
        try:
            parsed = parse_date_range(self.value)
        except FilterInputError as exc:
            self.add_class("-invalid")
            self.post_message(self.Checked(self, filter_error_text(exc, self.lang)))
            return None
        self.remove_class("-invalid")
        self.post_message(self.Checked(self, None))
        return parsed

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.parse()

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _entered(self, event: Input.Submitted | Input.Blurred) -> None:
        parsed = self.parse()
        if parsed is not None:
            self.post_message(self.Entered(self, *parsed))
        elif isinstance(event, Input.Submitted):
            event.stop()  # an invalid range keeps the user in the field
