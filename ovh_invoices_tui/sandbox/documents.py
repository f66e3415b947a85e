"""The documents behind ``url`` / ``pdfUrl``: an HTML page and a real PDF of a bill, deposit, refund or order.

URLs: ``{origin}/cgi-bin/order/{facture|paiement|avoir|commande}.{cgi|pdf}?reference=REF&passwd=PASSWORD``
(REF is the billId, depositId, refundId or orderId). PDFs use a core font with the windows-1252
encoding, so ``€`` and accents render and can be extracted (pypdf).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from .state import SandboxState

KINDS = {"facture": "bill", "paiement": "deposit", "avoir": "refund", "commande": "order"}
TITLES = {"bill": ("Facture", "Invoice"), "deposit": ("Paiement", "Payment"), "refund": ("Avoir", "Credit note"),
          "order": ("Bon de commande", "Order")}
HEADERS = {True: ("Description", "Service", "Quantité", "Prix unitaire HT", "Total HT"),
           False: ("Description", "Service", "Quantity", "Unit price excl. VAT", "Total excl. VAT")}


@dataclass(frozen=True)
class Document:
    """What a document shows: title, reference, date, billing contact, lines and totals (texts)."""

    kind: str
    title: str
    reference: str
    date: str
    contact: list[str]
    headers: tuple[str, ...]
    lines: list[tuple[str, str, str, str, str]]
    totals: list[tuple[str, str]]


def _contact(me: dict[str, Any]) -> list[str]:
    return [me["organisation"], f"{me['firstname']} {me['name']}", me["address"], f"{me['zip']} {me['city']}",
            me["country"], f"NIC : {me['nichandle']}"]


def _totals(french: bool, ht: dict[str, Any], tax: dict[str, Any], ttc: dict[str, Any]) -> list[tuple[str, str]]:
    labels = ("Total HT", "TVA", "Total TTC") if french else ("Total excl. VAT", "VAT", "Total incl. VAT")
    return list(zip(labels, (ht["text"], tax["text"], ttc["text"]), strict=True))


def _rows(details: Iterable[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """The document's table: one row per line of a bill, refund or deposit."""
    return [(d["description"], d["domain"], d["quantity"], d["unitPrice"]["text"], d["totalPrice"]["text"])
            for d in details]  # fmt: skip


def _bill_rows(state: SandboxState, index: int) -> list[tuple[str, str, str, str, str]]:
    return _rows(state.views.bill_detail(line) for line in state.views.lines(index))


def build(state: SandboxState, kind: str, reference: str) -> Document | None:
    """The document of an object, None when the reference is unknown."""
    data, views = state.data, state.views
    french = data.sub.french
    rows: list[tuple[str, str, str, str, str]] = []
    if kind == "bill" and reference in data.bill_index:
        index = data.bill_index[reference]
        obj = views.bill(index)
        rows.extend(_bill_rows(state, index))
        totals = _totals(french, obj["priceWithoutTax"], obj["tax"], obj["priceWithTax"])
    elif kind == "refund" and reference in data.refund_index:
        refund = data.refunds[data.refund_index[reference]]
        obj = views.refund(refund)
        rows.extend(_rows(views.refund_details(refund)))
        totals = _totals(french, obj["priceWithoutTax"], obj["tax"], obj["priceWithTax"])
    elif kind == "deposit" and reference in data.deposit_index:
        deposit = data.deposits[data.deposit_index[reference]]
        obj = views.deposit(deposit)
        rows.extend(_rows(views.deposit_details(deposit)))
        totals = [("Montant total" if french else "Total amount", obj["amount"]["text"])]
    elif kind == "order" and reference.isdigit() and (found := views.order(int(reference), state.orders)):
        obj = found
        regularisation = state.orders.get(int(reference))
        for debt_id in regularisation.debts if regularisation else []:
            bill = data.bills[data.debt_by_id[debt_id].bill]
            amount = views.price(bill.ttc)["text"]
            label = f"{'Règlement de la facture' if french else 'Payment of invoice'} {bill.bill_id}"
            rows.append((label, bill.bill_id, "1", amount, amount))
        if int(reference) in data.bill_by_order:
            rows.extend(_bill_rows(state, data.bill_by_order[int(reference)]))
        totals = _totals(french, obj["priceWithoutTax"], obj["tax"], obj["priceWithTax"])
    else:
        return None
    title = TITLES[kind][0 if french else 1]
    return Document(kind, title, reference, str(obj["date"])[:10], _contact(views.me()), HEADERS[french], rows,
                    totals)


def render_html(doc: Document, notice: str | None = None) -> str:
    """A readable HTML page: header, billing contact, a table of lines, totals."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in doc.headers)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in doc.lines)
    totals = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in doc.totals)
    contact = "<br>".join(e(c) for c in doc.contact)
    banner = f'<p class="notice"><strong>{e(notice)}</strong></p>' if notice else ""
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{e(doc.title)} {e(doc.reference)}'
        f"</title></head><body><header><h1>OVHcloud — {e(doc.title)} {e(doc.reference)}</h1>"
        f"<p>Date : {e(doc.date)}</p></header>{banner}<address>{contact}</address>"
        f'<table class="lines"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f'<table class="totals">{totals}</table></body></html>'
    )


def _cp1252(text: str) -> str:
    return text.encode("cp1252", "replace").decode("cp1252")


def render_pdf(doc: Document) -> bytes:
    """A real PDF (fpdf2 core font, windows-1252 text so € and accents extract correctly)."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(f"{doc.title} {doc.reference}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _cp1252(f"OVHcloud — {doc.title} {doc.reference}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 6, _cp1252(f"Date : {doc.date}"), new_x="LMARGIN", new_y="NEXT")
    for line in doc.contact:
        pdf.cell(0, 5, _cp1252(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (70, 50, 18, 26, 26)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([_cp1252(h) for h in doc.headers])
        for row in doc.lines:
            table.row([_cp1252(c) for c in row])
    pdf.ln(4)
    for label, value in doc.totals:
        pdf.cell(150, 6, _cp1252(label), align="R")
        pdf.cell(40, 6, _cp1252(value), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
