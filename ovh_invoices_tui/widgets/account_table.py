"""The accounts overview's table: one row per configured account, columns dropped by priority at 80 columns.

Rows are :class:`~ovh_invoices_tui.data.accounts.AccountState`; what matters most (profile, amount due in red,
oldest overdue, failed payment, problem) stays, the rest (endpoint, dates, refresh time) goes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any

from ovh_invoices_tui.core.accounts import AccountState, due_text, failed_text, overdue_text
from ovh_invoices_tui.core.i18n import format_date, t
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.widgets.virtual_table import Column, VirtualTable


def account_key(row: AccountState) -> str:
    return row.profile


def ago(when: datetime | None, lang: str, now: datetime | None = None) -> str:
    """``3 min ago`` / ``il y a 3 min``: how old a refresh is."""
    if when is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 60:
        return t("accounts.ago.now", lang)
    if seconds < 3600:
        return t("accounts.ago.minutes", lang, n=int(seconds // 60))
    if seconds < 86400:
        return t("accounts.ago.hours", lang, n=int(seconds // 3600))
    return t("accounts.ago.days", lang, n=int(seconds // 86400))


def problem_text(row: AccountState, lang: str) -> str:
    if row.problem is not None:
        return clean(row.problem.text)
    return t("accounts.refreshing", lang) if row.refreshing else ""


def profile_width(rows: Sequence[AccountState], lang: str) -> int:
    """The width that shows every profile name and its read-only badge."""
    return max((len(profile_text(row, lang)) for row in rows), default=8)


def profile_text(row: AccountState, lang: str) -> str:
    return row.profile + (f" [{t('accounts.readonly', lang)}]" if row.readonly else "")


class AccountTable(VirtualTable):
    """Profile, account, endpoint, due (red when > 0), unpaid count, oldest overdue, failed payment, dates,
    new since last visit, refreshed, problem."""

    def __init__(
        self,
        rows: Sequence[AccountState] = (),
        *,
        lang: str = "en",
        marked: AbstractSet[str] | None = None,
        empty_message: str = "No account",
        profile_width: int = 12,
        id: str | None = None,
    ) -> None:
        columns = self.build_columns(lang, profile_width)
        super().__init__(columns, rows, key=account_key, marked=marked, empty_message=empty_message, id=id)

    @staticmethod
    def build_columns(lang: str, profile_width: int = 12) -> list[Column]:
        """The columns; ``profile_width`` fits the longest profile name with its READ-ONLY badge."""
        def col(column_id: str, **kwargs: Any) -> Column:
            return Column(column_id, t(f"accounts.col.{column_id}", lang), **kwargs)

        def red_when_due(row: AccountState) -> Any:
            s = row.summary
            return "bold red" if s is not None and (s.due_ucents or 0) > 0 else None

        def red(row: AccountState) -> Any:
            return "red"

        return [
            col("profile", width=profile_width, min_width=min(profile_width, 24), max_width=max(profile_width, 24),
                render=lambda r: profile_text(r, lang)),
            col("nichandle", width=11, min_width=11, priority=4,
                render=lambda r: (r.summary and r.summary.nichandle) or ""),
            col("endpoint", width=8, priority=7, render=lambda r: r.endpoint),
            col("due", width=12, min_width=10, align="right", render=lambda r: due_text(r, lang),
                style_fn=red_when_due),
            col("with_balance", width=3, align="right", priority=5,
                render=lambda r: str(r.summary.with_balance) if r.summary else ""),
            col("overdue", width=17, min_width=16, priority=1,  # "FR20672832 +50 d"
                render=lambda r: overdue_text(r, lang), style_fn=red),
            col("failed", width=21, min_width=10, priority=1, render=lambda r: failed_text(r, lang), style_fn=red),
            col("last_invoice", width=10, priority=6,
                render=lambda r: format_date(r.summary.last_invoice, lang) if r.summary else ""),
            col("last_payment", width=10, priority=8,
                render=lambda r: format_date(r.summary.last_payment, lang) if r.summary else ""),
            col("new", width=3, align="right", priority=3,
                render=lambda r: str(r.summary.new_invoices + r.summary.new_payments) if r.summary else ""),
            col("refreshed", width=12, priority=9,
                render=lambda r: ago(r.summary.refreshed_at, lang) if r.summary else ""),
            col("problem", width=30, min_width=16, max_width=80, flex=True, priority=1,
                render=lambda r: problem_text(r, lang), style_fn=red),
        ]  # fmt: skip
