"""Spend insights: bills bucketed by month, category and service, per currency, exact to the micro-cent.

Built once over the bills (one pass, plain ints), then every range is a slice of month keys, so moving the
range over 100,000 invoices costs a few dozen dictionary look-ups. Currencies are never summed together.
Service figures come from invoice lines (``BillDetail``), which are priced without tax.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ovh_invoices_tui.core.models import Bill, BillDetail

Basis = Literal["ht", "ttc"]
Dimension = Literal["month", "category", "service"]
MonthKey = int  # year * 12 + (month - 1): consecutive months are consecutive integers


def month_key(day: date) -> MonthKey:
    """The month of ``day`` as an integer key."""
    return day.year * 12 + day.month - 1


def month_start(key: MonthKey) -> date:
    """The first day of the month ``key``."""
    return date(key // 12, key % 12 + 1, 1)


def month_end(key: MonthKey) -> date:
    """The last day of the month ``key``."""
    return date.fromordinal(month_start(key + 1).toordinal() - 1)


def month_label(key: MonthKey) -> str:
    """``2026-11``: the month as the CLI, CSV and filters write it."""
    return f"{key // 12:04d}-{key % 12 + 1:02d}"


@dataclass(frozen=True, slots=True)
class MonthRange:
    """A span of whole months, both ends included."""

    first: MonthKey
    last: MonthKey

    @classmethod
    def last_months(cls, count: int, today: date) -> MonthRange:
        """The ``count`` months ending with the month of ``today`` (the current, partial, month)."""
        end = month_key(today)
        return cls(end - max(1, count) + 1, end)

    @classmethod
    def of_dates(cls, start: date, end: date) -> MonthRange:
        """The months covering ``start`` to ``end``."""
        first, last = month_key(start), month_key(end)
        return cls(min(first, last), max(first, last))

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def keys(self) -> range:
        return range(self.first, self.last + 1)

    def shifted(self, months: int) -> MonthRange:
        """The same length, moved by ``months`` (negative: earlier)."""
        return MonthRange(self.first + months, self.last + months)

    def resized(self, months: int) -> MonthRange:
        """The same last month, ``months`` more (or fewer, never fewer than one) at the start."""
        return MonthRange(min(self.last, self.first - months), self.last)

    @property
    def start(self) -> date:
        return month_start(self.first)

    @property
    def end(self) -> date:
        return month_end(self.last)

    def describe(self) -> str:
        first, last = month_label(self.first), month_label(self.last)
        return first if first == last else f"{first}..{last}"


@dataclass(slots=True)
class Bucket:
    """Sums of a set of bills: without tax, with tax (micro-cents) and how many."""

    without_tax: int = 0
    with_tax: int = 0
    count: int = 0

    def add(self, without_tax: int, with_tax: int) -> None:
        self.without_tax += without_tax
        self.with_tax += with_tax
        self.count += 1

    def amount(self, basis: Basis) -> int:
        return self.with_tax if basis == "ttc" else self.without_tax


def change(current: int, before: int | None) -> float | None:
    """The relative change from ``before`` to ``current`` (0.25 = +25 %); None when there is nothing to compare."""
    if before is None or before == 0:
        return None
    return (current - before) / abs(before)


@dataclass(frozen=True, slots=True)
class MonthFigure:
    """One month of one currency, with what it compares to."""

    key: MonthKey
    currency: str
    without_tax: int
    with_tax: int
    count: int
    partial: bool  # the current month: more invoices may come
    previous_month: int | None  # amount on the chosen basis, None before the first known month
    previous_year: int | None

    def amount(self, basis: Basis) -> int:
        return self.with_tax if basis == "ttc" else self.without_tax

    @property
    def label(self) -> str:
        return month_label(self.key)


@dataclass(frozen=True, slots=True)
class Share:
    """One bar of a breakdown: a category or a service, its amount and how many invoices are behind it."""

    key: str
    label: str
    amount: int
    count: int
    bill_ids: frozenset[str] = field(default_factory=frozenset)
    other: bool = False  # the bar that gathers everything past the top N


class SpendIndex:
    """Bills bucketed by (currency, month) in one tight pass; categories and ids are worked out when asked."""

    def __init__(self, bills: Iterable[Bill]) -> None:
        self._bills: Sequence[Bill] = bills if isinstance(bills, Sequence) else list(bills)
        sums: dict[tuple[str, MonthKey], list[int]] = {}
        get = sums.get
        for bill in self._bills:  # the hot loop at 100,000 bills: plain attribute reads and int additions
            day, ttc = bill.date, bill.price_with_tax
            key = (ttc.currency, day.year * 12 + day.month - 1)
            acc = get(key)
            if acc is None:
                sums[key] = [bill.price_without_tax.ucents, ttc.ucents, 1]
            else:
                acc[0] += bill.price_without_tax.ucents
                acc[1] += ttc.ucents
                acc[2] += 1
        self._months: dict[str, dict[MonthKey, Bucket]] = {}
        for (currency, month), (ht, ttc_sum, count) in sums.items():
            self._months.setdefault(currency, {})[month] = Bucket(ht, ttc_sum, count)
        self.bill_count = len(self._bills)
        self._categories: dict[str, dict[MonthKey, dict[str, Bucket]]] | None = None

    def _by_category(self) -> dict[str, dict[MonthKey, dict[str, Bucket]]]:
        """(currency, month, category) buckets, built on the first category view."""
        if self._categories is None:
            categories: dict[str, dict[MonthKey, dict[str, Bucket]]] = {}
            for bill in self._bills:
                day, ttc = bill.date, bill.price_with_tax
                per_month = categories.setdefault(ttc.currency, {}).setdefault(day.year * 12 + day.month - 1, {})
                bucket = per_month.get(bill.category)
                if bucket is None:
                    bucket = per_month[bill.category] = Bucket()
                bucket.add(bill.price_without_tax.ucents, ttc.ucents)
            self._categories = categories
        return self._categories

    @property
    def currencies(self) -> list[str]:
        """Currencies present, the one with the most invoices first."""
        return sorted(self._months, key=lambda c: (-sum(b.count for b in self._months[c].values()), c))

    def known_range(self, currency: str) -> MonthRange | None:
        """From the first to the last month with an invoice in ``currency``."""
        months = self._months.get(currency)
        if not months:
            return None
        return MonthRange(min(months), max(months))

    def months(self, currency: str, span: MonthRange, basis: Basis, today: date) -> list[MonthFigure]:
        """Every month of ``span`` (empty ones included, at zero) with month-over-month and year-over-year."""
        months = self._months.get(currency, {})
        known = self.known_range(currency)
        current = month_key(today)

        def amount(key: MonthKey) -> int | None:
            if known is None or key < known.first:
                return None  # before the account's first invoice: no comparison rather than "+∞ %"
            bucket = months.get(key)
            return bucket.amount(basis) if bucket else 0

        figures: list[MonthFigure] = []
        for key in span.keys():  # noqa: SIM118 - a range of month keys, not a dict
            bucket = months.get(key) or Bucket()
            figures.append(
                MonthFigure(
                    key=key,
                    currency=currency,
                    without_tax=bucket.without_tax,
                    with_tax=bucket.with_tax,
                    count=bucket.count,
                    partial=key == current,
                    # A month still running compares badly with whole ones: no change shown for it.
                    previous_month=None if key == current else amount(key - 1),
                    previous_year=None if key == current else amount(key - 12),
                )
            )
        return figures

    def total(self, currency: str, span: MonthRange) -> Bucket:
        """Sums over ``span`` in ``currency``."""
        months = self._months.get(currency, {})
        total = Bucket()
        for key in span.keys():  # noqa: SIM118 - a range of month keys, not a dict
            bucket = months.get(key)
            if bucket:
                total.without_tax += bucket.without_tax
                total.with_tax += bucket.with_tax
                total.count += bucket.count
        return total

    def bill_ids(
        self, currency: str, span: MonthRange, category: str | None = None, excluding: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        """The invoices behind a month range, of one category or of none of ``excluding`` (the "other" bar).

        What ``enter`` on a row filters the invoice list to (one scan of the bills: rare, so not indexed).
        """
        first, last = span.first, span.last
        return frozenset(
            bill.bill_id
            for bill in self._bills
            if bill.price_with_tax.currency == currency
            and first <= bill.date.year * 12 + bill.date.month - 1 <= last
            and (category is None or bill.category == category)
            and bill.category not in excluding
        )

    def by_category(self, currency: str, span: MonthRange, basis: Basis, top: int = 8) -> list[Share]:
        """Categories over ``span``, largest first, the rest gathered in one "other" bar."""
        sums: dict[str, Bucket] = {}
        per_month = self._by_category().get(currency, {})
        for key in span.keys():  # noqa: SIM118 - a range of month keys, not a dict
            for category, bucket in per_month.get(key, {}).items():
                total = sums.setdefault(category, Bucket())
                total.without_tax += bucket.without_tax
                total.with_tax += bucket.with_tax
                total.count += bucket.count
        shares = [
            Share(category, category, bucket.amount(basis), bucket.count) for category, bucket in sums.items()
        ]
        return top_shares(shares, top)

    def bills_in(self, currency: str, span: MonthRange) -> list[str]:
        """Ids of the invoices of ``span`` (for reading their lines)."""
        return sorted(self.bill_ids(currency, span))


def top_shares(shares: Sequence[Share], top: int) -> list[Share]:
    """The ``top`` largest shares (ties by label), then one "other" share summing the rest."""
    ordered = sorted(shares, key=lambda s: (-s.amount, s.label))
    head, tail = ordered[:top], ordered[top:]
    if tail:
        ids = frozenset().union(*(s.bill_ids for s in tail))
        head.append(
            Share("", "", sum(s.amount for s in tail), sum(s.count for s in tail), ids, other=True)
        )
    return head


def by_service(
    lines: Mapping[str, Sequence[BillDetail]], bill_ids: Iterable[str], currency: str, top: int = 8
) -> list[Share]:
    """Services (the lines' ``domain``) over the given invoices, from their lines (priced without tax).

    ``lines`` holds the lines of the invoices read so far; invoices not in it are simply not counted yet
    (the caller says the figures are partial). The label is the service reference and the description of
    its largest line.
    """
    sums: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    best: dict[str, tuple[int, str]] = {}
    for bill_id in bill_ids:
        for line in lines.get(bill_id, ()):
            if line.total_price.currency != currency:
                continue
            service = line.domain or line.description or "?"
            amount = line.total_price.ucents
            sums[service] = sums.get(service, 0) + amount
            ids.setdefault(service, set()).add(bill_id)
            if service not in best or amount > best[service][0]:
                best[service] = (amount, line.description)
    shares = [
        Share(
            service,
            _service_label(service, best[service][1]),
            amount,
            len(ids[service]),
            frozenset(ids[service]),
        )
        for service, amount in sums.items()
    ]
    return top_shares(shares, top)


def _service_label(service: str, description: str) -> str:
    """The description when it names the service already, else ``service — description``."""
    if not description or service in description:
        return description or service
    return f"{service} — {description}"
