"""Labels in English and French, and locale formatting of amounts and dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from ovh_invoices_tui.core.models import Money

LANGUAGES = ("en", "fr")

_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "CAD": "$", "GBP": "£", "AUD": "$", "SGD": "$"}

# Keys are stable ids; values per language. French follows OVHcloud's own console wording.
_LABELS: dict[str, dict[str, str]] = {
    # invoice list columns
    "col.reference": {"en": "Reference", "fr": "Référence"},
    "col.order": {"en": "Order number", "fr": "Numéro de commande"},
    "col.date": {"en": "Date of issue", "fr": "Date d'émission"},
    "col.amount_ht": {"en": "Amount excl. tax", "fr": "Montant HT"},
    "col.amount_ttc": {"en": "Amount incl. tax", "fr": "Montant TTC"},
    "col.tax": {"en": "VAT", "fr": "TVA"},
    "col.balance": {"en": "Balance", "fr": "Solde"},
    "col.status": {"en": "Status", "fr": "Statut"},
    "col.due_date": {"en": "Due date", "fr": "Échéance"},
    "col.days_late": {"en": "+{days} d", "fr": "+{days} j"},
    "col.currency": {"en": "Currency", "fr": "Devise"},
    # payment tracking columns
    "col.payment_date": {"en": "Payment date", "fr": "Date de paiement"},
    "col.total_amount": {"en": "Total amount", "fr": "Montant total"},
    "col.payment_type": {"en": "Payment method", "fr": "Moyen de paiement"},
    "col.paid_bills": {"en": "Invoices", "fr": "Factures"},
    "col.original_bill": {"en": "Credited invoice", "fr": "Facture créditée"},
    # debt statuses
    "status.PAID": {"en": "Paid", "fr": "Payée"},
    "status.UNPAID": {"en": "Unpaid", "fr": "Impayée"},
    "status.TO_BE_PAID": {"en": "To be paid", "fr": "À régler"},
    "status.UNMATURED": {"en": "To be paid", "fr": "À régler"},
    "status.REFUNDED": {"en": "Refunded", "fr": "Remboursée"},
    "status.WRITE_OFF": {"en": "Written off", "fr": "Mise en perte"},
    "status.UNKNOWN": {"en": "? unknown", "fr": "? inconnu"},
    "balance.unknown": {"en": "?", "fr": "?"},
    # payment types
    "payment.creditCard": {"en": "Credit card", "fr": "Carte bancaire"},
    "payment.debtAccount": {"en": "SEPA direct debit", "fr": "Prélèvement SEPA"},
    "payment.withdrawal": {"en": "Direct debit", "fr": "Prélèvement"},
    "payment.paypal": {"en": "PayPal", "fr": "PayPal"},
    "payment.transfer": {"en": "Bank transfer", "fr": "Virement"},
    "payment.cheque": {"en": "Cheque", "fr": "Chèque"},
    "payment.check": {"en": "Cheque", "fr": "Chèque"},
    "payment.ovhAccount": {"en": "Prepaid account", "fr": "Compte prépayé"},
    "payment.refund": {"en": "Credit note", "fr": "Avoir"},
    "payment.paymentMandate": {"en": "Administrative mandate", "fr": "Mandat administratif"},
    "payment.mandat": {"en": "Administrative mandate", "fr": "Mandat administratif"},
    "payment.fidelityPoints": {"en": "Loyalty points", "fr": "Points fidélité"},
    "payment.missing": {"en": "Information not available", "fr": "Information non disponible"},
}


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The label ``key`` in ``lang`` (English, then the key itself, as fallbacks)."""
    entry = _LABELS.get(key)
    text = key if entry is None else entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def register(labels: dict[str, dict[str, str]]) -> None:
    """Add labels (modules with their own vocabulary register it at import)."""
    _LABELS.update(labels)


def status_label(status: str, lang: str = "en") -> str:
    """The console's label for a debt status; an unknown status is shown as the API sent it."""
    key = f"status.{status}"
    return t(key, lang) if key in _LABELS else status


def payment_type_label(payment_type: str | None, lang: str = "en") -> str:
    """The console's label for a payment mean; ``missing`` when absent, the raw value when unknown."""
    key = f"payment.{payment_type or 'missing'}"
    return t(key, lang) if key in _LABELS else str(payment_type)


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
    if is_singular(count, lang) and singular in _LABELS:
        key = singular
    return t(key, lang, count=format_count(count, lang), **values)
