"""What an export returns (or raises): counts, totals per currency, the documents that failed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ovh_invoices_tui.core.models import Money


class Failure(NamedTuple):
    """A document that could not be exported: the bill id and why (a sentence for the user)."""

    bill_id: str
    reason: str


class ExportAborted(Exception):
    """An export stopped at the first failure (``on_failure="stop"``); nothing was written."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        self.failures: tuple[Failure, ...] = tuple(failures)
        first = self.failures[0] if self.failures else None
        detail = f": {first.bill_id}: {first.reason}" if first else ""
        super().__init__(f"Export stopped, {len(self.failures)} document(s) could not be fetched{detail}")


class Totals:
    """Exact per-currency sums accumulated while rows stream through (currencies in order of appearance)."""

    __slots__ = ("ucents",)

    def __init__(self) -> None:
        self.ucents: dict[str, int] = {}

    def add(self, money: Money) -> None:
        self.ucents[money.currency] = self.ucents.get(money.currency, 0) + money.ucents

    def result(self) -> tuple[Money, ...]:
        return tuple(Money(value, currency) for currency, value in self.ucents.items())


def sum_by_currency(amounts: Iterable[Money]) -> tuple[Money, ...]:
    """Exact totals, one per currency, in order of first appearance."""
    totals = Totals()
    for money in amounts:
        totals.add(money)
    return totals.result()


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A written file: where, how many rows, and the total amount(s) (TTC for bills) per currency."""

    path: Path
    count: int
    totals: tuple[Money, ...] = ()

    @property
    def total(self) -> Money | None:
        """The total when there is exactly one currency (``None`` when empty or mixed)."""
        return self.totals[0] if len(self.totals) == 1 else None


@dataclass(frozen=True, slots=True)
class BundleResult:
    """A PDF bundle (``path`` is the file) or a folder of PDFs (``path`` is the folder).

    ``count`` is the number of invoices whose PDF was included or saved, ``failures`` those that
    could not be (``(bill_id, reason)``), ``skipped`` the bill ids whose file already existed
    (folder only), ``files`` the files written (folder only), ``pages`` the bundle's page count.
    """

    path: Path
    count: int
    totals: tuple[Money, ...] = ()
    failures: tuple[Failure, ...] = ()
    skipped: tuple[str, ...] = ()
    files: tuple[Path, ...] = field(default_factory=tuple)
    pages: int = 0

    @property
    def total(self) -> Money | None:
        return self.totals[0] if len(self.totals) == 1 else None

    @property
    def complete(self) -> bool:
        """True when nothing failed."""
        return not self.failures
