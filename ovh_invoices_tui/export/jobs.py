"""Bulk exports, shared by the app and the CLI: what is exported, where, and running it (no widget code).

The writers live in :mod:`ovh_invoices_tui.export`; this module picks the rows of a scope (everything,
the current view, the marked invoices), names the destination, checks what would be overwritten,
dispatches to the right async writer and words the outcome.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypedDict

from ovh_invoices_tui.core.filenames import safe_filename
from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.models import BillRow, Money
from ovh_invoices_tui.export.results import BundleResult, ExportResult, sum_by_currency

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.export.csv_export import DialectName
    from ovh_invoices_tui.export.pdf_bundle import FetchPdf, OnFailure, Progress
    from ovh_invoices_tui.state.invoices import Store

__all__ = [
    "ExportKind",
    "ExportOptions",
    "PdfMode",
    "Scope",
    "default_name",
    "describe_scope",
    "document_fetcher",
    "existing_targets",
    "outcome_message",
    "rows_in_scope",
    "run_export",
    "totals_text",
    "with_kind_suffix",
]


class Scope(StrEnum):
    """Which invoices a bulk export takes."""

    ALL = "all"
    VIEW = "view"
    SELECTION = "selection"


class PdfMode(StrEnum):
    """What "export as PDF" writes."""

    SUMMARY = "summary"  # the summary table only
    BUNDLE = "bundle"  # the summary, then each invoice's PDF, in one file
    FOLDER = "folder"  # each invoice's PDF as <reference>.pdf in a folder


ExportKind = Literal["csv", "pdf"]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Everything the user chose; ``path`` is a file, or a folder with :attr:`PdfMode.FOLDER`."""

    kind: ExportKind
    path: Path
    dialect: DialectName = "auto"
    include_links: bool = False
    pdf_mode: PdfMode = PdfMode.SUMMARY
    on_failure: OnFailure = "skip"
    overwrite: bool = False

    @property
    def downloads(self) -> bool:
        """True when each invoice's PDF is downloaded (long, with progress, cancellable)."""
        return self.kind == "pdf" and self.pdf_mode is not PdfMode.SUMMARY

    @property
    def to_folder(self) -> bool:
        return self.kind == "pdf" and self.pdf_mode is PdfMode.FOLDER


class _Downloads(TypedDict):
    """What the two writers that download each invoice's PDF (bundle, folder) are given alike."""

    fetch_pdf: FetchPdf
    lang: str
    concurrency: int
    on_failure: OnFailure
    progress: Progress | None
    overwrite: bool


def rows_in_scope(store: Store, scope: Scope) -> list[BillRow]:
    """A snapshot of the rows to export, always in the view's sort order.

    Every bill (filters ignored), the view as shown, or the marked bills (hidden ones included).
    """
    if scope is Scope.VIEW:
        return list(store.view)
    if scope is Scope.SELECTION:
        return store.marked_rows()
    return store.all_sorted()


def describe_scope(scope: Scope, count: int, *, filter_text: str = "", lang: str = "en") -> str:
    """The scope in words, printed on the PDF summary: "All invoices", "Selection of 3 invoice(s)" …"""
    if scope is Scope.VIEW:
        return t("export.scope.view", lang, filter=filter_text)
    if scope is Scope.SELECTION:
        return t("export.scope.selection", lang, count=count)
    return t("export.scope.all", lang)


def default_name(nichandle: str | None, kind: ExportKind, pdf_mode: PdfMode = PdfMode.SUMMARY, *, day: date) -> str:
    """``ovh-invoices-<nichandle>-<yyyy-mm-dd>.csv`` / ``.pdf``, or that stem alone for a folder of PDFs."""
    stem = safe_filename(f"ovh-invoices-{nichandle or 'account'}-{day.isoformat()}", "")
    if kind == "pdf" and pdf_mode is PdfMode.FOLDER:
        return stem
    return f"{stem}.{kind}"


def with_kind_suffix(path: str, kind: ExportKind, pdf_mode: PdfMode) -> str:
    """``path`` with the suffix its kind wants (``.csv``, ``.pdf``, none for a folder), the rest untouched."""
    stripped = path.strip()
    if not stripped:
        return path
    lowered = stripped.lower()
    for suffix in (".csv", ".pdf"):
        if lowered.endswith(suffix):
            stripped = stripped[: -len(suffix)]
            break
    if kind == "pdf" and pdf_mode is PdfMode.FOLDER:
        return stripped
    return f"{stripped}.{kind}"


