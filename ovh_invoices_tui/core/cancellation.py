"""Requesting an invoice's cancellation, as rules: the support ticket's subject and body.

As the billing guide says, an invoice one does not consider legitimate, or the right of withdrawal, is
claimed through a support ticket (category ``billing``, subcategory ``bill``). The ticket names the invoice
by its reference, date and amount so support can find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import Bill
from ovh_invoices_tui.core.text import clean

MAX_MESSAGE = 4_000  # characters of the user's own message


class Reason(StrEnum):
    """Why the invoice should be cancelled (the CLI's ``--reason`` values)."""

    NOT_LEGITIMATE = "not-legitimate"
    WITHDRAWAL = "withdrawal"
    OTHER = "other"

    def label(self, lang: str) -> str:
        return t(f"cancel.reason.{self.value}", lang)


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """Exactly what will be sent to ``POST /support/tickets/create``."""

    bill_id: str
    subject: str
    body: str
    category: str = "billing"
    subcategory: str = "bill"


def clean_message(text: str) -> str:
    """The user's message: newlines kept, other control characters dropped, trimmed, bounded."""
    return clean(text, lines=True).strip()[:MAX_MESSAGE]


def message_problem(reason: Reason, message: str, lang: str) -> str | None:
    """Why the form cannot be sent yet (None when it can)."""
    if reason is Reason.OTHER and not clean_message(message):
        return t("cancel.need_message", lang)
    return None


def build_ticket(bill: Bill, reason: Reason, message: str, lang: str, *, nichandle: str | None = None) -> TicketDraft:
    """The ticket naming the invoice (reference in subject and body, date, amount, order) and the reason."""
    ref = clean(bill.bill_id)
    reason_line = (t("cancel.f.reason", lang), reason.label(lang))
    fields = [
        (t("cancel.f.reference", lang), ref),
        (t("cancel.f.date", lang), format_date(bill.date, lang)),
        (t("cancel.f.amount", lang), format_money(bill.price_with_tax, lang)),
        (t("cancel.f.order", lang), str(bill.order_id)),
    ]

    def line(label: str, value: str) -> str:
        return f"{label} : {value}" if lang == "fr" else f"{label}: {value}"

    lines = [t("cancel.greeting", lang), "", t("cancel.intro", lang, ref=ref), line(*reason_line)]
    text = clean_message(message)
    if text:  # the user's words first: what support reads, and what the preview shows without scrolling
        lines += ["", text]
    lines += ["", *(line(label, value) for label, value in fields), "", t("cancel.closing", lang)]
    if nichandle:
        lines.append(clean(nichandle))
    return TicketDraft(ref, t("cancel.subject", lang, ref=ref), "\n".join(lines))
