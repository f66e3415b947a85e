"""``bills export`` and ``bills download`` through main([...]) on the in-process sandbox."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from ovh_invoices_tui.cli import main as cli


@pytest.fixture(autouse=True)
def workdir(isolated: Path, tmp_path: Path) -> Path:
    """A demo profile of 40 bills in the isolated user's config; downloads and exports in the temporary folder."""
    folder = tmp_path
    isolated.write_text(
        f"default_profile = 'play'\ndownload_dir = '{folder / 'dl'}'\n"
        "[profiles.play]\ndemo = true\nsandbox_bills = 40\n"
    )
    return folder


def bills(capsys: pytest.CaptureFixture[str], *filters: str) -> list[dict[str, str]]:
    assert cli.main(["bills", "list", "--format", "json", *filters]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8"))))


def test_csv_export_of_everything(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = bills(capsys)
    assert cli.main(["bills", "export", "--csv", "all.csv", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"Exported {len(every)} invoice(s)" in out and "all.csv" in out
    rows = read_csv(workdir / "all.csv")
    assert rows[0][0] == "Reference" and len(rows) - 1 == len(every)
    assert {r[0] for r in rows[1:]} == {b["billId"] for b in every}
    by_id = {b["billId"]: b for b in every}
    assert all(r[4] == by_id[r[0]]["priceWithTax"] for r in rows[1:])


def test_ids_and_filters_select_exactly(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    every = bills(capsys)
    chosen = [every[3]["billId"], every[7]["billId"], every[11]["billId"]]
    pair = f"{chosen[0]},{chosen[1]}"
    assert (
        cli.main(["bills", "export", "--csv", "ids.csv", "--dialect", "rfc4180", "--ids", pair, "--ids", chosen[2]])
        == 0
    )
    assert {r[0] for r in read_csv(workdir / "ids.csv")[1:]} == set(chosen)
    # the app's "unpaid" (UNPAID, TO_BE_PAID, UNMATURED): refunded or written-off invoices are not
    unpaid = [b["billId"] for b in every if b["status"] in ("UNPAID", "TO_BE_PAID", "UNMATURED")]
    assert cli.main(["bills", "export", "--csv", "unpaid.csv", "--status", "unpaid", "--dialect", "excel-fr"]) == 0
    text = (workdir / "unpaid.csv").read_text("utf-8-sig")
    assert text.splitlines()[0].count(";") == 8
    assert {line.split(";")[0] for line in text.splitlines()[1:]} == set(unpaid)
    capsys.readouterr()
    assert cli.main(["bills", "export", "--csv", "x.csv", "--ids", "FR00000000"]) != 0
    assert "no invoice FR00000000" in capsys.readouterr().err and not (workdir / "x.csv").exists()


def test_existing_destination_needs_force(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = workdir / "out.csv"
    target.write_text("mine")
    assert cli.main(["bills", "export", "--csv", str(target)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "mine"
    assert cli.main(["bills", "export", "--csv", str(target), "--force", "--lang", "en"]) == 0
    assert len(read_csv(target)) == 41


def test_pdf_summary_and_bundle(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    some = bills(capsys)[:3]
    ids = ",".join(b["billId"] for b in some)
    assert cli.main(["bills", "export", "--pdf", "summary.pdf", "--ids", ids]) == 0
    summary = PdfReader(workdir / "summary.pdf")
    assert all(b["billId"] in summary.pages[0].extract_text() for b in some)
    assert cli.main(["bills", "export", "--pdf", "bundle.pdf", "--with-invoices", "--ids", ids]) == 0
    assert len(PdfReader(workdir / "bundle.pdf").pages) > len(summary.pages)


def test_download_saves_valid_pdfs(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refs = [b["billId"] for b in bills(capsys)[:2]]
    assert cli.main(["bills", "download", *refs, "--dir", "docs"]) == 0
    for ref in refs:
        data = (workdir / "docs" / f"{ref}.pdf").read_bytes()
        assert data.startswith(b"%PDF") and len(PdfReader(io.BytesIO(data)).pages) >= 1
    capsys.readouterr()
    assert cli.main(["bills", "download", refs[0], "--dir", "docs"]) == 2  # exists, no --force: as `bills export`
    assert "--force" in capsys.readouterr().err
    assert cli.main(["bills", "download", refs[0]]) == 0  # default: the download folder
    assert (workdir / "dl" / f"{refs[0]}.pdf").exists()
    assert cli.main(["bills", "download", refs[0], "--html", "--dir", "docs"]) == 0
    assert b"<" in (workdir / "docs" / f"{refs[0]}.html").read_bytes()[:200]


def test_server_side_export_is_said_to_come_by_email(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bills", "export", "--server", "--from", "2024-01-01"]) == 0
    assert "e-mail" in capsys.readouterr().out
    assert cli.main(["bills", "export", "--server", "--status", "paid"]) != 0
