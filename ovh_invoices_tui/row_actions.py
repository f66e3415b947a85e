"""The document actions of the "…" menu: HTML version, PDF version, copy reference."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ovh_invoices_tui.actions import RowAction, row_action
from ovh_invoices_tui.documents import html_to_text, open_file, open_url, pdf_to_text
from ovh_invoices_tui.export.atomic import write_file_in_folder
from ovh_invoices_tui.i18n import register, t
from ovh_invoices_tui.models import BillRow
from ovh_invoices_tui.screens.viewer import DocumentViewer

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "action.html": {"en": "View HTML version", "fr": "Voir la version HTML"},
        "action.pdf": {"en": "View PDF version", "fr": "Voir la version PDF"},
        "action.copy_ref": {"en": "Copy reference", "fr": "Copier la référence"},
        "action.copied": {"en": "Copied {what}", "fr": "{what} copié"},
        "action.link_warning": {
            "en": "Link copied. Anyone with this link can open the invoice without logging in.",
            "fr": "Lien copié. Toute personne qui a ce lien peut ouvrir la facture sans se connecter.",
        },
        "action.downloading": {"en": "Downloading {ref}…", "fr": "Téléchargement de {ref}…"},
        "action.saved": {"en": "Saved to {path}", "fr": "Enregistré dans {path}"},
        "action.no_browser": {
            "en": "No graphical browser here: copy the link with y instead",
            "fr": "Pas de navigateur graphique ici : copiez le lien avec y",
        },
        "action.html_note": {
            "en": "o: open in a browser · y: copy the link (opens the invoice without login) · Esc: back",
            "fr": "o : ouvrir dans un navigateur · y : copier le lien (ouvre la facture sans connexion) · Échap",
        },
        "action.pdf_note": {
            "en": "Saved to {path} · o: open in the system viewer · Esc: back",
            "fr": "Enregistré dans {path} · o : ouvrir dans la visionneuse · Échap : retour",
        },
        "action.no_viewer": {
            "en": "No graphical viewer here; the file is at {path}",
            "fr": "Pas de visionneuse graphique ici ; le fichier est dans {path}",
        },
    }
)


def copy_link(app: OvhInvoicesApp, url: str) -> None:
    """Copy a document link (OSC 52, works over SSH), with the warning that it needs no login."""
    app.copy_to_clipboard(url)
    app.notify(t("action.link_warning", app.lang), severity="warning", timeout=8)


def _open_link(app: OvhInvoicesApp, url: str) -> None:
    if not open_url(url):
        app.notify(t("action.no_browser", app.lang), severity="warning")


async def view_html(app: OvhInvoicesApp, row: BillRow) -> None:
    bill = row.bill
    app.notify(t("action.downloading", app.lang, ref=bill.bill_id), timeout=2)
    data = await app.client.download_document(bill.url, expect_pdf=False)
    text = await asyncio.to_thread(html_to_text, data.decode("utf-8", errors="replace"), max(60, app.size.width - 4))
    app.push_screen(
        DocumentViewer(
            f"{t('action.html', app.lang)} · {bill.bill_id}",
            text,
            note=t("action.html_note", app.lang),
            open_outside=lambda: _open_link(app, bill.url),
            copy_link=lambda: copy_link(app, bill.url),
        )
    )


async def view_pdf(app: OvhInvoicesApp, row: BillRow) -> None:
    bill = row.bill
    app.notify(t("action.downloading", app.lang, ref=bill.bill_id), timeout=2)
    data = await app.client.download_document(bill.pdf_url, expect_pdf=True)
    folder = app.settings.download_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = await asyncio.to_thread(write_file_in_folder, folder, bill.bill_id, "pdf", data, overwrite=True)
    text = await asyncio.to_thread(pdf_to_text, data)

    def open_outside() -> None:
        if not open_file(path):
            app.notify(t("action.no_viewer", app.lang, path=str(path)), severity="warning")

    app.push_screen(
        DocumentViewer(
            f"{t('action.pdf', app.lang)} · {bill.bill_id}",
            text,
            note=t("action.pdf_note", app.lang, path=str(path)),
            open_outside=open_outside,
            copy_link=lambda: copy_link(app, bill.pdf_url),
        )
    )


def copy_reference(app: OvhInvoicesApp, row: BillRow) -> None:
    app.copy_to_clipboard(row.bill.bill_id)
    app.notify(t("action.copied", app.lang, what=row.bill.bill_id), timeout=3)


row_action(RowAction("bill.html", "action.html", "h", view_html, applies=lambda app, row: bool(row.bill.url), order=10))
row_action(
    RowAction("bill.pdf", "action.pdf", "p", view_pdf, applies=lambda app, row: bool(row.bill.pdf_url), order=20)
)
row_action(RowAction("bill.copy_ref", "action.copy_ref", "c", copy_reference, order=90))
