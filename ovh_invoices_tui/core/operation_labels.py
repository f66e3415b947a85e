"""Readable labels of debt operations (``debt.entry.OperationEnum``) and their statuses (``debt.entry.StatusEnum``).

The API names an operation ``[UNPAID_|REFUND_]<means>[_AUTOMATIC|_MANUAL]`` (``UNPAID_SEPA_DIRECT_DEBIT``,
``CREDIT_CARD_AUTOMATIC``, ``REFUND_PAYPAL`` …): the label is built from those parts, so every value of the
enum reads as words in both languages; a value the enum does not list yet is still shown as words.
"""

from __future__ import annotations

from typing import NamedTuple

from ovh_invoices_tui.core.i18n import t


class _Means(NamedTuple):
    en: str  # as a label ("Credit card")
    en_inner: str  # inside a phrase ("Unpaid credit card")
    fr: str
    fr_inner: str  # "Remboursement par carte bancaire"
    fr_gender: str  # "m", "f" or "fp" (feminine plural), for "impayé(e)(s)", "manuel(le)(s)"


_MEANS: dict[str, _Means] = {
    "BANK_TRANSFER": _Means("Bank transfer", "bank transfer", "Virement", "virement", "m"),
    "TRANSFER": _Means("Bank transfer", "bank transfer", "Virement", "virement", "m"),
    "RECOVERY_TRANSFER": _Means(
        "Recovery transfer", "recovery transfer", "Virement de recouvrement", "virement de recouvrement", "m"
    ),
    "CASH": _Means("Cash", "cash", "Espèces", "espèces", "fp"),
    "CHECK": _Means("Cheque", "cheque", "Chèque", "chèque", "m"),
    "CREDITCARD": _Means("Credit card", "credit card", "Carte bancaire", "carte bancaire", "f"),
    "CREDIT_CARD": _Means("Credit card", "credit card", "Carte bancaire", "carte bancaire", "f"),
    "DOMESTIC_CARD": _Means("Domestic card", "domestic card", "Carte domestique", "carte domestique", "f"),
    "CREDIT_ACCOUNT": _Means("Credit account", "credit account", "Compte crédit", "compte crédit", "m"),
    "CURRENT_ACCOUNT": _Means("Current account", "current account", "Compte courant", "compte courant", "m"),
    "ENTERPRISE": _Means("Enterprise account", "enterprise account", "Compte entreprise", "compte entreprise", "m"),
    "INTERNAL_TRUSTED_ACCOUNT": _Means(
        "Internal trusted account", "internal trusted account", "Compte interne", "compte interne", "m"
    ),
    "SEPA": _Means("SEPA direct debit", "SEPA direct debit", "Prélèvement SEPA", "prélèvement SEPA", "m"),
    "SEPA_DIRECT_DEBIT": _Means("SEPA direct debit", "SEPA direct debit", "Prélèvement SEPA", "prélèvement SEPA", "m"),
    "WITHDRAW": _Means("Direct debit", "direct debit", "Prélèvement", "prélèvement", "m"),
    "WARRANT": _Means(
        "Administrative mandate", "administrative mandate", "Mandat administratif", "mandat administratif", "m"
    ),
    "PAYPAL": _Means("PayPal", "PayPal", "PayPal", "PayPal", "m"),
    "PAYU": _Means("PayU", "PayU", "PayU", "PayU", "m"),
    "RUPAY": _Means("RuPay", "RuPay", "RuPay", "RuPay", "m"),
    "IDEAL": _Means("iDEAL", "iDEAL", "iDEAL", "iDEAL", "m"),
    "MULTIBANCO": _Means("Multibanco", "Multibanco", "Multibanco", "Multibanco", "m"),
    "EDINAR": _Means("e-Dinar", "e-Dinar", "e-Dinar", "e-Dinar", "m"),
}

_FR_ENDINGS = {"m": "", "f": "e", "fp": "es"}  # impayé, impayée, impayées
_FR_MODES = {
    "AUTOMATIC": {"m": "automatique", "f": "automatique", "fp": "automatiques"},
    "MANUAL": {"m": "manuel", "f": "manuelle", "fp": "manuelles"},
}


_ACRONYMS = {"SEPA", "IBAN", "BIC", "OVH", "VAT", "TVA"}


def _words(raw: str) -> str:
    """``SOME_NEW_TYPE`` → ``Some new type`` (acronyms kept), for values no label knows."""
    words = [w if w in _ACRONYMS else w.lower() for w in raw.split("_") if w]
    if not words:
        return raw
    first = words[0]
    words[0] = first if first in _ACRONYMS else first[:1].upper() + first[1:]
    return " ".join(words)


def _means_label(means: _Means, mode: str | None, lang: str) -> str:
    name = means.fr if lang == "fr" else means.en
    if mode is None:
        return name
    if lang == "fr":
        return f"{name} ({_FR_MODES[mode][means.fr_gender]})"
    return f"{name} ({'automatic' if mode == 'AUTOMATIC' else 'manual'})"


def operation_label(operation_type: str | None, lang: str = "en") -> str:
    """``UNPAID_SEPA_DIRECT_DEBIT`` → ``Unpaid SEPA direct debit`` / ``Prélèvement SEPA impayé``."""
    if not operation_type:
        return ""
    key = f"operation.{operation_type}"
    whole = t(key, lang)
    if whole != key:
        return whole
    rest, mode = operation_type, None
    for suffix in ("_AUTOMATIC", "_MANUAL"):
        if rest.endswith(suffix):
            rest, mode = rest.removesuffix(suffix), suffix[1:]
    if rest in _MEANS:
        return _means_label(_MEANS[rest], mode, lang)
    for prefix in ("UNPAID_", "REFUND_"):
        means = _MEANS.get(rest.removeprefix(prefix)) if rest.startswith(prefix) else None
        if means is None:
            continue
        if prefix == "UNPAID_":
            if lang == "fr":
                return f"{means.fr} impayé{_FR_ENDINGS[means.fr_gender]}"
            return f"Unpaid {means.en_inner}"
        return f"Remboursement par {means.fr_inner}" if lang == "fr" else f"Refund by {means.en_inner}"
    return _words(operation_type)


def operation_status_label(status: str | None, lang: str = "en") -> str:
    """``FAILED`` → ``Failed`` / ``Échouée``; an unknown status in words."""
    if not status:
        return ""
    key = f"operation_status.{status}"
    label = t(key, lang)
    return label if label != key else _words(status)
