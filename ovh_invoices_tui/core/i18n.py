"""Labels in English and French, and locale formatting of amounts and dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from ovh_invoices_tui.core.models import Money

LANGUAGES = ("en", "fr")

_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "CAD": "$", "GBP": "£", "AUD": "$", "SGD": "$"}

CATALOGUE = Path(__file__).with_name("labels.toml")  # every label, in both languages, side by side

_LABELS: dict[str, dict[str, str]] = {}  # the catalogue, read on first use


def _labels() -> dict[str, dict[str, str]]:
    if not _catalogue_read:
        _read_catalogue()
    return _LABELS


_catalogue_read = False


def _read_catalogue() -> None:
    global _catalogue_read
    import tomllib

    with CATALOGUE.open("rb") as catalogue:
        _LABELS.update(tomllib.load(catalogue))
    _catalogue_read = True


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The label ``key`` in ``lang`` (English, then the key itself, as fallbacks)."""
    entry = _labels().get(key)
    text = key if entry is None else entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def has_label(key: str) -> bool:
    return key in _labels()


def status_label(status: str, lang: str = "en") -> str:
    """The console's label for a debt status; an unknown status is shown as the API sent it."""
    key = f"status.{status}"
    return t(key, lang) if has_label(key) else status


def payment_type_label(payment_type: str | None, lang: str = "en") -> str:
    """The console's label for a payment mean; ``missing`` when absent, the raw value when unknown."""
    key = f"payment.{payment_type or 'missing'}"
    return t(key, lang) if has_label(key) else str(payment_type)


def language_of(locale_code: str | None) -> str:
    """Map an API language (``fr_FR``, ``en_GB`` …) or a plain code to one of LANGUAGES."""
    code = (locale_code or "en").split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def format_decimal(value: Decimal, lang: str = "en", places: int = 2) -> str:
    """Group thousands and set the decimal mark for the language (``1 234,56`` / ``1,234.56``)."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_EVEN):,.{places}f}"
    if lang == "fr":
        # U+202F (narrow no-break space) is what French typography and CLDR use for thousands.
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def significant_places(value: Decimal, minimum: int = 2) -> int:
    """Decimals needed to show ``value`` without rounding (trailing zeros dropped), at least ``minimum``."""
    exponent = value.normalize().as_tuple().exponent
    return max(minimum, -exponent) if isinstance(exponent, int) else minimum


def format_amounts(amounts: Iterable[Money], lang: str = "en") -> str:
    """Amounts in several currencies, ``12,00 € + 3,00 $``."""
    return " + ".join(format_money(money, lang) for money in amounts)


def format_money(money: Money, lang: str = "en", exact: bool = False) -> str:
    """``1 234,56 €`` in French, ``€1,234.56`` in English; unknown currencies keep their code.

    ``exact=True`` keeps every significant decimal (at least 2), for unit prices (``order.LongPrice``)
    such as ``0,040726 €``; otherwise the amount is rounded to cents.
    """
    symbol = _CURRENCY_SYMBOLS.get(money.currency, money.currency)
    value = money.value
    number = format_decimal(value, lang, significant_places(value) if exact else 2)
    if lang == "fr":
        return f"{number}\u00a0{symbol}"
    if money.ucents < 0:
        return f"-{symbol}{number[1:]}" if len(symbol) == 1 else f"{number} {symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{number} {symbol}"


def format_percent(ratio: float | None, lang: str = "en", signed: bool = True) -> str:
    """``+12.5 %`` / ``+12,5 %`` for a ratio of 0.125; empty when there is nothing to compare (None)."""
    if ratio is None:
        return ""
    text = f"{ratio * 100:{'+' if signed else ''}.1f}"
    return text.replace(".", ",") + "\u00a0%" if lang == "fr" else text + " %"


def format_date(value: date | datetime | None, lang: str = "en") -> str:
    """``26/11/2026`` in French, ISO ``2026-11-26`` in English (unambiguous for operators)."""
    if value is None:
        return ""
    if lang == "fr":
        return value.strftime("%d/%m/%Y")
    return value.strftime("%Y-%m-%d")


def format_count(count: int, lang: str = "en") -> str:
    """A count with the language's thousands separator: ``10 000`` (narrow no-break space) / ``10,000``."""
    text = f"{count:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def is_singular(count: int, lang: str = "en") -> bool:
    """French takes the singular for 0 and 1 ("0 facture"), English for 1 only ("0 invoices")."""
    return abs(count) <= 1 if lang == "fr" else abs(count) == 1


def t_count(key: str, count: int, lang: str = "en", /, **values: object) -> str:
    """``t(key)`` with ``{count}`` formatted; ``key + ".one"`` (when registered) for a singular count."""
    singular = f"{key}.one"
    if is_singular(count, lang) and has_label(singular):
        key = singular
    return t(key, lang, count=format_count(count, lang), **values)
