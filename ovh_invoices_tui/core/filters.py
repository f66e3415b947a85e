"""The invoice filters: the guide's reference / order number / date of issue, plus status and a quick filter."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.models import PAID, TO_BE_PAID, UNMATURED, UNPAID, BillRow


class StatusFilter(StrEnum):
    ALL = "all"
    PAID = "paid"
    UNPAID = "unpaid"
    DUE = "due"
    OVERDUE = "overdue"  # something due past its debt's due date


UNPAID_STATUSES = frozenset({UNPAID, TO_BE_PAID, UNMATURED})


def days_overdue(row: BillRow, today: date) -> int | None:
    """Days since the due date of a bill whose debt still has something due; None when not late."""
    debt = row.debt
    if debt is None or debt.due_date is None or debt.due_amount.ucents <= 0:
        return None
    late = (today - debt.due_date.date()).days
    return late if late > 0 else None


class FilterInputError(ValueError):
    """Input the user typed that is not a valid filter value (shown as such, never applied silently).

    ``code`` says what is wrong (``not_a_date``, ``not_a_month``, ``reversed_range``) and ``text`` what was typed,
    so a UI words it in its language; the message is the English wording (the CLI's).
    """

    def __init__(self, message: str, *, code: str | None = None, text: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.text = text


def _not_a_date(text: str) -> FilterInputError:
    return FilterInputError(f"not a date: {text!r} (use YYYY-MM-DD or DD/MM/YYYY)", code="not_a_date", text=text)


_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
)
_MONTH_FORMAT = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_YEAR_FORMAT = re.compile(r"^(?P<y>\d{4})$")


def parse_day(text: str) -> date:
    """Parse ``2024-03-01`` or ``01/03/2024``; raise FilterInputError naming the input otherwise."""
    text = text.strip()
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise _not_a_date(text)


def _parse_span(text: str) -> tuple[date, date]:
    """The first and last day of a day, a month (``2024-03``) or a year (``2024``)."""
    month = _MONTH_FORMAT.match(text)
    if month:
        year, number = int(month["y"]), int(month["m"])
        if not 1 <= number <= 12 or year < 1:
            raise FilterInputError(f"not a month: {text!r}", code="not_a_month", text=text)
        if number == 12:
            return date(year, 12, 1), date(year, 12, 31)
        return date(year, number, 1), date.fromordinal(date(year, number + 1, 1).toordinal() - 1)
    year_match = _YEAR_FORMAT.match(text)
    if year_match:
        year = int(year_match["y"])
        if year < 1:
            raise _not_a_date(text)
        return date(year, 1, 1), date(year, 12, 31)
    day = parse_day(text)
    return day, day


def parse_date_range(text: str) -> tuple[date | None, date | None]:
    """Parse a day, a month (``2024-03``), a year, or a ``from..to`` range (either side may be empty).

    Each side of a range may itself be a day, a month or a year: the left side stands for its first
    day, the right side for its last day (``2024-03..2024-05`` is 1 March to 31 May 2024).
    """
    text = text.strip()
    if not text:
        return None, None
    if ".." in text:
        left, right = (part.strip() for part in text.split("..", 1))
        start = _parse_span(left)[0] if left else None
        end = _parse_span(right)[1] if right else None
        if start and end and start > end:
            raise FilterInputError(f"range ends before it starts: {text!r}", code="reversed_range", text=text)
        return start, end
    return _parse_span(text)


@dataclass(frozen=True, slots=True)
class BillFilter:
    """What the invoice list shows. Empty fields do not filter."""

    reference: str = ""
    order: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: StatusFilter = StatusFilter.ALL
    quick: str = ""
    bill_ids: frozenset[str] | None = None  # a chosen set (an insights bar), named by ``subset``
    subset: str = ""
    new_only: bool = False  # only what arrived since the last visit

    @property
    def is_active(self) -> bool:
        return self != BillFilter()

    def with_quick(self, text: str) -> BillFilter:
        return replace(self, quick=text)

    def accepts_status(self, row: BillRow) -> bool:
        if self.status is StatusFilter.ALL:
            return True
        if self.status is StatusFilter.PAID:
            return row.status == PAID
        if self.status is StatusFilter.UNPAID:
            return row.status in UNPAID_STATUSES
        if self.status is StatusFilter.OVERDUE:
            return days_overdue(row, clock.today()) is not None
        return row.balance.ucents > 0

    def describe(self, lang: str = "en") -> str:
        """One line naming every active filter, e.g. ``ref=FR12 · date=2024-01-01..2024-03-31``."""
        parts: list[str] = []
        if self.reference:
            parts.append(f"{t('filter.reference', lang)}={self.reference}")
        if self.order:
            parts.append(f"{t('filter.order', lang)}={self.order}")
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else ""
            end = self.date_to.isoformat() if self.date_to else ""
            span = start if self.date_from == self.date_to else f"{start}..{end}"
            parts.append(f"{t('filter.date', lang)}={span}")
        if self.status is not StatusFilter.ALL:
            parts.append(f"{t('filter.status', lang)}={t('filter.status.' + self.status.value, lang)}")
        if self.quick:
            parts.append(f"{t('filter.quick', lang)}={self.quick}")
        if self.new_only:
            parts.append(t("filter.new", lang))
        if self.bill_ids is not None:
            parts.append(f"{t('filter.subset', lang)}={self.subset or len(self.bill_ids)}")
        return " · ".join(parts) if parts else t("filter.none", lang)
