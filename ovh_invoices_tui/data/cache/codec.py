"""How cached objects are written to and read back from SQLite.

Bills and debts (the big lists) are compact records rebuilt straight into ``Bill``/``Debt``/``Money``:
the validating API parser is skipped, since the cache only ever holds what that parser already accepted.
The smaller objects (deposits, refunds, bill details, the account and its balance) are JSON built from
their dataclass fields. Any row that does not decode raises :class:`CorruptRow`; the cache is then rebuilt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

import msgspec

from ovh_invoices_tui.core.models import Bill, Debt, Money

T = TypeVar("T")

# A bill or a debt is one text record: its fields joined by SEP (one string per row for SQLite to hand over
# and one split, instead of seventeen column values: a third of the warm start saved at 100,000 bills).
SEP = "\x1f"
MONEY_SEP = "\x1e"  # inside an amount's field: ucents, currency, text
BILL_FIELDS = 10
DEBT_FIELDS = 10


class CorruptRow(ValueError):
    """A cached row that cannot be turned back into its object."""


def pack(fields: list[str]) -> str:
    """``fields`` joined by SEP; as a JSON list in the (never seen) case where a field holds SEP itself."""
    record = SEP.join(fields)
    if record.count(SEP) != len(fields) - 1:
        return json.dumps(fields)  # JSON escapes control characters: no raw SEP in it
    return record


def unpack(record: Any, size: int) -> list[str]:
    """The fields of a :func:`pack` record; raises CorruptRow."""
    if type(record) is not str:
        raise CorruptRow(f"record is {type(record).__name__}, not text")
    fields = record.split(SEP)
    if len(fields) != size:
        try:
            fields = json.loads(record)
        except ValueError:
            raise CorruptRow(f"record {record!r:.40}") from None
        if not isinstance(fields, list) or len(fields) != size or not all(type(f) is str for f in fields):
            raise CorruptRow(f"record {record!r:.40}")
    return fields


def money_field(money: Money) -> str:
    """``ucents MONEY_SEP currency MONEY_SEP text``: one field, so equal amounts are found by one string."""
    if MONEY_SEP in money.currency:
        return json.dumps([money.ucents, money.currency, money.text])  # starts with "[", never a digit
    return f"{money.ucents}{MONEY_SEP}{money.currency}{MONEY_SEP}{money.text}"


def _new_money(pool: dict[str, Money], field: str) -> Money:
    """Parse an amount's field (an unseen one) into the pool."""
    if field.startswith("["):
        ucents, currency, text = json.loads(field)
    else:
        ucents, currency, text = field.split(MONEY_SEP, 2)
    if type(currency) is not str or type(text) is not str:
        raise CorruptRow(f"amount {field!r:.40}")
    money = pool[field] = Money(int(ucents), currency, text)
    return money


# --- bills and debts -------------------------------------------------------------------------------------


def bill_row(bill: Bill) -> tuple[str, float, str]:
    """``(bill_id, ts, record)``: ``ts`` orders bills whatever their UTC offset."""
    fields = [
        bill.bill_id, bill.category, bill.date.isoformat(), str(bill.order_id),
        money_field(bill.price_with_tax), money_field(bill.price_without_tax), money_field(bill.tax),
        bill.url, bill.pdf_url, bill.password,
    ]  # fmt: skip
    return bill.bill_id, bill.date.timestamp(), pack(fields)


def bills_from_records(records: Iterable[Sequence[Any]]) -> list[Bill]:
    """Rebuild bills from ``(record,)`` rows written by :func:`bill_row`; raises CorruptRow."""
    pool: dict[str, Money] = {}
    shared = pool.get
    parse_date = datetime.fromisoformat
    out: list[Bill] = []
    append = out.append
    with gc_paused():
        try:
            for (record,) in records:
                fields = record.split(SEP) if type(record) is str else []
                if len(fields) != BILL_FIELDS:
                    fields = unpack(record, BILL_FIELDS)
                bill_id, category, when, order_id, a, b, c, url, pdf_url, password = fields
                # equal amounts share one Money (inlined: a call per amount costs a tenth of the load)
                with_tax = shared(a)
                if with_tax is None:
                    with_tax = _new_money(pool, a)
                without_tax = shared(b)
                if without_tax is None:
                    without_tax = _new_money(pool, b)
                tax = shared(c)
                if tax is None:
                    tax = _new_money(pool, c)
                append(Bill(bill_id, category, parse_date(when), int(order_id), with_tax, without_tax, tax,
                            url, pdf_url, password))  # fmt: skip
        except CorruptRow:
            raise
        except (TypeError, ValueError) as exc:
            raise CorruptRow(f"bill record: {exc}") from None
    return out


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


_DEBT_MONEY = ("amount", "due_amount", "pending_amount", "todo_amount", "unmatured_amount")


def debt_row(debt: Debt) -> tuple[str]:
    """``(record,)`` of a debt (the due date is empty when there is none)."""
    fields = [
        str(debt.debt_id), str(debt.order_id), debt.date.isoformat(),
        debt.due_date.isoformat() if debt.due_date is not None else "", debt.status,
    ]  # fmt: skip
    fields += [money_field(getattr(debt, name)) for name in _DEBT_MONEY]
    return (pack(fields),)


def debts_from_records(records: Iterable[Sequence[Any]]) -> list[Debt]:
    """Rebuild debts from ``(record,)`` rows written by :func:`debt_row`; raises CorruptRow."""
    pool: dict[str, Money] = {}
    parse_date = datetime.fromisoformat

    def money(field: str) -> Money:
        found = pool.get(field)
        return _new_money(pool, field) if found is None else found

    out: list[Debt] = []
    with gc_paused():
        try:
            for (record,) in records:
                f = unpack(record, DEBT_FIELDS)
                amounts = [money(field) for field in f[5:]]
                due_date = parse_date(f[3]) if f[3] else None
                out.append(Debt(int(f[0]), int(f[1]), parse_date(f[2]), due_date, f[4], *amounts))
        except CorruptRow:
            raise
        except (TypeError, ValueError) as exc:
            raise CorruptRow(f"debt record: {exc}") from None
    return out


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
