"""Unit prices (``order.LongPrice``) keep their full precision; totals stay in cents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.console import Console

from ovh_invoices_tui.core.i18n import format_money, significant_places
from ovh_invoices_tui.core.models import BillDetail, Money
from ovh_invoices_tui.screens.detail import lines_table

NNBSP, NBSP = "\u202f", "\u00a0"


def test_significant_places() -> None:
    assert significant_places(Decimal("0.040726")) == 6
    assert significant_places(Decimal("0.04")) == 2
    assert significant_places(Decimal("730")) == 2
    assert significant_places(Decimal("12.50000")) == 2
    assert significant_places(Decimal("0.00000001")) == 8
    assert significant_places(Decimal("-1.125")) == 3


def test_exact_money_keeps_every_significant_decimal() -> None:
    price = Money.of("0.040726")
    assert format_money(price, "fr") == f"0,04{NBSP}€"  # amounts: cents
    assert format_money(price, "fr", exact=True) == f"0,040726{NBSP}€"
    assert format_money(price, "en", exact=True) == "€0.040726"
    assert format_money(Money.of("1234.5"), "fr", exact=True) == f"1{NNBSP}234,50{NBSP}€"  # minimum 2
    assert format_money(Money.of("-0.125"), "en", exact=True) == "-€0.125"
    assert format_money(Money.of("3", "XPF"), "en", exact=True) == "3.00 XPF"
    # from the API: a LongPrice as a float value, no priceInUcents
    long_price = Money.from_api({"currencyCode": "EUR", "text": "0.04 €", "value": 0.040726})
    assert format_money(long_price, "fr", exact=True) == f"0,040726{NBSP}€"


def _line() -> BillDetail:
    return BillDetail(
        bill_detail_id="1",
        description="Instance b2-7",
        domain="project-1",
        period_start=date(2024, 3, 1),
        period_end=date(2024, 3, 31),
        quantity="730",
        total_price=Money.of("29.73"),
        unit_price=Money.of("0.040726"),
    )


def _render(width: int) -> str:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(lines_table([_line()], "fr", width=width))
    return console.export_text()


def test_detail_lines_show_unit_price_in_full() -> None:
    narrow = _render(80)
    assert f"730 × 0,040726{NBSP}€" in narrow and f"29,73{NBSP}€" in narrow
    assert f"0,04{NBSP}€" not in narrow.replace(f"0,040726{NBSP}€", "")
    wide = _render(140)
    assert f"0,040726{NBSP}€" in wide and f"29,73{NBSP}€" in wide
