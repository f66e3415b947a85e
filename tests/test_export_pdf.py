"""The PDF summary read back with pypdf: pages, repeated header, page numbers, € and accents, totals."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from benchmarks.synthetic import make_row, sample_rows
from ovh_invoices_tui.core.i18n import format_money
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.export import export_bills_pdf, render_bills_pdf, write_bills_pdf
from ovh_invoices_tui.export.pdf_summary import pdf_text
from ovh_invoices_tui.export.results import Failure

WHEN = datetime(2026, 3, 14, 9, 26)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_french_summary(tmp_path: Path) -> None:
    rows = sample_rows(120)
    path = tmp_path / "summary.pdf"
    result = write_bills_pdf(
        rows, path, lang="fr", account="xx1234-ovh", scope="Toutes les factures", generated_at=WHEN
    )
    assert result.count == 120
    texts = page_texts(path)
    pages = len(texts)
    assert pages >= 3
    first = texts[0]
    for expected in ("Récapitulatif des factures", "xx1234-ovh", "Toutes les factures", "14/03/2026 à 09:26"):
        assert expected in first
    for number, text in enumerate(texts, start=1):
        assert f"Page {number}/{pages}" in text
        assert "Référence" in text and "Date d'émission" in text and "Montant TTC" in text  # header on every page
    everything = "\n".join(texts)
    assert all(row.bill.bill_id in everything for row in rows)
    assert "€" in everything and "À régler" in everything and "Payée" in everything
    assert result.total is not None
    assert "Total EUR" in texts[-1]
    # The exact total, formatted as the UI shows it.
    assert pdf_text(format_money(result.total, "fr")) in texts[-1]


def test_english_summary_with_two_currencies(tmp_path: Path) -> None:
    rows = sample_rows(10, currencies=("EUR", "USD"))
    path = tmp_path / "summary.pdf"
    result = write_bills_pdf(rows, path, lang="en", account="ab1-ovh", scope="Selection of 10 invoices",
                             generated_at=WHEN)  # fmt: skip
    assert len(result.totals) == 2 and result.total is None
    (text,) = page_texts(path)
    assert "Invoice summary" in text and "Date of issue" in text and "Page 1/1" in text
    assert "Total EUR" in text and "Total USD" in text and "$" in text


def test_empty_summary(tmp_path: Path) -> None:
    result = write_bills_pdf([], tmp_path / "s.pdf", account="a", scope="Nothing", generated_at=WHEN)
    assert result.count == 0
    (text,) = page_texts(tmp_path / "s.pdf")
    assert "No invoice." in text


def test_hostile_text_is_drawn_literally(tmp_path: Path) -> None:
    hostile = "[b]x[/b] **y** {nb} <i>\x00\x1b[31m😀\u202eשלום"
    rows = [make_row(hostile, status=hostile)]
    summary = render_bills_pdf(rows, account=hostile, scope=hostile, generated_at=WHEN)
    path = tmp_path / "h.pdf"
    path.write_bytes(summary.data)
    (text,) = page_texts(path)
    assert "[b]x[/b] **y** {nb} <i>" in text  # no markup interpreted, no page-count alias substituted
    assert "????" in text  # emoji, RTL and control characters replaced, not crashing


def test_not_included_page() -> None:
    rows = sample_rows(3)
    summary = render_bills_pdf(
        rows,
        lang="fr",
        account="a",
        scope="s",
        generated_at=WHEN,
        not_included=[Failure(rows[1].bill.bill_id, "HTTP 404 (query id EU.ext-1.abc)")],
    )
    assert summary.pages == 2
    last = PdfReader(io.BytesIO(summary.data)).pages[-1].extract_text()
    assert "Non incluses" in last and rows[1].bill.bill_id in last and "HTTP 404" in last and "Page 2/2" in last


def test_existing_pdf_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "s.pdf"
    path.write_bytes(b"keep")
    rows: list[BillRow] = sample_rows(2)
    with pytest.raises(FileExistsError):
        write_bills_pdf(rows, path, account="a", scope="s", generated_at=WHEN)
    assert path.read_bytes() == b"keep"
    write_bills_pdf(rows, path, account="a", scope="s", generated_at=WHEN, overwrite=True)
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["s.pdf"]


async def test_async_export_pdf(tmp_path: Path) -> None:
    result = await export_bills_pdf(sample_rows(5), tmp_path / "s.pdf", account="a", scope="s", generated_at=WHEN)
    assert result.count == 5 and len(PdfReader(tmp_path / "s.pdf").pages) == 1
