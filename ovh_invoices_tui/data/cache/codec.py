"""How cached objects are written to and read back from SQLite.

Bills and debts (the big lists) are JSON records in the API's shape, decoded by msgspec straight into
``Bill``/``Debt``/``Money``: the validating API readers are skipped, since the cache only ever holds what
they already accepted. A bill's ``url`` and ``pdfUrl`` are recorded as the bill keeps them
(:func:`~ovh_invoices_tui.core.models.stored_links`: only a shared base when they follow OVHcloud's pattern).
The smaller objects (deposits, refunds, bill details, the account and its balance)
are JSON built from their dataclass fields. Any row that does not decode raises :class:`CorruptRow`; the
cache is then rebuilt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import msgspec

from ovh_invoices_tui.core import wire
from ovh_invoices_tui.core.models import Bill, Debt, Money

T = TypeVar("T")

class CorruptRow(ValueError):
    """A cached row that cannot be turned back into its object."""


# --- bills and debts -------------------------------------------------------------------------------------
# A bill or a debt is one record: its JSON in the API's own shape, written and read by msgspec. Records are
# read as bytes (RECORD) and decoded by thousands, joined into one JSON array: 100,000 bills in a tenth of a
# second, their equal amounts shared (core.wire.Shared) chunk by chunk, so the memory of the amounts a chunk
# drops is reused by the next one instead of staying scattered between the bills kept.

RECORD = "CAST(record AS BLOB)"  # msgspec reads UTF-8 bytes as they are; a str would be copied to UTF-8 first
_CHUNK = 1_000  # what the last chunk frees (records, amounts dropped) stays scattered: 2.5 MB less than 5,000


def bill_row(bill: Bill) -> tuple[str, float, bytes]:
    """``(bill_id, ts, record)``: ``ts`` orders bills whatever their UTC offset."""
    return bill.bill_id, bill.date.timestamp(), wire.encode(bill)


def debt_row(debt: Debt) -> tuple[bytes]:
    """``(record,)`` of a debt."""
    return (wire.encode(debt),)


def bills_from_records(records: Iterable[Sequence[Any]]) -> list[Bill]:
    """Rebuild bills from ``(record,)`` rows written by :func:`bill_row` (text, or bytes as :data:`RECORD`
    reads them); raises CorruptRow."""
    return _from_records(Bill, records)


def debts_from_records(records: Iterable[Sequence[Any]]) -> list[Debt]:
    """Rebuild debts from ``(record,)`` rows written by :func:`debt_row`; raises CorruptRow."""
    return _from_records(Debt, records)


def _from_records(kind: type[T], records: Iterable[Sequence[Any]]) -> list[T]:
    out: list[T] = []
    shared = wire.Shared()
    rows = iter(records)
    with gc_paused():
        while chunk := [_utf8(record) for (record,) in itertools.islice(rows, _CHUNK)]:
            try:
                out += wire.decode_trusted(kind, b"[" + b",".join(chunk) + b"]", shared)
            except (msgspec.DecodeError, ValueError) as exc:
                raise CorruptRow(f"{kind.__name__} record: {exc}") from None
    return out


def _utf8(record: Any) -> bytes:
    if type(record) is bytes:
        return record
    if type(record) is str:
        return record.encode()
    raise CorruptRow(f"record is {type(record).__name__}, not text")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC while building many acyclic objects (it would rescan them again and again)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- the records of schema version 1, read once to upgrade a cache -------------------------------------------
# Fields joined by SEP (an amount: ucents, currency and text joined by MONEY_SEP); a JSON list of the fields
# when one of them held SEP itself.

SEP = "\x1f"
MONEY_SEP = "\x1e"


def legacy_bills(records: Iterable[Sequence[Any]]) -> list[Bill]:
    """Bills from version 1 ``(record,)`` rows; raises CorruptRow."""
    out = []
    try:
        for (record,) in records:
            bill_id, category, when, order_id, a, b, c, url, pdf_url, password = _legacy_fields(record)
            out.append(Bill.make(bill_id, category, datetime.fromisoformat(when), int(order_id), _legacy_money(a),
                                 _legacy_money(b), _legacy_money(c), url, pdf_url, password))  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise CorruptRow(f"bill record: {exc}") from None
    return out


def compact_bill_records(records: Iterable[Sequence[Any]]) -> list[tuple[bytes, str]]:
    """``(record, bill_id)`` of version 2 bill records whose links the bills now keep compactly (the rest
    are already as version 3 writes them); raises CorruptRow."""
    bills = _from_records(Bill, records)
    wire.compact_links(bills)  # version 2 recorded the links as the API gave them
    return [(bill_row(bill)[2], bill.bill_id) for bill in bills]


def legacy_debts(records: Iterable[Sequence[Any]]) -> list[Debt]:
    """Debts from version 1 ``(record,)`` rows; raises CorruptRow."""
    out = []
    try:
        for (record,) in records:
            f = _legacy_fields(record)
            due_date = datetime.fromisoformat(f[3]) if f[3] else None
            amounts = [_legacy_money(field) for field in f[5:]]
            out.append(Debt(int(f[0]), int(f[1]), datetime.fromisoformat(f[2]), due_date, f[4], *amounts))
    except (TypeError, ValueError) as exc:
        raise CorruptRow(f"debt record: {exc}") from None
    return out


def _legacy_fields(record: Any) -> list[str]:
    if type(record) is not str:
        raise CorruptRow(f"record is {type(record).__name__}, not text")
    fields = record.split(SEP)
    if len(fields) != 10:
        fields = json.loads(record)
        if not isinstance(fields, list) or len(fields) != 10 or not all(type(f) is str for f in fields):
            raise CorruptRow(f"record {record!r:.40}")
    return fields


def _legacy_money(field: str) -> Money:
    ucents, currency, text = json.loads(field) if field.startswith("[") else field.split(MONEY_SEP, 2)
    if type(currency) is not str or type(text) is not str:
        raise CorruptRow(f"amount {field!r:.40}")
    return Money(int(ucents), currency)  # the text is checked, not kept (see Money)


# --- everything else: JSON of the dataclass fields ----------------------------------------------------


def to_json(obj: Any) -> str:
    """Compact JSON of a model dataclass (or a list of them)."""
    return json.dumps(_plain(obj), separators=(",", ":"), ensure_ascii=False)


def _field_names(kind: Any) -> list[str]:
    """The attribute names of a model, a dataclass or a msgspec Struct (``Money``)."""
    if issubclass(kind, msgspec.Struct):
        return [f.name for f in msgspec.structs.fields(kind)]
    return [f.name for f in dataclasses.fields(kind)]


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and (dataclasses.is_dataclass(kind) or issubclass(kind, msgspec.Struct))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if _is_model(type(value)):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def from_json(kind: type[T], text: Any) -> T:
    """Read back one object of ``kind`` written by :func:`to_json`; raises CorruptRow."""
    return typing.cast(T, _decode_text(kind, text))


def list_from_json(kind: type[T], text: Any) -> list[T]:
    """Read back a list of ``kind`` written by :func:`to_json`; raises CorruptRow."""
    return typing.cast(list[T], _decode_text(list[kind], text))  # type: ignore[valid-type]


def _decode_text(kind: Any, text: Any) -> Any:
    if not isinstance(text, str):
        raise CorruptRow(f"{_name(kind)}: not JSON text")
    try:
        return _decoder(kind)(json.loads(text))
    except CorruptRow:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CorruptRow(f"{_name(kind)}: {exc}") from None


def _name(kind: Any) -> str:
    return getattr(kind, "__name__", str(kind))


def _check(kind: type) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if type(value) is not kind:
            raise CorruptRow(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return read


@cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """A function turning JSON data back into ``kind`` (dataclasses, lists, optionals, dates, scalars)."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"cannot cache a value of type {kind}")
        read_inner = _decoder(inner[0])
        return lambda value: None if value is None else read_inner(value)
    if origin is list:
        read_item = _decoder(typing.get_args(kind)[0])

        def read_list(value: Any) -> list[Any]:
            if not isinstance(value, list):
                raise CorruptRow("expected a list")
            return [read_item(item) for item in value]

        return read_list
    if kind is datetime:
        return lambda value: datetime.fromisoformat(_check(str)(value))
    if kind is date:
        return lambda value: date.fromisoformat(_check(str)(value))
    if kind in (str, int, bool):
        return _check(kind)
    if _is_model(kind):
        model: Any = kind
        hints = typing.get_type_hints(model)
        readers = [(name, _decoder(hints[name])) for name in _field_names(model)]

        def read_object(value: Any) -> Any:
            if not isinstance(value, dict):
                raise CorruptRow(f"{model.__name__}: expected an object")
            return model(**{name: read(value[name]) for name, read in readers})

        return read_object
    raise TypeError(f"cannot cache a value of type {kind}")
