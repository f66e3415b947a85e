"""Documents (invoices, payment proofs, credit notes) shown in the app: HTML as text, PDF saved then as text.

Also the document actions of an invoice's "…" menu: HTML version, PDF version, copy reference.

The links (``url``/``pdfUrl``) open the document without any login: copying one says so.
"""

from __future__ import annotations

import asyncio

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.models import BillRow, Deposit
from ovh_invoices_tui.data.documents import html_to_text, open_file, open_url, pdf_to_text
from ovh_invoices_tui.export.atomic import write_file_in_folder


def copy_link(host: ActionHost, url: str) -> None:
    """Copy a document link (OSC 52, works over SSH), with the warning that it needs no login."""
    host.copy_to_clipboard(url)
    host.notify(t("action.link_warning", host.lang), severity="warning", timeout=8)


def _open_link(host: ActionHost, url: str) -> None:
    if not open_url(url):
        host.notify(t("action.no_browser", host.lang), severity="warning")


async def view_html(host: ActionHost, title: str, reference: str, url: str) -> None:
    """Download a document's HTML and show it as text (``o`` opens it outside, ``y`` copies the link)."""
    if not url:
        host.notify(t("payment.no_document", host.lang), severity="warning")
        return
    host.notify(t("action.downloading", host.lang, ref=reference), timeout=2)
    data = await host.session.client.download_document(url, expect_pdf=False)
    text = await asyncio.to_thread(html_to_text, data.decode("utf-8", errors="replace"), host.text_width)
    host.show_document(
        f"{title} · {reference}",
        text,
        note=t("action.html_note", host.lang),
        open_outside=lambda: _open_link(host, url),
        copy_link=lambda: copy_link(host, url),
    )


async def view_pdf(host: ActionHost, title: str, reference: str, pdf_url: str) -> None:
    """Download a document's PDF into the download folder and show its text."""
    if not pdf_url:
        host.notify(t("payment.no_document", host.lang), severity="warning")
        return
    host.notify(t("action.downloading", host.lang, ref=reference), timeout=2)
    data = await host.session.client.download_document(pdf_url, expect_pdf=True)
    folder = host.session.download_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = await asyncio.to_thread(write_file_in_folder, folder, reference, "pdf", data, overwrite=True)
    text = await asyncio.to_thread(pdf_to_text, data)

    def open_outside() -> None:
        if not open_file(path):
            host.notify(t("action.no_viewer", host.lang, path=str(path)), severity="warning")

    host.show_document(
        f"{title} · {reference}",
        text,
        note=t("action.pdf_note", host.lang, path=str(path)),
        open_outside=open_outside,
        copy_link=lambda: copy_link(host, pdf_url),
    )


# --- the invoice's document actions ------------------------------------------------------------------


async def view_bill_html(host: ActionHost, row: BillRow) -> None:
    """The invoice's HTML version, as text."""
    await view_html(host, t("action.html", host.lang), row.bill.bill_id, row.bill.url)


async def view_bill_pdf(host: ActionHost, row: BillRow) -> None:
    """The invoice's PDF, saved in the download folder, shown as text."""
    await view_pdf(host, t("action.pdf", host.lang), row.bill.bill_id, row.bill.pdf_url)


def copy_reference(host: ActionHost, row: BillRow) -> None:
    """Copy the invoice's reference."""
    host.copy_to_clipboard(row.bill.bill_id)
    host.notify(t("action.copied", host.lang, what=row.bill.bill_id), timeout=3)


# --- a payment's proofs ----------------------------------------------------------------------------------


def view_deposit_html(host: ActionHost, deposit: Deposit) -> None:
    """The payment proof's HTML version, as text (in an I/O worker)."""
    host.run_io(view_html(host, t("payment.html", host.lang), deposit.deposit_id, deposit.url))


def view_deposit_pdf(host: ActionHost, deposit: Deposit) -> None:
    """The payment proof's PDF, saved in the download folder, shown as text (in an I/O worker)."""
    host.run_io(view_pdf(host, t("payment.pdf", host.lang), deposit.deposit_id, deposit.pdf_url))
