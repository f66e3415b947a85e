"""PDF bundle and folder of PDFs: order, outline, failures (skip / stop), cancellation, no partial files."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from benchmarks.synthetic import make_row, sample_rows, tiny_pdf
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.export import (
    BundleResult,
    ExportAborted,
    export_bills_pdf_bundle,
    save_invoice_pdfs,
)

WHEN = datetime(2026, 3, 14, 9, 26)


class FakeDocuments:
    """A fake client: one PDF per bill (2 pages for every third), failures and delays on demand."""

    def __init__(self, *, fail: dict[str, BaseException | bytes] | None = None, delay: float = 0.0) -> None:
        self.fail = fail or {}
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def pages_of(self, row: BillRow) -> int:
        return 2 if int(row.bill.bill_id[-1], 16) % 3 == 0 else 1

    async def __call__(self, row: BillRow) -> bytes:
        bill_id = row.bill.bill_id
        self.calls.append(bill_id)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            outcome = self.fail.get(bill_id)
            if isinstance(outcome, BaseException):
                raise outcome
            if isinstance(outcome, bytes):
                return outcome
            return tiny_pdf(f"Invoice {bill_id}", pages=self.pages_of(row))
        finally:
            self.in_flight -= 1


async def bundle(rows: list[BillRow], path: Path, fetch: FakeDocuments, **options: object) -> BundleResult:
    return await export_bills_pdf_bundle(
        rows, path, fetch_pdf=fetch, lang="fr", account="xx1234-ovh", scope="Sélection", generated_at=WHEN,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_bundle_has_summary_then_each_invoice_with_outline(tmp_path: Path) -> None:
    rows = sample_rows(9)
    fetch = FakeDocuments(delay=0.005)
    seen: list[tuple[int, int]] = []
    path = tmp_path / "bundle.pdf"
    result = await bundle(rows, path, fetch, concurrency=3, progress=lambda d, t: seen.append((d, t)))
    assert result.count == 9 and result.complete and result.path == path
    assert fetch.max_in_flight <= 3
    assert seen[-1] == (9, 9) and len(seen) == 9

    reader = PdfReader(path)
    invoice_pages = sum(fetch.pages_of(row) for row in rows)
    summary_pages = len(reader.pages) - invoice_pages
    assert summary_pages == 1 and result.pages == len(reader.pages)
    outline = [item for item in reader.outline if isinstance(item, Destination)]
    assert len(outline) == len(reader.outline) == 1 + len(rows)  # flat: one entry per document
    assert outline[0].title == "Récapitulatif des factures"
    assert reader.get_destination_page_number(outline[0]) == 0
    page = summary_pages
    for row, item in zip(rows, outline[1:], strict=True):
        title = str(item.title)
        assert title.startswith(f"{row.bill.bill_id} — ") and "€" in title
        assert reader.get_destination_page_number(item) == page
        assert f"Invoice {row.bill.bill_id} p1" in reader.pages[page].extract_text()  # rows' order kept
        page += fetch.pages_of(row)


async def test_skip_mode_lists_failures_on_a_final_page(tmp_path: Path) -> None:
    rows = sample_rows(5)
    bad = rows[1].bill.bill_id
    not_pdf = rows[3].bill.bill_id
    fetch = FakeDocuments(fail={bad: RuntimeError("HTTP 503 (query id EU.1)"), not_pdf: b"<html>login</html>"})
    path = tmp_path / "bundle.pdf"
    result = await bundle(rows, path, fetch, on_failure="skip")
    assert result.count == 3
    assert [f.bill_id for f in result.failures] == [bad, not_pdf]
    assert result.failures[0].reason == "HTTP 503 (query id EU.1)"
    assert "PDF" in result.failures[1].reason
    reader = PdfReader(path)
    assert len(reader.outline) == 1 + 3  # the summary + the three invoices that arrived
    summary_text = reader.pages[0].extract_text() + reader.pages[1].extract_text()
    assert "Non incluses" in summary_text and "HTTP 503" in summary_text and not_pdf in summary_text


async def test_unreadable_pdf_is_a_failure(tmp_path: Path) -> None:
    rows = sample_rows(2)
    fetch = FakeDocuments(fail={rows[0].bill.bill_id: b"%PDF-1.4\ngarbage that is not a pdf"})
    result = await bundle(rows, tmp_path / "b.pdf", fetch)
    assert result.count == 1 and result.failures[0].bill_id == rows[0].bill.bill_id


async def test_stop_mode_leaves_no_file(tmp_path: Path) -> None:
    rows = sample_rows(12)
    fetch = FakeDocuments(fail={rows[2].bill.bill_id: ConnectionError("reset")}, delay=0.01)
    with pytest.raises(ExportAborted) as caught:
        await bundle(rows, tmp_path / "bundle.pdf", fetch, on_failure="stop", concurrency=2)
    assert caught.value.failures[0].bill_id == rows[2].bill.bill_id
    assert len(fetch.calls) < len(rows)  # the rest was cancelled
    assert list(tmp_path.iterdir()) == []


async def test_cancellation_leaves_no_file(tmp_path: Path) -> None:
    rows = sample_rows(20)
    fetch = FakeDocuments(delay=0.05)
    task = asyncio.create_task(bundle(rows, tmp_path / "bundle.pdf", fetch, concurrency=2))
    await asyncio.sleep(0.12)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fetch.in_flight == 0
    assert list(tmp_path.iterdir()) == []


async def test_existing_bundle_refused_before_downloading(tmp_path: Path) -> None:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(b"keep")
    fetch = FakeDocuments()
    with pytest.raises(FileExistsError):
        await bundle(sample_rows(3), path, fetch)
    assert fetch.calls == [] and path.read_bytes() == b"keep"
    await bundle(sample_rows(3), path, fetch, overwrite=True)
    assert path.read_bytes().startswith(b"%PDF")


async def test_save_invoice_pdfs_into_folder(tmp_path: Path) -> None:
    rows = [*sample_rows(4), make_row("../evil/ref")]
    folder = tmp_path / "invoices"
    (folder).mkdir()
    existing = folder / f"{rows[0].bill.bill_id}.pdf"
    existing.write_bytes(b"mine")
    fetch = FakeDocuments(fail={rows[2].bill.bill_id: RuntimeError("HTTP 404")})
    result = await save_invoice_pdfs(rows, folder, fetch_pdf=fetch)
    assert result.skipped == (rows[0].bill.bill_id,) and existing.read_bytes() == b"mine"
    assert rows[0].bill.bill_id not in fetch.calls  # not even downloaded
    assert [f.bill_id for f in result.failures] == [rows[2].bill.bill_id]
    assert result.count == 3
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [existing.name, f"{rows[1].bill.bill_id}.pdf", f"{rows[3].bill.bill_id}.pdf", "evil_ref.pdf"]
    )
    assert all(p.parent == folder for p in result.files)
    assert all(PdfReader(p).pages for p in result.files)

    again = await save_invoice_pdfs(rows[:2], folder, fetch_pdf=fetch, overwrite=True)
    assert again.count == 2 and existing.read_bytes().startswith(b"%PDF")


async def test_save_invoice_pdfs_cancelled_leaves_only_complete_files(tmp_path: Path) -> None:
    rows = sample_rows(10)
    fetch = FakeDocuments(delay=0.03)
    task = asyncio.create_task(save_invoice_pdfs(rows, tmp_path, fetch_pdf=fetch, concurrency=2))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    files = list(tmp_path.iterdir())
    assert len(files) < len(rows)
    assert all(not p.name.startswith(".") for p in files)  # no temp file
    assert all(PdfReader(p).pages for p in files)
