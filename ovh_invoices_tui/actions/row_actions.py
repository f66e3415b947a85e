"""The document actions of the "…" menu: HTML version, PDF version, copy reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovh_invoices_tui.actions.documents import view_html, view_pdf
from ovh_invoices_tui.actions.registry import RowAction, row_action
from ovh_invoices_tui.core.i18n import register, t
from ovh_invoices_tui.core.models import BillRow

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "action.html": {"en": "View HTML version", "fr": "Voir la version HTML"},
        "action.pdf": {"en": "View PDF version", "fr": "Voir la version PDF"},
        "action.copy_ref": {"en": "Copy reference", "fr": "Copier la référence"},
        "action.copied": {"en": "Copied {what}", "fr": "{what} copié"},
    }
)


async def view_bill_html(app: OvhInvoicesApp, row: BillRow) -> None:
    await view_html(app, t("action.html", app.lang), row.bill.bill_id, row.bill.url)


async def view_bill_pdf(app: OvhInvoicesApp, row: BillRow) -> None:
    await view_pdf(app, t("action.pdf", app.lang), row.bill.bill_id, row.bill.pdf_url)


def copy_reference(app: OvhInvoicesApp, row: BillRow) -> None:
    app.copy_to_clipboard(row.bill.bill_id)
    app.notify(t("action.copied", app.lang, what=row.bill.bill_id), timeout=3)


row_action(
    RowAction("bill.html", "action.html", "h", view_bill_html, applies=lambda app, row: bool(row.bill.url), order=10)
)
row_action(
    RowAction("bill.pdf", "action.pdf", "p", view_bill_pdf, applies=lambda app, row: bool(row.bill.pdf_url), order=20)
)
row_action(RowAction("bill.copy_ref", "action.copy_ref", "c", copy_reference, order=90))
