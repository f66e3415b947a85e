"""The filter bar: reference, order number, date of issue (a day, a month, a year or a from..to range), status."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Input, Label, Select

from ovh_invoices_tui.core.filters import BillFilter, FilterInputError, StatusFilter, parse_date_range
from ovh_invoices_tui.core.i18n import register, t

register(
    {
        "filterbar.reference": {"en": "Reference", "fr": "Référence"},
        "filterbar.order": {"en": "Order no.", "fr": "N° de commande"},
        "filterbar.date": {"en": "Date: 2024-03-01, 2024-03, 2024, a..b", "fr": "Date : 01/03/2024, 2024-03, a..b"},
        "filterbar.status": {"en": "Status", "fr": "Statut"},
        "filterbar.not_a_date": {
            "en": "not a date: {text} (use YYYY-MM-DD or DD/MM/YYYY)",
            "fr": "date invalide : {text} (format AAAA-MM-JJ ou JJ/MM/AAAA)",
        },
        "filterbar.not_a_month": {"en": "not a month: {text}", "fr": "mois invalide : {text}"},
        "filterbar.reversed_range": {
            "en": "range ends before it starts: {text}",
            "fr": "la période se termine avant de commencer : {text}",
        },
    }
)

# FilterInputError speaks English (filters.py is shared with the CLI): its messages, mapped to label keys.
_ERRORS = (
    (re.compile(r"^not a date: (?P<text>.*?)(?: \(use [^)]*\))?$", re.DOTALL), "filterbar.not_a_date"),
    (re.compile(r"^not a month: (?P<text>.*)$", re.DOTALL), "filterbar.not_a_month"),
    (re.compile(r"^range ends before it starts: (?P<text>.*)$", re.DOTALL), "filterbar.reversed_range"),
)


def filter_error_text(error: FilterInputError, lang: str) -> str:
    """The message of a FilterInputError in ``lang`` (an unknown message is shown as raised)."""
    message = str(error)
    for pattern, key in _ERRORS:
        match = pattern.match(message)
        if match:
            text = match["text"]
            if lang == "fr" and len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = f"«\u00a0{text[1:-1]}\u00a0»"  # what was typed, in French quotes rather than Python's
            return t(key, lang, text=text)
    return message


def _status_options(lang: str) -> list[tuple[str, StatusFilter]]:
    return [(t(f"filter.status.{s.value}", lang), s) for s in StatusFilter]


class FilterBar(Container):
    """Posts :class:`FilterBar.Changed` with the new filter; a malformed date is flagged and not applied.

    The inputs on one line, the error (when any) on its own line under them: a grid, so every input stays
    a direct child of the bar.
    """

    DEFAULT_CSS = """
    FilterBar {
        layout: grid; grid-size: 4; grid-columns: 1fr 1fr 2fr 18; grid-rows: auto;
        height: auto; display: none; padding: 0 1; background: $boost;
    }
    FilterBar Input, FilterBar Select { width: 100%; }
    FilterBar Input.-invalid { border: tall $error; }
    FilterBar #filter-error { column-span: 4; color: $error; width: 100%; height: auto; padding: 0 1; display: none; }
    FilterBar #filter-error.-shown { display: block; }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back to the list", id="filters.leave", tooltip="Leave the filter bar"),
    ]

    @dataclass
    class Changed(Message):
        filter: BillFilter

    class Left(Message):
        """The user left the bar (Esc)."""

    def __init__(self, lang: str = "en", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.current = BillFilter()

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Input(placeholder=t("filterbar.reference", lang), id="filter-reference")
        yield Input(placeholder=t("filterbar.order", lang), id="filter-order", restrict=r"[0-9]*")
        yield Input(placeholder=t("filterbar.date", lang), id="filter-date")
        yield Select(_status_options(lang), value=StatusFilter.ALL, allow_blank=False, id="filter-status")
        yield Label("", id="filter-error")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        for field in ("reference", "order", "date"):
            self.query_one(f"#filter-{field}", Input).placeholder = t(f"filterbar.{field}", lang)
        select: Select[StatusFilter] = self.query_one("#filter-status", Select)
        with self.prevent(Select.Changed):
            select.set_options(_status_options(lang))
            # The shown label is only redrawn when the value changes: pass by another value to relabel it.
            select.value = next(s for s in StatusFilter if s is not self.current.status)
            select.value = self.current.status

    def show_filter(self, current: BillFilter) -> None:
        """Reflect ``current`` in the inputs (e.g. after the filters were cleared by a key)."""
        self.current = current
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#filter-reference", Input).value = current.reference
            self.query_one("#filter-order", Input).value = current.order
            date_input = self.query_one("#filter-date", Input)
            if current.date_from or current.date_to:
                start = current.date_from.isoformat() if current.date_from else ""
                end = current.date_to.isoformat() if current.date_to else ""
                date_input.value = start if start == end else f"{start}..{end}"
            else:
                date_input.value = ""
            date_input.remove_class("-invalid")
            self.query_one("#filter-status", Select).value = current.status
        self._show_error(None)

    def _show_error(self, message: str | None) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(message or "")
        label.set_class(bool(message), "-shown")

    @on(Input.Changed, "#filter-reference")
    def _reference(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, reference=event.value.strip()))

    @on(Input.Changed, "#filter-order")
    def _order(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, order=event.value.strip()))

    @on(Input.Changed, "#filter-date")
    def _date_typed(self, event: Input.Changed) -> None:
        """Validate as the user types; the date is applied on Enter or when leaving the field."""
        self._parse_date(event.input)

    @on(Input.Submitted, "#filter-date")
    @on(Input.Blurred, "#filter-date")
    def _date_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        parsed = self._parse_date(event.input)
        if parsed is not None:
            start, end = parsed
            self._apply(replace(self.current, date_from=start, date_to=end))

    def _parse_date(self, field: Input) -> tuple[date | None, date | None] | None:
        try:
            parsed = parse_date_range(field.value)
        except FilterInputError as exc:
            field.add_class("-invalid")
            self._show_error(filter_error_text(exc, self.lang))
            return None
        field.remove_class("-invalid")
        self._show_error(None)
        return parsed

    @on(Select.Changed, "#filter-status")
    def _status(self, event: Select.Changed) -> None:
        if isinstance(event.value, StatusFilter):
            self._apply(replace(self.current, status=event.value))

    def _apply(self, new_filter: BillFilter) -> None:
        if new_filter == self.current:
            return
        self.current = new_filter
        self.post_message(self.Changed(new_filter))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    @property
    def has_invalid_input(self) -> bool:
        return self.query_one("#filter-date", Input).has_class("-invalid")
