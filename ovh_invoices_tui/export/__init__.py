"""Exports of the invoice list and payment proofs: CSV, PDF summary, PDF bundle, folder of PDFs.

Every writer is atomic (a complete file or none), refuses to overwrite unless asked, and returns
an :class:`ExportResult` / :class:`BundleResult`. ``write_*`` are synchronous (CLI, tests);
``export_*`` are their async twins for the UI: heavy work in a thread, and cancellation-safe
(don't wrap a ``write_*`` in ``asyncio.to_thread``: a cancelled thread would still write its file).
"""

from ovh_invoices_tui.export.atomic import (
    atomic_open,
    check_destination,
    safe_filename,
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
    "safe_filename",
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
