"""CSV exports read back with the csv module: exact amounts, both dialects, formula-safe text, no secrets."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.synthetic import make_row, sample_rows
from ovh_invoices_tui.core.i18n import status_label
from ovh_invoices_tui.core.models import BillRow, Deposit, Money, PaymentInfo
from ovh_invoices_tui.export import (
    export_bills_csv,
    export_deposits_csv,
    restore_text,
    write_bills_csv,
    write_deposits_csv,
)
from ovh_invoices_tui.export.cells import neutralise, plain_amount

BOM = b"\xef\xbb\xbf"


def read_back(path: Path, dialect: str) -> list[list[str]]:
    delimiter = ";" if dialect == "excel-fr" else ","
    encoding = "utf-8-sig" if dialect == "excel-fr" else "utf-8"
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def amount(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "."))


@pytest.fixture
def rows() -> list[BillRow]:
    return [
        *sample_rows(200, currencies=("EUR", "CAD")),
        make_row("FR-SUBCENT", ht_ucents=123_456_789, status="PAID"),
        make_row("FR-NEG", ht_ucents=-5_000_000_000, status="REFUNDED"),
    ]


@pytest.mark.parametrize("dialect", ["excel-fr", "rfc4180"])
def test_bills_csv_round_trips_exactly(tmp_path: Path, rows: list[BillRow], dialect: str) -> None:
    path = tmp_path / "bills.csv"
    result = write_bills_csv(rows, path, lang="fr", dialect=dialect)  # type: ignore[arg-type]
    assert result.count == len(rows) and result.path == path
    assert result.totals == (
        Money(sum(r.bill.price_with_tax.ucents for r in rows if r.bill.price_with_tax.currency == "EUR"), "EUR"),
        Money(sum(r.bill.price_with_tax.ucents for r in rows if r.bill.price_with_tax.currency == "CAD"), "CAD"),
    )
    raw = path.read_bytes()
    assert raw.startswith(BOM) == (dialect == "excel-fr")
    assert raw.count(b"\r\n") == len(rows) + 1 and raw.count(b"\n") == len(rows) + 1
    header, *lines = read_back(path, dialect)
    assert header == [
        "Référence",
        "Numéro de commande",
        "Date d'émission",
        "Montant HT",
        "Montant TTC",
        "TVA",
        "Solde",
        "Statut",
        "Devise",
    ]
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):
        bill = row.bill
        assert line[0] == bill.bill_id
        assert int(line[1]) == bill.order_id
        assert line[2] == bill.date.date().isoformat()
        assert amount(line[3]) == bill.price_without_tax.value
        assert amount(line[4]) == bill.price_with_tax.value
        assert amount(line[5]) == bill.tax.value
        assert amount(line[6]) == row.balance.value
        assert line[7] == status_label(row.status, "fr")
        assert line[8] == bill.price_with_tax.currency
        wrong_mark = "." if dialect == "excel-fr" else ","
        assert all(wrong_mark not in cell for cell in line[3:7])


def test_auto_dialect_follows_language(tmp_path: Path, rows: list[BillRow]) -> None:
    write_bills_csv(rows[:3], tmp_path / "fr.csv", lang="fr")
    write_bills_csv(rows[:3], tmp_path / "en.csv", lang="en")
    assert (tmp_path / "fr.csv").read_bytes().startswith(BOM + "Référence;".encode())
    en = (tmp_path / "en.csv").read_bytes()
    assert en.startswith(b"Reference,Order number,Date of issue,")


def test_amount_formatting() -> None:
    assert plain_amount(0) == "0.00"
    assert plain_amount(1_234_500_000_000, ",") == "12345,00"
    assert plain_amount(-1_299_000_000) == "-12.99"
    assert plain_amount(123_456_789) == "1.23456789"
    assert plain_amount(-1) == "-0.00000001"
    assert plain_amount(10**30) == f"{10**22}.00"


@pytest.mark.parametrize("dangerous", ["=1+1", "+33", "-2", "@SUM(A1)", "\tx", "\rx", "'=x"])
def test_formula_cells_are_neutralised(tmp_path: Path, dangerous: str) -> None:
    row = make_row(dangerous, status=dangerous, ht_ucents=-100_000_000)
    path = tmp_path / "bills.csv"
    write_bills_csv([row], path, dialect="rfc4180")
    _, line = read_back(path, "rfc4180")
    assert line[0] == "'" + dangerous and line[7] == "'" + dangerous
    assert restore_text(line[0]) == dangerous
    assert line[3] == "-1.00"  # numbers are numbers: never neutralised


def test_neutralise_is_invertible() -> None:
    for text in ["", "'", "''", "abc", "'abc", "=a", "''=a", " =a", "-", "@"]:
        assert restore_text(neutralise(text)) == text
    assert neutralise(" =a") == " =a"


def test_links_only_when_asked(tmp_path: Path, rows: list[BillRow]) -> None:
    without = tmp_path / "without.csv"
    write_bills_csv(rows[:5], without, dialect="rfc4180")
    text = without.read_text(encoding="utf-8")
    assert "secret" not in text and "s3cr3t" not in text and "URL" not in text

    with_links = tmp_path / "with.csv"
    write_bills_csv(rows[:5], with_links, dialect="rfc4180", include_links=True)
    header, *lines = read_back(with_links, "rfc4180")
    assert header[-3:] == ["URL", "PDF URL", "Password"]
    assert lines[0][-3:] == [rows[0].bill.url, rows[0].bill.pdf_url, "s3cr3t"]


def test_existing_file_not_overwritten(tmp_path: Path, rows: list[BillRow]) -> None:
    path = tmp_path / "bills.csv"
    path.write_text("keep me")
    with pytest.raises(FileExistsError):
        write_bills_csv(rows, path)
    assert path.read_text() == "keep me"
    write_bills_csv(rows, path, overwrite=True)
    assert path.read_text().startswith("Reference")
    assert [p.name for p in tmp_path.iterdir()] == ["bills.csv"]


def test_generator_input_and_error_midway_leaves_nothing(tmp_path: Path, rows: list[BillRow]) -> None:
    def broken() -> Iterator[BillRow]:
        yield from rows[:10]
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        write_bills_csv(broken(), tmp_path / "bills.csv")
    assert list(tmp_path.iterdir()) == []


def _deposit(deposit_id: str, ucents: int, payment_type: str | None) -> Deposit:
    return Deposit(
        deposit_id=deposit_id,
        date=datetime(2024, 3, 5, 23, 30, tzinfo=UTC),
        order_id=1,
        amount=Money(ucents, "EUR"),
        payment_info=PaymentInfo(payment_type) if payment_type else None,
        url="https://example.invalid/d?secret",
        pdf_url="https://example.invalid/d.pdf?secret",
        password="pw",
    )


@pytest.mark.parametrize("dialect", ["excel-fr", "rfc4180"])
def test_deposits_csv(tmp_path: Path, dialect: str) -> None:
    deposits = [
        _deposit("FR-D1", 12_345_000_000, "creditCard"),
        _deposit("-D2", 1_000_000_001, None),
        _deposit("FR-D3", 0, "somethingNew"),
    ]
    paid = {"FR-D1": ["FR1", "FR2"], "-D2": ["=FR3"]}
    path = tmp_path / "deposits.csv"
    result = write_deposits_csv(deposits, paid, path, lang="fr", dialect=dialect)  # type: ignore[arg-type]
    assert result.count == 3 and result.total == Money(13_345_000_001, "EUR")
    header, *lines = read_back(path, dialect)
    assert header == ["Référence", "Date de paiement", "Montant total", "Moyen de paiement", "Factures", "Devise"]
    assert lines[0] == ["FR-D1", "2024-03-05", "123,45" if dialect == "excel-fr" else "123.45",
                        "Carte bancaire", "FR1 FR2", "EUR"]  # fmt: skip
    assert lines[1][0] == "'-D2" and lines[1][3] == "Information non disponible" and lines[1][4] == "'=FR3"
    assert amount(lines[1][2]) == Decimal("10.00000001")
    assert lines[2][3] == "somethingNew" and lines[2][4] == ""
    assert "secret" not in path.read_text(encoding="utf-8-sig")


async def test_async_export_matches_sync(tmp_path: Path, rows: list[BillRow]) -> None:
    sync = write_bills_csv(rows, tmp_path / "sync.csv", lang="fr")
    result = await export_bills_csv(rows, tmp_path / "async.csv", lang="fr")
    assert result.count == sync.count and result.totals == sync.totals
    assert (tmp_path / "async.csv").read_bytes() == (tmp_path / "sync.csv").read_bytes()
    deposits = await export_deposits_csv([_deposit("D1", 100_000_000, "paypal")], {}, tmp_path / "d.csv")
    assert deposits.count == 1
