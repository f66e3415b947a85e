"""Property: arbitrary API text never crashes the writers, and the CSV gives it back exactly."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from benchmarks.synthetic import make_row
from ovh_invoices_tui.core.i18n import status_label
from ovh_invoices_tui.export import render_bills_pdf, restore_text, write_bills_csv

hostile_text = st.one_of(
    st.text(),  # any code point but surrogates: controls, emoji, RTL, combining marks …
    st.text(alphabet=st.sampled_from("=+-@'\t\r\n\";,[]*_{}\\<>\x00\x1b\u202e\u200f😀€é"), max_size=20),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reference=hostile_text, status=hostile_text, dialect=st.sampled_from(["excel-fr", "rfc4180"]))
def test_any_text_round_trips_through_csv_and_pdf(reference: str, status: str, dialect: str) -> None:
    row = make_row(reference, status=status)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bills.csv"
        write_bills_csv([row], path, dialect=dialect)  # type: ignore[arg-type]
        encoding = "utf-8-sig" if dialect == "excel-fr" else "utf-8"
        with path.open(encoding=encoding, newline="") as handle:
            _, line = csv.reader(handle, delimiter=";" if dialect == "excel-fr" else ",")
        assert restore_text(line[0]) == reference
        assert restore_text(line[7]) == status_label(row.status, "en")
        assert line[0][:1] not in ("=", "+", "-", "@", "\t", "\r")

    summary = render_bills_pdf([row], account=reference, scope=status, generated_at=datetime(2026, 1, 1))
    assert len(PdfReader(io.BytesIO(summary.data)).pages) >= 1


def test_lone_surrogates_do_not_crash(tmp_path: Path) -> None:
    row = make_row("FR\ud800x", status="\udfff")
    write_bills_csv([row], tmp_path / "b.csv")
    assert "FR?x" in (tmp_path / "b.csv").read_text(encoding="utf-8")
    render_bills_pdf([row], account="\ud800", scope="s", generated_at=datetime(2026, 1, 1))
