"""Documents (invoices, payment proofs, credit notes) shown in the app: HTML as text, PDF saved then as text.

The links (``url``/``pdfUrl``) open the document without any login: copying one says so.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ovh_invoices_tui.core.i18n import register, t
from ovh_invoices_tui.data.documents import html_to_text, open_file, open_url, pdf_to_text
from ovh_invoices_tui.export.atomic import write_file_in_folder
from ovh_invoices_tui.screens.viewer import DocumentViewer

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "action.link_warning": {
            "en": "Link copied. Anyone with this link can open the document without logging in.",
            "fr": "Lien copié. Toute personne qui a ce lien peut ouvrir le document sans se connecter.",
        },
        "action.downloading": {"en": "Downloading {ref}…", "fr": "Téléchargement de {ref}…"},
        "action.saved": {"en": "Saved to {path}", "fr": "Enregistré dans {path}"},
        "action.no_browser": {
            "en": "No graphical browser here: copy the link with y instead",
            "fr": "Pas de navigateur graphique ici : copiez le lien avec y",
        },
        "action.html_note": {
            "en": "o: open in a browser · y: copy the link (opens the document without login) · Esc: back",
            "fr": "o : ouvrir dans un navigateur · y : copier le lien (ouvre le document sans connexion) · Échap",
        },
        "action.pdf_note": {
            "en": "Saved to {path} · o: open in the system viewer · Esc: back",
            "fr": "Enregistré dans {path} · o : ouvrir dans la visionneuse · Échap : retour",
        },
        "action.no_viewer": {
            "en": "No graphical viewer here; the file is at {path}",
            "fr": "Pas de visionneuse graphique ici ; le fichier est dans {path}",
        },
        "payment.no_document": {"en": "The API gave no link to this document", "fr": "Aucun lien vers ce document"},
    }
)


def copy_link(app: OvhInvoicesApp, url: str) -> None:
    """Copy a document link (OSC 52, works over SSH), with the warning that it needs no login."""
    app.copy_to_clipboard(url)
    app.notify(t("action.link_warning", app.lang), severity="warning", timeout=8)


def _open_link(app: OvhInvoicesApp, url: str) -> None:
    if not open_url(url):
        app.notify(t("action.no_browser", app.lang), severity="warning")


async def view_html(app: OvhInvoicesApp, title: str, reference: str, url: str) -> None:
    """Download a document's HTML and show it as text (``o`` opens it outside, ``y`` copies the link)."""
    if not url:
        app.notify(t("payment.no_document", app.lang), severity="warning")
        return
    app.notify(t("action.downloading", app.lang, ref=reference), timeout=2)
    data = await app.client.download_document(url, expect_pdf=False)
    text = await asyncio.to_thread(html_to_text, data.decode("utf-8", errors="replace"), max(60, app.size.width - 4))
    app.push_screen(
        DocumentViewer(
            f"{title} · {reference}",
            text,
            note=t("action.html_note", app.lang),
            open_outside=lambda: _open_link(app, url),
            copy_link=lambda: copy_link(app, url),
        )
    )


async def view_pdf(app: OvhInvoicesApp, title: str, reference: str, pdf_url: str) -> None:
    """Download a document's PDF into the download folder and show its text."""
    if not pdf_url:
        app.notify(t("payment.no_document", app.lang), severity="warning")
        return
    app.notify(t("action.downloading", app.lang, ref=reference), timeout=2)
    data = await app.client.download_document(pdf_url, expect_pdf=True)
    folder = app.settings.download_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = await asyncio.to_thread(write_file_in_folder, folder, reference, "pdf", data, overwrite=True)
    text = await asyncio.to_thread(pdf_to_text, data)

    def open_outside() -> None:
        if not open_file(path):
            app.notify(t("action.no_viewer", app.lang, path=str(path)), severity="warning")

    app.push_screen(
        DocumentViewer(
            f"{title} · {reference}",
            text,
            note=t("action.pdf_note", app.lang, path=str(path)),
            open_outside=open_outside,
            copy_link=lambda: copy_link(app, pdf_url),
        )
    )