def existing_targets(options: ExportOptions, rows: Sequence[BillRow]) -> list[Path]:
    """The files this export would overwrite (empty when nothing is in the way)."""
    if options.to_folder:
        if not options.path.is_dir():
            return []
        present = {name.casefold() for name in os.listdir(options.path)}  # one listing, not a stat per bill
        names = dict.fromkeys(safe_filename(row.bill.bill_id, "pdf") for row in rows)
        return [options.path / name for name in names if name.casefold() in present]
    return [options.path] if options.path.exists() and not options.path.is_dir() else []


def document_fetcher(client: OvhClient, lang: str = "en") -> FetchPdf:
    """Download an invoice's PDF through ``client`` (its ``pdfUrl``; no API signature needed)."""

    async def fetch(row: BillRow) -> bytes:
        url = row.bill.pdf_url
        if not url:
            raise ValueError(t("export.no_pdf_link", lang))
        return await client.download_document(url, expect_pdf=True)

    return fetch


async def run_export(
    rows: Sequence[BillRow],
    options: ExportOptions,
    *,
    fetch_pdf: FetchPdf | None = None,
    lang: str = "en",
    account: str = "",
    scope: str = "",
    generated_at: datetime | None = None,
    progress: Progress | None = None,
    concurrency: int = 4,
) -> ExportResult | BundleResult:
    """Write the export ``options`` describes; cancelling it leaves no file (folder: only complete files).

    Raises ``FileExistsError`` if a file destination exists and ``options.overwrite`` is false,
    :class:`~ovh_invoices_tui.export.ExportAborted` on the first failed download with ``on_failure="stop"``.
    """
    when = generated_at or datetime.now().astimezone()
    if options.kind == "csv":
        from ovh_invoices_tui.export.csv_export import export_bills_csv

        return await export_bills_csv(
            rows,
            options.path,
            lang=lang,
            dialect=options.dialect,
            include_links=options.include_links,
            overwrite=options.overwrite,
        )
    if options.pdf_mode is PdfMode.SUMMARY:
        from ovh_invoices_tui.export.pdf_summary import export_bills_pdf

        return await export_bills_pdf(
            rows, options.path, lang=lang, account=account, scope=scope, generated_at=when, overwrite=options.overwrite
        )
    if fetch_pdf is None:
        raise ValueError("downloading the invoices needs fetch_pdf")
    downloads: _Downloads = {
        "fetch_pdf": fetch_pdf, "lang": lang, "concurrency": concurrency, "on_failure": options.on_failure,
        "progress": progress, "overwrite": options.overwrite,
    }  # fmt: skip
    if options.pdf_mode is PdfMode.BUNDLE:
        from ovh_invoices_tui.export.pdf_bundle import export_bills_pdf_bundle

        return await export_bills_pdf_bundle(
            rows, options.path, account=account, scope=scope, generated_at=when, **downloads
        )
    # The folder is created by the writer; mkdir here would race nothing but keeps errors early.
    await asyncio.to_thread(options.path.mkdir, parents=True, exist_ok=True)
    from ovh_invoices_tui.export.pdf_bundle import save_invoice_pdfs

    return await save_invoice_pdfs(rows, options.path, **downloads)


def totals_text(totals: Iterable[Money], lang: str = "en", *, currency: str = "EUR") -> str:
    """``1 234,56 €`` (or ``12,00 € + $3.00`` for mixed currencies, a zero when empty)."""
    amounts = list(totals) or [Money.zero(currency)]
    return " + ".join(format_money(money, lang) for money in amounts)


def rows_total_text(rows: Iterable[BillRow], lang: str = "en", *, currency: str = "EUR") -> str:
    """The TTC total of ``rows``, exact, per currency."""
    return totals_text(sum_by_currency(row.bill.price_with_tax for row in rows), lang, currency=currency)


def outcome_message(result: ExportResult | BundleResult, lang: str = "en") -> str:
    """One line for the user: how many, the total, where; then failures and skipped files if any."""
    total = totals_text(result.totals, lang)
    folder = (isinstance(result, BundleResult) and bool(result.files or result.skipped)) or result.path.is_dir()
    count = result.count
    if isinstance(result, BundleResult) and not folder:
        count += len(result.failures)  # a bundle's summary lists them all, only their PDF is missing
    key = "export.done_folder" if folder else "export.done"
    message = t(key, lang, count=count, total=total, path=str(result.path))
    if isinstance(result, BundleResult):
        extra = []
        if result.failures:
            failed = "export.failed_count" if folder else "export.not_attached_count"
            extra.append(t(failed, lang, count=len(result.failures)))
        if result.skipped:
            extra.append(t("export.skipped_count", lang, count=len(result.skipped)))
        if extra:
            message += " · " + " · ".join(extra)
    return message
