"""Printing results: aligned tables for people, JSON and CSV for scripts."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

import msgspec

from ovh_invoices_tui.core.models import Money
from ovh_invoices_tui.core.text import BIDI_CONTROLS, CONTROLS, clean
from ovh_invoices_tui.export.cells import neutralise

_CENT = Decimal("0.01")
# What JSON leaves raw but a terminal would obey (C0 is escaped by json itself): written as \uXXXX, lossless.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in (*CONTROLS, *BIDI_CONTROLS) if code >= 0x7F}
# An amount as decimal_text() writes it: left as a number, not quoted as text.
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Column:
    """A table column: its header and whether it is right-aligned (amounts)."""

    label: str
    right: bool = False


def decimal_text(money: Money) -> str:
    """Exact amount as a decimal string: ``12.99``, ``12.00``, ``0.001`` (never through float)."""
    value = money.value
    cents = value.quantize(_CENT)
    return str(cents) if cents == value else format(value.normalize(), "f")


def write_table(out: TextIO, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    cells = [[clean(cell) for cell in row] for row in rows]
    widths = [len(column.label) for column in columns]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if column.right else value.ljust(width)
            for value, width, column in zip(values, widths, columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    print(line([column.label for column in columns]), file=out)
    print("  ".join("-" * width for width in widths), file=out)
    for row in cells:
        print(line(row), file=out)


def write_pairs(out: TextIO, pairs: Sequence[tuple[str, object]]) -> None:
    """``label  value`` lines (one object shown as a table)."""
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        print(f"{label.ljust(width)}  {clean(value)}", file=out)


def write_json(out: TextIO, data: Any) -> None:
    """Indented JSON; text stays exact for scripts, but no character in it can steer a terminal."""
    out.write(_json_text(data).translate(_JSON_ESCAPES))
    out.write("\n")


def _json_text(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)``; a list of flat records (a listing of 100,000
    invoices) is encoded by msgspec instead, ten times faster, to the very same text."""
    if _flat_records(data):
        try:
            return msgspec.json.format(msgspec.json.encode(data), indent=2).decode()
        except (msgspec.EncodeError, UnicodeError):  # e.g. a lone surrogate, which json.dumps writes as it is
            pass
    return json.dumps(data, indent=2, ensure_ascii=False)


# Values both encoders write alike (floats are not: msgspec writes 1e16 where json writes 1e+16).
_SCALARS = frozenset({str, int, bool, type(None)})


def _flat_records(data: Any) -> bool:
    """A list of dicts with text keys and text, integer, boolean or null values."""
    scalars = _SCALARS
    return (
        type(data) is list
        and all(type(record) is dict for record in data)
        and all(type(key) is str and type(value) in scalars for record in data for key, value in record.items())
    )


def write_csv(out: TextIO, keys: Sequence[str], records: Sequence[Mapping[str, Any]]) -> None:
    """One record a line: text cleaned like a table cell and formula-safe (amounts stay numbers)."""
    writer = csv.DictWriter(out, fieldnames=list(keys), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: _csv_cell(record.get(key)) for key in keys})


def _csv_cell(value: Any) -> Any:
    if not isinstance(value, str) or _AMOUNT.fullmatch(value):
        return value
    return neutralise(clean(value))
