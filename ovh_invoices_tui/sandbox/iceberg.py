"""The console's bulk listing ("iceberg"): ``X-Pagination-*`` headers → a page of full objects.

Filters ``field:op=value&…`` with op in eq, ne, lt, gt, like (``%`` wildcards, case-insensitive) and in
(comma-separated); values are URL-encoded. Sorting and filtering work on record indexes through
typed field getters, and sorted/filtered index lists are cached, so a 5000-object page of 100,000 bills
costs little more than serialising it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import unquote

from ..core.models import parse_datetime

MAX_PAGE_SIZE = 5000
OPS = ("eq", "ne", "lt", "gt", "like", "in")


class IcebergError(ValueError):
    """A bad pagination header (answered 400 Client::BadRequest)."""


@dataclass(frozen=True)
class Field:
    """How to read one filterable/sortable field of a record index, and how to parse a filter value."""

    get: Callable[[Any], Any]
    parse: Callable[[str], Any]
    text: Callable[[Any], str] | None = None
    natural: bool = False  # items are already in ascending order of this field: sorting is free


def datetime_value(raw: str) -> float:
    """A filter value on a date field, as epoch seconds (a bare date is midnight UTC)."""
    value = parse_datetime(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def price_value(obj: Any) -> float:
    return float(obj["value"]) if isinstance(obj, Mapping) else float(obj)


@dataclass(frozen=True)
class Query:
    size: int
    number: int
    sort: str | None
    descending: bool
    filters: tuple[tuple[str, str, str], ...]
    raw_filter: str


def parse_headers(headers: Mapping[str, str]) -> Query | None:
    """The iceberg query of a request, None when it does not ask for bulk mode."""
    if headers.get("x-pagination-mode", "") != "CachedObjectList-Pages":
        return None
    try:
        size = int(headers.get("x-pagination-size", str(MAX_PAGE_SIZE)))
        number = int(headers.get("x-pagination-number", "1"))
    except ValueError:
        raise IcebergError("Invalid X-Pagination-Size or X-Pagination-Number") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise IcebergError(f"X-Pagination-Size must be between 1 and {MAX_PAGE_SIZE}")
    if number < 1:
        raise IcebergError("X-Pagination-Number must be 1 or more")
    order = headers.get("x-pagination-sort-order", "ASC").upper()
    if order not in ("ASC", "DESC"):
        raise IcebergError("X-Pagination-Sort-Order must be ASC or DESC")
    raw = headers.get("x-pagination-filter", "")
    return Query(size, number, headers.get("x-pagination-sort") or None, order == "DESC", _filters(raw), raw)


def _filters(raw: str) -> tuple[tuple[str, str, str], ...]:
    out = []
    for part in filter(None, raw.split("&")):
        key, sep, value = part.partition("=")
        field, colon, op = key.partition(":")
        if not sep or not colon or op not in OPS or not field:
            raise IcebergError(f"Invalid X-Pagination-Filter {part!r} (expected field:op=value, op in {OPS})")
        out.append((unquote(field), op, unquote(value)))
    return tuple(out)


def _predicate(field: Field, op: str, raw: str) -> Callable[[Any], bool]:
    get = field.get
    if op == "like":
        pattern = re.compile("^" + ".*".join(re.escape(p) for p in raw.split("%")) + "$", re.I | re.S)
        text = field.text or (lambda i: str(get(i)))
        return lambda i: pattern.match(text(i)) is not None
    try:
        if op == "in":
            values = {field.parse(v) for v in raw.split(",")}
            return lambda i: get(i) in values
        value = field.parse(raw)
    except (TypeError, ValueError):
        raise IcebergError(f"Invalid filter value {raw!r}") from None
    if op == "eq":
        return lambda i: get(i) == value
    if op == "ne":
        return lambda i: get(i) != value
    if op == "lt":
        return lambda i: (v := get(i)) is not None and v < value
    return lambda i: (v := get(i)) is not None and v > value


class Paginator:
    """Applies iceberg queries to a collection, caching sorted and filtered index lists."""

    def __init__(self, fields: Mapping[str, Field], max_cached: int = 16) -> None:
        self.fields = fields
        self._cache: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()
        self.max_cached = max_cached

    def _field(self, name: str) -> Field:
        field = self.fields.get(name)
        if field is None:
            raise IcebergError(f"Unknown field {name!r} (known: {', '.join(sorted(self.fields))})")
        return field

    def _cached(self, key: tuple[Any, ...], build: Callable[[], list[Any]]) -> list[Any]:
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        value = build()
        self._cache[key] = value
        if len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)
        return value

    def select(self, items: Sequence[Any], query: Query, cache_key: Any = None) -> tuple[list[Any], int]:
        """The page of ``items`` (indexes or records) a query asks for, and the total after filters.

        ``cache_key`` identifies ``items`` (and its version); None disables caching.
        """
        predicates = [_predicate(self._field(f), op, v) for f, op, v in query.filters]
        sort_field = self._field(query.sort) if query.sort else None

        def ordered() -> list[Any]:
            if sort_field is None or sort_field.natural:
                return list(reversed(items)) if query.descending else list(items)
            get = sort_field.get
            return sorted(items, key=lambda i: _sort_key(get(i)), reverse=query.descending)

        def filtered() -> list[Any]:
            base = ordered() if cache_key is None else self._cached(
                (cache_key, query.sort, query.descending), ordered)
            if not predicates:
                return base
            return [i for i in base if all(p(i) for p in predicates)]

        if cache_key is None:
            selected = filtered()
        else:
            selected = self._cached((cache_key, query.sort, query.descending, query.filters), filtered)
        start = (query.number - 1) * query.size
        return selected[start:start + query.size], len(selected)


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value)


def page_headers(query: Query, total: int) -> dict[str, str]:
    """Response headers of an iceberg page."""
    return {"X-Pagination-Elements": str(total), "X-Pagination-Size": str(query.size),
            "X-Pagination-Number": str(query.number), "X-Pagination-Mode": "CachedObjectList-Pages"}
