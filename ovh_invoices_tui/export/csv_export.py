"""CSV exports of the invoice list and of payment proofs ("justificatifs de paiement").

Two dialects: ``excel-fr`` (``;``, decimal comma, UTF-8 with BOM, CRLF), which French-locale
spreadsheets open correctly with a double click, and ``rfc4180`` (``,``, decimal point, no BOM,
CRLF). Dates are ISO in both; amounts are exact plain numbers; text cells are formula-safe.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TypedDict, Unpack

from ovh_invoices_tui.core import i18n
from ovh_invoices_tui.core.models import BillRow, Deposit
from ovh_invoices_tui.export.atomic import write_atomic, write_atomic_in_thread
from ovh_invoices_tui.export.cells import iso_date, neutralise, plain_amount, status_labels
from ovh_invoices_tui.export.results import ExportResult, Totals

__all__ = [
    "BILL_COLUMNS",
    "DEPOSIT_COLUMNS",
    "EXCEL_FR",
    "LINK_COLUMNS",
    "RFC4180",
    "CsvDialect",
    "CsvOptions",
    "DialectName",
    "PaidBills",
    "export_bills_csv",
    "export_deposits_csv",
    "resolve_dialect",
    "write_bills_csv",
    "write_csv_to",
    "write_deposits_csv",
    "write_table_csv",
]

DialectName = Literal["auto", "excel-fr", "rfc4180"]
# deposit id → ids of the bills it paid, or a function of the deposit giving them
PaidBills = Mapping[str, Sequence[str]] | Callable[[Deposit], Sequence[str]]


BILL_COLUMNS = (
    "col.reference",
    "col.order",
    "col.date",
    "col.amount_ht",
    "col.amount_ttc",
    "col.tax",
    "col.balance",
    "col.status",
    "col.currency",
)
DEPOSIT_COLUMNS = (
    "col.reference",
    "col.payment_date",
    "col.total_amount",
    "col.payment_type",
    "col.paid_bills",
    "col.currency",
)
# Secrets (they open the document without any API token): only written when asked.
LINK_COLUMNS = ("col.url", "col.pdf_url", "col.password")


@dataclass(frozen=True, slots=True)
class CsvDialect:
    """How a CSV file is laid out."""

    name: str
    delimiter: str
    decimal_mark: str
    bom: bool
    line_terminator: str = "\r\n"

    @property
    def encoding(self) -> str:
        return "utf-8-sig" if self.bom else "utf-8"


EXCEL_FR = CsvDialect("excel-fr", ";", ",", bom=True)
RFC4180 = CsvDialect("rfc4180", ",", ".", bom=False)
_DIALECTS = {"excel-fr": EXCEL_FR, "rfc4180": RFC4180}


def resolve_dialect(dialect: DialectName | CsvDialect = "auto", lang: str = "en") -> CsvDialect:
    """``auto`` is ``excel-fr`` for French and ``rfc4180`` otherwise."""
    if isinstance(dialect, CsvDialect):
        return dialect
    if dialect == "auto":
        return EXCEL_FR if lang == "fr" else RFC4180
    try:
        return _DIALECTS[dialect]
    except KeyError:
        raise ValueError(f"Unknown CSV dialect {dialect!r} (expected auto, excel-fr or rfc4180)") from None


def write_csv_to(handle: BinaryIO, header: Sequence[str], rows: Iterable[Sequence[str]], dialect: CsvDialect) -> int:
    """The generic writer: header + already formatted cells → CSV bytes on ``handle``; returns the row count.

    Cells must be strings prepared by the caller (text through :func:`neutralise`, numbers plain).
    Characters UTF-8 cannot encode (lone surrogates from hostile JSON) are written as ``?``.
    """
    count = 0
    text = io.TextIOWrapper(handle, encoding=dialect.encoding, errors="replace", newline="")
    writer = csv.writer(
        text, delimiter=dialect.delimiter, lineterminator=dialect.line_terminator, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow([neutralise(label) for label in header])
    for chunk in _chunks(rows, 4096):
        writer.writerows(chunk)
        count += len(chunk)
    text.flush()
    text.detach()  # the caller owns (and closes) the binary handle
    return count


def write_table_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    path: str | os.PathLike[str],
    *,
    dialect: CsvDialect,
    overwrite: bool = False,
) -> int:
    """:func:`write_csv_to` into an atomically written file; returns the row count."""
    return write_atomic(path, lambda handle: write_csv_to(handle, header, rows, dialect), overwrite=overwrite)


def _chunks(rows: Iterable[Sequence[str]], size: int) -> Iterator[list[Sequence[str]]]:
    chunk: list[Sequence[str]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _labels(keys: Sequence[str], lang: str) -> list[str]:
    return [i18n.t(key, lang) for key in keys]


def _bill_cells(
    rows: Iterable[BillRow], lang: str, mark: str, include_links: bool, totals: Totals
) -> Iterator[list[str]]:
    label = status_labels(lang, neutralise)
    add = totals.add
    for row in rows:
        bill = row.bill
        debt = row.debt
        ttc = bill.price_with_tax
        add(ttc)
        cells = [
            neutralise(bill.bill_id),
            str(bill.order_id),
            iso_date(bill.date),
            plain_amount(bill.price_without_tax.ucents, mark),
            plain_amount(ttc.ucents, mark),
            plain_amount(bill.tax.ucents, mark),
            "" if not row.debt_known else plain_amount(0 if debt is None else debt.due_amount.ucents, mark),
            label(row.status),
            neutralise(ttc.currency),
        ]
        if include_links:
            cells += [neutralise(bill.url), neutralise(bill.pdf_url), neutralise(bill.password)]
        yield cells


_Job = Callable[[BinaryIO], int]


class CsvOptions(TypedDict, total=False):
    """How a CSV export is written: labels in ``lang`` ("en"), the ``dialect`` ("auto": excel-fr in French),
    ``include_links`` (URL, PDF URL and Password columns; off), ``overwrite`` an existing file (off)."""

    lang: str
    dialect: DialectName | CsvDialect
    include_links: bool
    overwrite: bool


def _write(path: str | os.PathLike[str], made: tuple[_Job, Totals], overwrite: bool) -> ExportResult:
    job, totals = made
    return ExportResult(Path(path), write_atomic(path, job, overwrite=overwrite), totals.result())


async def _export(path: str | os.PathLike[str], made: tuple[_Job, Totals], overwrite: bool) -> ExportResult:
    job, totals = made
    return ExportResult(Path(path), await write_atomic_in_thread(path, job, overwrite=overwrite), totals.result())


def _bills_job(rows: Iterable[BillRow], options: CsvOptions) -> tuple[_Job, Totals]:
    lang = options.get("lang", "en")
    include_links = options.get("include_links", False)
    chosen = resolve_dialect(options.get("dialect", "auto"), lang)
    keys = BILL_COLUMNS + LINK_COLUMNS if include_links else BILL_COLUMNS
    totals = Totals()
    cells = _bill_cells(rows, lang, chosen.decimal_mark, include_links, totals)
    return (lambda handle: write_csv_to(handle, _labels(keys, lang), cells, chosen)), totals


def write_bills_csv(
    rows: Iterable[BillRow], path: str | os.PathLike[str], **options: Unpack[CsvOptions]
) -> ExportResult:
    """Write the invoice list, one line per bill in the given order; ``totals`` are the TTC sums.

    Columns: Référence, Numéro de commande, Date d'émission, Montant HT, Montant TTC, TVA, Solde,
    Statut, Devise (labels in ``lang``), then URL, PDF URL, Password only with ``include_links``.
    Atomic; ``FileExistsError`` if ``path`` exists unless ``overwrite``.
    """
    return _write(path, _bills_job(rows, options), options.get("overwrite", False))


async def export_bills_csv(
    rows: Iterable[BillRow], path: str | os.PathLike[str], **options: Unpack[CsvOptions]
) -> ExportResult:
    """:func:`write_bills_csv` in a worker thread, cancellation-safe (a cancelled export leaves no file)."""
    return await _export(path, _bills_job(rows, options), options.get("overwrite", False))


def _deposit_cells(
    deposits: Iterable[Deposit],
    paid_bills: PaidBills,
    lang: str,
    mark: str,
    include_links: bool,
    totals: Totals,
) -> Iterator[list[str]]:
    lookup = paid_bills if callable(paid_bills) else (lambda d: paid_bills.get(d.deposit_id, ()))
    for deposit in deposits:
        amount = deposit.amount
        totals.add(amount)
        cells = [
            neutralise(deposit.deposit_id),
            iso_date(deposit.date),
            plain_amount(amount.ucents, mark),
            neutralise(i18n.payment_type_label(deposit.payment_type, lang)),
            neutralise(" ".join(lookup(deposit))),
            neutralise(amount.currency),
        ]
        if include_links:
            cells += [neutralise(deposit.url), neutralise(deposit.pdf_url), neutralise(deposit.password)]
        yield cells


def _deposits_job(deposits: Iterable[Deposit], paid_bills: PaidBills, options: CsvOptions) -> tuple[_Job, Totals]:
    lang = options.get("lang", "en")
    include_links = options.get("include_links", False)
    chosen = resolve_dialect(options.get("dialect", "auto"), lang)
    keys = DEPOSIT_COLUMNS + LINK_COLUMNS if include_links else DEPOSIT_COLUMNS
    totals = Totals()
    cells = _deposit_cells(deposits, paid_bills, lang, chosen.decimal_mark, include_links, totals)
    return (lambda handle: write_csv_to(handle, _labels(keys, lang), cells, chosen)), totals


def write_deposits_csv(
    deposits: Iterable[Deposit], paid_bills: PaidBills, path: str | os.PathLike[str], **options: Unpack[CsvOptions]
) -> ExportResult:
    """Write payment proofs: Référence, Date de paiement, Montant total, Moyen de paiement, Factures, Devise.

    ``paid_bills`` maps a deposit id to the ids of the bills it paid (or is a function of the
    deposit); they are joined by a space, an unknown deposit gives an empty cell. ``totals`` are
    the sums of the deposits' amounts.
    """
    return _write(path, _deposits_job(deposits, paid_bills, options), options.get("overwrite", False))


async def export_deposits_csv(
    deposits: Iterable[Deposit], paid_bills: PaidBills, path: str | os.PathLike[str], **options: Unpack[CsvOptions]
) -> ExportResult:
    """:func:`write_deposits_csv` in a worker thread, cancellation-safe."""
    return await _export(path, _deposits_job(deposits, paid_bills, options), options.get("overwrite", False))
