"""Synthetic bills and PDFs for the export tests and benchmarks (no API, no sandbox)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ovh_invoices_tui.core.models import PAID, UCENTS_PER_UNIT, Bill, BillRow, Debt, Money

_STATUSES = (PAID, "UNPAID", "TO_BE_PAID", "UNMATURED", "REFUNDED", "WRITE_OFF")
_START = datetime(2024, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def make_row(
    bill_id: str = "FR00000001",
    *,
    ht_ucents: int = 10_000_000_000,
    vat_rate_percent: int = 20,
    status: str = "UNPAID",
    currency: str = "EUR",
    order_id: int = 1000,
    when: datetime = _START,
    balance_ucents: int | None = None,
) -> BillRow:
    """One bill with its debt (``status`` PAID means no debt); TTC = HT + VAT, balance = TTC unless given."""
    # VAT rounded to the cent like real invoices (sub-cent HT values keep their digits).
    tax = ht_ucents * vat_rate_percent // 100 // 1_000_000 * 1_000_000
    ttc = ht_ucents + tax
    bill = Bill.make(
        bill_id=bill_id,
        category="autorenew",
        date=when,
        order_id=order_id,
        price_with_tax=Money(ttc, currency),
        price_without_tax=Money(ht_ucents, currency),
        tax=Money(tax, currency),
        url=f"https://example.invalid/bill/{bill_id}?token=secret",
        pdf_url=f"https://example.invalid/bill/{bill_id}.pdf?token=secret",
        password="s3cr3t",
    )
    if status == PAID:
        return BillRow(bill, None)
    due = ttc if balance_ucents is None else balance_ucents
    debt = Debt(
        debt_id=order_id,
        order_id=order_id,
        date=when,
        due_date=when + timedelta(days=30),
        status=status,
        amount=Money(ttc, currency),
        due_amount=Money(due, currency),
        pending_amount=Money(0, currency),
        todo_amount=Money(due, currency),
        unmatured_amount=Money(0, currency),
    )
    return BillRow(bill, debt)


def sample_rows(n: int, *, currencies: tuple[str, ...] = ("EUR",)) -> list[BillRow]:
    """``n`` varied, deterministic rows: all statuses, amounts with and without sub-cent digits."""
    rows = []
    for i in range(n):
        ht = (i * 7919 % 500_000 + 99) * UCENTS_PER_UNIT // 100
        if i % 97 == 0:
            ht += 123_456  # sub-cent micro-cents, as the API's priceInUcents may carry
        rows.append(
            make_row(
                f"FR{40_000_000 + i}",
                ht_ucents=ht if i % 53 else -ht,  # a few credits
                status=_STATUSES[i % len(_STATUSES)],
                currency=currencies[i % len(currencies)],
                order_id=200_000 + i,
                when=_START + timedelta(hours=7 * i),
            )
        )
    return rows


def tiny_pdf(text: str = "Invoice", pages: int = 1) -> bytes:
    """A small valid PDF with ``pages`` pages showing ``text`` (core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_font("Helvetica", size=14)
    for n in range(pages):
        pdf.add_page()
        pdf.text(20, 30, f"{text} p{n + 1}".encode("cp1252", "replace").decode("cp1252"))
    return bytes(pdf.output())
