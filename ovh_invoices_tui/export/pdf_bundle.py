"""PDF exports "with the invoices": one bundle (summary + each invoice's PDF) or a folder of PDFs.

Downloads run concurrently (capped); parsing, rendering and merging run in threads so the event
loop (the UI) stays responsive. Nothing partial is ever left: the bundle is written atomically
only once complete; a failure in ``stop`` mode or a cancellation leaves no file.
"""

from __future__ import annotations

import asyncio
import functools
import io
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal, TypeVar

from pypdf import PdfReader, PdfWriter

from ovh_invoices_tui.core import i18n
from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export.atomic import (
    check_destination,
    remove_stale_temps,
    unique_name,
    write_atomic_in_thread,
    write_bytes_atomic,
)
from ovh_invoices_tui.export.pdf_summary import render_bills_pdf
from ovh_invoices_tui.export.results import BundleResult, ExportAborted, Failure, sum_by_currency

__all__ = [
    "FetchPdf",
    "InvalidDocument",
    "OnFailure",
    "Progress",
    "export_bills_pdf_bundle",
    "read_pdf",
    "save_invoice_pdfs",
]

FetchPdf = Callable[[BillRow], Awaitable[bytes]]
Progress = Callable[[int, int], None]
OnFailure = Literal["skip", "stop"]
T = TypeVar("T")


_REASON_MAX = 300


class InvalidDocument(ValueError):
    """Downloaded bytes that are not a usable PDF."""


def read_pdf(data: bytes, lang: str = "en") -> PdfReader:
    """Open a downloaded document, raising :class:`InvalidDocument` if it is not a readable PDF."""
    if not data.startswith(b"%PDF"):
        raise InvalidDocument(i18n.t("export.bundle.not_pdf", lang))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidDocument(i18n.t("export.bundle.encrypted", lang))
        pages = len(reader.pages)
    except InvalidDocument:
        raise
    except Exception as exc:  # pypdf raises many types on corrupt input
        raise InvalidDocument(i18n.t("export.bundle.unreadable", lang, error=_one_line(str(exc)))) from exc
    if pages == 0:
        raise InvalidDocument(i18n.t("export.bundle.no_pages", lang))
    return reader


def _one_line(text: str) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= _REASON_MAX else text[: _REASON_MAX - 1] + "…"


def _reason(exc: BaseException) -> str:
    """What went wrong, in one line (the client's errors already carry status and query id)."""
    return _one_line(str(exc)) or type(exc).__name__


class _Stopped(Exception):
    """Internal: the first failure in ``stop`` mode."""


async def _fetch_all(
    rows: Sequence[BillRow],
    fetch: Callable[[BillRow], Awaitable[T | None]],
    *,
    concurrency: int,
    on_failure: OnFailure,
    progress: Progress | None,
) -> tuple[list[T | None], list[Failure]]:
    """Run ``fetch`` on every row with at most ``concurrency`` in flight.

    Returns the results in the rows' order (None where it failed or returned None) and the
    failures in the rows' order. In ``stop`` mode the first failure cancels the rest and raises
    :class:`ExportAborted`. Cancelling the caller cancels every download.
    """
    if on_failure not in ("skip", "stop"):
        raise ValueError(f"on_failure must be 'skip' or 'stop', not {on_failure!r}")
    total = len(rows)
    results: list[T | None] = [None] * total
    failures: list[tuple[int, Failure]] = []
    done = 0
    pending = iter(enumerate(rows))  # shared by the workers: one event loop, no lock needed

    async def worker() -> None:
        nonlocal done
        for index, row in pending:
            try:
                results[index] = await fetch(row)
            except Exception as exc:
                failures.append((index, Failure(row.bill.bill_id, _reason(exc))))
                if on_failure == "stop":
                    raise _Stopped from exc
            done += 1
            if progress is not None:
                progress(done, total)

    workers = [asyncio.create_task(worker()) for _ in range(max(1, min(concurrency, total)))]
    try:
        await asyncio.gather(*workers)
    except BaseException as exc:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if isinstance(exc, _Stopped):
            raise ExportAborted([failure for _, failure in sorted(failures)]) from None
        raise
    return results, [failure for _, failure in sorted(failures)]


def _outline_title(row: BillRow, lang: str) -> str:
    bill = row.bill
    title = f"{bill.bill_id} — {i18n.format_date(bill.date, lang)} — {i18n.format_money(bill.price_with_tax, lang)}"
    return _one_line(title)


