"""Exports of the invoice list and payment proofs: CSV, PDF summary, PDF bundle, folder of PDFs.

Every writer is atomic (a complete file or none), refuses to overwrite unless asked, and returns
an :class:`ExportResult` / :class:`BundleResult`. ``write_*`` are synchronous (CLI, tests);
``export_*`` are their async twins for the UI: heavy work in a thread, and cancellation-safe
(don't wrap a ``write_*`` in ``asyncio.to_thread``: a cancelled thread would still write its file).

Names are imported from their submodule on first use: writing a CSV does not load the PDF stack (fpdf2,
pypdf), which costs a whole process a noticeable part of its start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ovh_invoices_tui.export.atomic import (
        NotARegularFile,
        atomic_open,
        check_destination,
        write_atomic,
        write_atomic_in_thread,
        write_bytes_atomic,
        write_file_in_folder,
    )
    from ovh_invoices_tui.export.cells import neutralise, plain_amount, restore_text
    from ovh_invoices_tui.export.csv_export import (
        EXCEL_FR,
        RFC4180,
        CsvDialect,
        DialectName,
        PaidBills,
        export_bills_csv,
        export_deposits_csv,
        resolve_dialect,
        write_bills_csv,
        write_deposits_csv,
        write_table_csv,
    )
    from ovh_invoices_tui.export.pdf_bundle import (
        FetchPdf,
        InvalidDocument,
        OnFailure,
        Progress,
        export_bills_pdf_bundle,
        read_pdf,
        save_invoice_pdfs,
    )
    from ovh_invoices_tui.export.pdf_summary import RenderedSummary, export_bills_pdf, render_bills_pdf, write_bills_pdf
    from ovh_invoices_tui.export.results import BundleResult, ExportAborted, ExportResult, Failure

_HOME: dict[str, str] = {
    "BundleResult": "results",
    "CsvDialect": "csv_export",
    "DialectName": "csv_export",
    "EXCEL_FR": "csv_export",
    "ExportAborted": "results",
    "ExportResult": "results",
    "Failure": "results",
    "FetchPdf": "pdf_bundle",
    "InvalidDocument": "pdf_bundle",
    "NotARegularFile": "atomic",
    "OnFailure": "pdf_bundle",
    "PaidBills": "csv_export",
    "Progress": "pdf_bundle",
    "RFC4180": "csv_export",
    "RenderedSummary": "pdf_summary",
    "atomic_open": "atomic",
    "check_destination": "atomic",
    "export_bills_csv": "csv_export",
    "export_bills_pdf": "pdf_summary",
    "export_bills_pdf_bundle": "pdf_bundle",
    "export_deposits_csv": "csv_export",
    "neutralise": "cells",
    "plain_amount": "cells",
    "read_pdf": "pdf_bundle",
    "render_bills_pdf": "pdf_summary",
    "resolve_dialect": "csv_export",
    "restore_text": "cells",
    "save_invoice_pdfs": "pdf_bundle",
    "write_atomic": "atomic",
    "write_atomic_in_thread": "atomic",
    "write_bills_csv": "csv_export",
    "write_bills_pdf": "pdf_summary",
    "write_bytes_atomic": "atomic",
    "write_deposits_csv": "csv_export",
    "write_file_in_folder": "atomic",
    "write_table_csv": "csv_export",
}

__all__ = [
    "EXCEL_FR",
    "RFC4180",
    "BundleResult",
    "CsvDialect",
    "DialectName",
    "ExportAborted",
    "ExportResult",
    "Failure",
    "FetchPdf",
    "InvalidDocument",
    "NotARegularFile",
    "OnFailure",
    "PaidBills",
    "Progress",
    "RenderedSummary",
    "atomic_open",
    "check_destination",
    "export_bills_csv",
    "export_bills_pdf",
    "export_bills_pdf_bundle",
    "export_deposits_csv",
    "neutralise",
    "plain_amount",
    "read_pdf",
    "render_bills_pdf",
    "resolve_dialect",
    "restore_text",
    "save_invoice_pdfs",
    "write_atomic",
    "write_atomic_in_thread",
    "write_bills_csv",
    "write_bills_pdf",
    "write_bytes_atomic",
    "write_deposits_csv",
    "write_file_in_folder",
    "write_table_csv",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
