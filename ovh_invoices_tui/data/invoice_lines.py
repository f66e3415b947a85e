"""Invoice lines for many invoices at once: from the cache first, the rest from the API, kept in the cache.

Lines never change once an invoice is issued, so each invoice's lines are read from the API at most once per
account. The API has no bulk route for lines: the missing ones are fetched one invoice at a time through the
client, whose own cap keeps at most 8 requests in flight. Progress is reported as lines arrive; cancelling
(the task is cancelled) keeps everything read so far.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ovh_invoices_tui.core.models import BillDetail


class LinesSource(Protocol):
    """What the loader needs from the API client."""

    async def bill_details(self, bill_id: str) -> list[BillDetail]: ...


class LinesCache(Protocol):
    """What the loader needs from the account's cache."""

    def many_bill_details(self, bill_ids: Iterable[str]) -> dict[str, list[BillDetail]]: ...

    def save_bill_details(self, bill_id: str, details: list[BillDetail]) -> None: ...


@dataclass(slots=True)
class LinesProgress:
    """How far reading lines has gone: ``done`` of ``total`` invoices, and those that failed."""

    total: int
    done: int = 0
    from_cache: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # bill id -> why

    @property
    def complete(self) -> bool:
        return self.done + len(self.failed) >= self.total


ProgressCallback = Callable[[LinesProgress, dict[str, list[BillDetail]]], None]


async def read_lines(
    bill_ids: Sequence[str],
    client: LinesSource | None,
    cache: LinesCache | None,
    known: dict[str, list[BillDetail]] | None = None,
    on_progress: ProgressCallback | None = None,
    batch: int = 64,
) -> tuple[dict[str, list[BillDetail]], LinesProgress]:
    """The lines of every invoice of ``bill_ids``: ``known`` ones, then the cache, then the API.

    ``on_progress`` is called after the cache read and after each batch of API answers with the lines known
    so far (a live dict: do not keep it across awaits). One invoice failing is recorded and the rest go on.
    """
    lines: dict[str, list[BillDetail]] = dict(known or {})
    progress = LinesProgress(total=len(bill_ids))
    missing = [bill_id for bill_id in bill_ids if bill_id not in lines]
    if cache is not None and missing:
        cached = cache.many_bill_details(missing)
        lines.update(cached)
        progress.from_cache = len(cached)
        missing = [bill_id for bill_id in missing if bill_id not in cached]
    progress.done = len(bill_ids) - len(missing)
    if on_progress is not None:
        on_progress(progress, lines)
    if client is None:
        for bill_id in missing:
            progress.failed[bill_id] = "offline"
        return lines, progress

    async def one(bill_id: str) -> None:
        try:
            details = await client.bill_details(bill_id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one unreadable invoice must not stop the others; it is reported
            progress.failed[bill_id] = str(exc) or type(exc).__name__
            return
        lines[bill_id] = details
        progress.done += 1
        if cache is not None:
            cache.save_bill_details(bill_id, details)

    # Batches keep progress lively and let a cancel stop within one batch; the client caps concurrency.
    for start in range(0, len(missing), batch):
        await asyncio.gather(*(one(bill_id) for bill_id in missing[start : start + batch]))
        if on_progress is not None:
            on_progress(progress, lines)
    return lines, progress