def _assemble(
    rows: Sequence[BillRow],
    documents: Sequence[PdfReader | None],
    failures: Sequence[Failure],
    *,
    lang: str,
    account: str,
    scope: str,
    generated_at: datetime,
    out: BinaryIO,
) -> int:
    """Summary + documents → one PDF with an outline written to ``out``; returns the page count (runs in a thread)."""
    summary = render_bills_pdf(
        rows, lang=lang, account=account, scope=scope, generated_at=generated_at, not_included=failures
    )
    writer = PdfWriter()
    writer.append(
        PdfReader(io.BytesIO(summary.data)), outline_item=i18n.t("export.pdf.title", lang), import_outline=False
    )
    for row, reader in zip(rows, documents, strict=True):
        if reader is not None:
            writer.append(reader, outline_item=_outline_title(row, lang), import_outline=False)
    writer.add_metadata({"/Title": i18n.t("export.pdf.title", lang), "/Author": account})
    writer.write(out)
    return len(writer.pages)


async def export_bills_pdf_bundle(
    rows: Iterable[BillRow],
    path: str | os.PathLike[str],
    *,
    fetch_pdf: FetchPdf,
    lang: str = "en",
    account: str,
    scope: str,
    generated_at: datetime,
    concurrency: int = 4,
    on_failure: OnFailure = "skip",
    progress: Progress | None = None,
    overwrite: bool = False,
) -> BundleResult:
    """Write one PDF: the summary of ``rows`` then each invoice's PDF, in the rows' order.

    The outline has one entry for the summary and one per invoice ("reference — date — TTC").
    A document that cannot be fetched (``fetch_pdf`` raised) or is not a readable PDF is a
    failure: ``on_failure="stop"`` raises :class:`ExportAborted` and writes nothing;
    ``"skip"`` goes on and the summary ends with a "Not included" page listing them with reasons.
    ``progress(done, total)`` is called after each download. ``FileExistsError`` is raised before
    any download if ``path`` exists and ``overwrite`` is false. Cancelling leaves no file.
    """
    check_destination(path, overwrite=overwrite)
    rows = list(rows)

    async def fetch(row: BillRow) -> PdfReader:
        data = await fetch_pdf(row)
        return await asyncio.to_thread(read_pdf, data, lang)

    documents, failures = await _fetch_all(
        rows, fetch, concurrency=concurrency, on_failure=on_failure, progress=progress
    )
    assemble = functools.partial(
        _assemble, rows, documents, failures, lang=lang, account=account, scope=scope, generated_at=generated_at
    )
    pages = await write_atomic_in_thread(path, lambda out: assemble(out=out), overwrite=overwrite)
    return BundleResult(
        path=Path(path),
        count=sum(doc is not None for doc in documents),
        totals=sum_by_currency(row.bill.price_with_tax for row in rows),
        failures=tuple(failures),
        pages=pages,
    )


async def save_invoice_pdfs(
    rows: Iterable[BillRow],
    folder: str | os.PathLike[str],
    *,
    fetch_pdf: FetchPdf,
    lang: str = "en",
    concurrency: int = 4,
    on_failure: OnFailure = "skip",
    progress: Progress | None = None,
    overwrite: bool = False,
) -> BundleResult:
    """Save each invoice's PDF as ``<safe reference>.pdf`` in ``folder`` (created if missing).

    Each file is written atomically. An existing file is skipped (not even downloaded) unless
    ``overwrite``; its bill id is in ``skipped``. Failures as in :func:`export_bills_pdf_bundle`;
    in ``stop`` mode the files already saved stay (each is complete) and :class:`ExportAborted`
    is raised. ``totals`` are the TTC sums of the saved invoices.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)  # once for the folder, not once per file
    unique: dict[str, BillRow] = {}
    for row in rows:
        unique.setdefault(row.bill.bill_id, row)  # the same bill twice is saved once
    taken: set[str] = set()
    names = {bill_id: unique_name(safe_filename(bill_id, "pdf"), taken) for bill_id in unique}
    skipped: list[str] = []

    async def fetch(row: BillRow) -> Path | None:
        destination = target / names[row.bill.bill_id]
        if not overwrite and destination.exists():
            skipped.append(row.bill.bill_id)
            return None
        data = await fetch_pdf(row)
        await asyncio.to_thread(read_pdf, data, lang)
        try:
            return write_bytes_atomic(destination, data, overwrite=overwrite, sweep=False)
        except FileExistsError:  # appeared meanwhile (another export?): keep it
            skipped.append(row.bill.bill_id)
            return None

    ordered = list(unique.values())
    files, failures = await _fetch_all(
        ordered, fetch, concurrency=concurrency, on_failure=on_failure, progress=progress
    )
    skipped_ids = set(skipped)
    saved = [(row, file) for row, file in zip(ordered, files, strict=True) if file is not None]
    return BundleResult(
        path=target,
        count=len(saved),
        totals=sum_by_currency(row.bill.price_with_tax for row, _ in saved),
        failures=tuple(failures),
        skipped=tuple(bill_id for bill_id in unique if bill_id in skipped_ids),
        files=tuple(file for _, file in saved),
    )
