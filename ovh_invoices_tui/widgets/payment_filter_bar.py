"""Payment tracking's filter bar: reference, a date range, an amount range and a payment method."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from ovh_invoices_tui.core.i18n import payment_type_label, t
from ovh_invoices_tui.state.payments import PaymentFilter, parse_amount
from ovh_invoices_tui.widgets.date_range import DateRangeInput
from ovh_invoices_tui.widgets.filter_bar_base import FilterBarBase
from ovh_invoices_tui.widgets.filter_input import FilterInput


class PaymentFilterBar(FilterBarBase[PaymentFilter]):
    """Reference, a date range, an amount range and a payment type; posts ``Changed`` with the filter."""

    DEFAULT_CSS = """
    PaymentFilterBar { layout: horizontal; height: auto; display: none; background: $boost; }
    PaymentFilterBar Input { width: 1fr; }
    PaymentFilterBar #pf-date { width: 2fr; }
    PaymentFilterBar #pf-min, PaymentFilterBar #pf-max { width: 11; }
    PaymentFilterBar Select { width: 22; }
    PaymentFilterBar Input.-invalid { border: tall $error; }
    """

    def __init__(self, lang: str = "en", id: str | None = None) -> None:
        super().__init__(PaymentFilter(), lang=lang, id=id)
        self._types: list[str] | None = None

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield FilterInput(placeholder=t("payments.f.reference", lang), id="pf-reference")
        yield DateRangeInput(lang=lang, placeholder=t("payments.f.date", lang), id="pf-date")
        yield FilterInput(placeholder=t("payments.f.min", lang), id="pf-min", restrict=r"[0-9.,\s]*")
        yield FilterInput(placeholder=t("payments.f.max", lang), id="pf-max", restrict=r"[0-9.,\s]*")
        yield Select[str]([], prompt=t("payments.f.all_types", lang), id="pf-type")

    def set_types(self, types: list[str]) -> None:
        """The payment types offered (those present in the data)."""
        select: Select[str] = self.query_one("#pf-type", Select)
        options = [(payment_type_label(kind, self.lang), kind) for kind in types]
        if [value for _, value in options] == self._types:
            return
        self._types = [value for _, value in options]
        with self.prevent(Select.Changed):
            select.set_options(options)
            if self.current.payment_type in self._types:
                select.value = self.current.payment_type

    def _show_fields(self, current: PaymentFilter) -> None:
        self.query_one("#pf-reference", Input).value = current.reference
        self.query_one("#pf-date", DateRangeInput).show_range(current.date_from, current.date_to)
        self.query_one("#pf-min", Input).value = "" if current.amount_min is None else str(current.amount_min)
        self.query_one("#pf-max", Input).value = "" if current.amount_max is None else str(current.amount_max)
        select: Select[str] = self.query_one("#pf-type", Select)
        with self.prevent(Select.Changed):
            if current.payment_type:
                select.value = current.payment_type
            else:
                select.clear()
        for field in self.query(Input):
            field.remove_class("-invalid")

    def _with_dates(self, current: PaymentFilter, start: date | None, end: date | None) -> PaymentFilter:
        return replace(current, date_from=start, date_to=end)

    @on(Input.Changed, "#pf-reference")
    def _reference(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, reference=event.value.strip()))

    @on(Input.Changed, "#pf-min")
    @on(Input.Changed, "#pf-max")
    def _amount(self, event: Input.Changed) -> None:
        try:
            value = parse_amount(event.value)
        except ValueError:
            event.input.add_class("-invalid")
            return
        event.input.remove_class("-invalid")
        if event.input.id == "pf-min":
            self._apply(replace(self.current, amount_min=value))
        else:
            self._apply(replace(self.current, amount_max=value))

    @on(Select.Changed, "#pf-type")
    def _type(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        self._apply(replace(self.current, payment_type=value))
