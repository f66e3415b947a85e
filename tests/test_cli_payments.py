"""``payments show``, ``payments export``, ``refunds list`` on the in-process sandbox."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ovh_invoices_tui.cli import main as cli


@pytest.fixture(autouse=True)
def demo_config(isolated: Path) -> Path:
    """A demo profile with a small sandbox in the isolated user's config."""
    isolated.write_text(
        "default_profile = 'play'\n[profiles.play]\ndemo = true\nsandbox_bills = 120\nsandbox_seed = 7\n"
    )
    return isolated


def refunds(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert cli.main(["refunds", "list", "--format", "json"]) == 0
    data: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_refunds_list_formats(capsys: pytest.CaptureFixture[str]) -> None:
    notes = refunds(capsys)
    assert notes and {"refundId", "originalBillId", "appliedTo", "priceWithTax"} <= set(notes[0])
    assert any(note["appliedTo"] for note in notes)
    assert not any("url" in key.lower() or "password" in key.lower() for key in notes[0])
    assert cli.main(["--lang", "en", "refunds", "list"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:4] == ["Date", "of", "issue", "Reference"]
    assert all(str(note["refundId"]) in table and str(note["originalBillId"]) in table for note in notes)
    assert cli.main(["refunds", "list", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("refundId,date,originalBillId,appliedTo")


def test_payments_show_explains_the_credit_note(capsys: pytest.CaptureFixture[str]) -> None:
    note = next(n for n in refunds(capsys) if n["appliedTo"])
    assert cli.main(["--lang", "en", "payments", "show", str(note["appliedTo"])]) == 0
    out = capsys.readouterr().out
    assert f"A credit note (avoir) {note['refundId']} of €{note['priceWithTax']} covered the difference." in out
    assert "Invoices paid" in out
    assert cli.main(["payments", "show", str(note["appliedTo"]), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["difference"] == note["priceWithTax"]
    assert [c["refundId"] for c in record["creditNotes"]] == [note["refundId"]]
    assert record["paidBills"]


def test_payments_show_unknown_is_api_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["payments", "show", "FR00000000"]) == 4
    assert "FR00000000" in capsys.readouterr().err


def test_payments_export_ids_dates_and_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["payments", "list", "--format", "json"]) == 0
    deposits = json.loads(capsys.readouterr().out)
    wanted = [deposits[0]["depositId"], deposits[2]["depositId"]]
    target = tmp_path / "proofs.csv"
    args = ["--lang", "en", "payments", "export", "--csv", str(target), "--ids", ",".join(wanted)]
    assert cli.main(args) == 0
    assert "Exported 2 payments" in capsys.readouterr().out
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Reference", "Payment date", "Total amount", "Payment method", "Invoices", "Currency"]
    assert {row[0] for row in rows[1:]} == set(wanted)
    assert all(row[4] for row in rows[1:])  # the invoices each paid
    # an existing file needs --force
    assert cli.main(args) == 2
    assert "already exists" in capsys.readouterr().err
    day = deposits[0]["date"][:10]
    assert cli.main([*args[:6], "--from", day, "--to", day, "--force", "--dialect", "excel-fr"]) == 0
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("Reference;") and deposits[0]["depositId"] in text
    assert cli.main([*args, "--force", "--ids", "FR00000000"]) == 2
    assert "no payment FR00000000" in capsys.readouterr().err
