"""The console's bulk listing ("iceberg"): full objects by pages of 5000 instead of an id list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterable
from typing import Any, TypeVar

PAGE_SIZE = 5000
ELEMENTS_HEADER = "X-Pagination-Elements"
SIZE_HEADER = "X-Pagination-Size"

R = TypeVar("R")


def page_headers(number: int, size: int = PAGE_SIZE) -> dict[str, str]:
    """Headers asking for page ``number`` (1-based) of full objects."""
    return {
        "X-Pagination-Mode": "CachedObjectList-Pages",
        "X-Pagination-Size": str(size),
        "X-Pagination-Number": str(number),
    }


def is_object_list(data: Any, total_header: str | None) -> bool:
    """True when the server honoured the mode (objects, or an empty page with a total)."""
    if not isinstance(data, list):
        return False
    if not data:
        return total_header is not None
    # One broken object (a null, a string …) must not turn a page of objects into an "id list".
    return any(isinstance(item, dict) for item in data) or (total_header is not None and not is_id_list(data))


def is_id_list(data: Any) -> bool:
    """A plain listing: strings or integers."""
    return isinstance(data, list) and all(isinstance(item, str | int) and not isinstance(item, bool) for item in data)


def remaining_pages(total: int, first_count: int) -> range:
    """Numbers of the pages after the first, the first page's length giving the server's page size."""
    if total <= first_count or first_count <= 0:
        return range(0)
    pages = -(-total // first_count)
    return range(2, pages + 1)


async def as_completed(awaitables: Iterable[Awaitable[R]]) -> AsyncIterator[R]:
    """Run concurrently, yield results as they finish; cancel the rest when the consumer stops.

    A result is let go of once yielded: the twenty pages of a 100,000-bill listing (3 MB of JSON each) are not
    all held until the last one arrives.
    """
    finished: asyncio.Queue[asyncio.Future[R]] = asyncio.Queue()
    pending: set[asyncio.Future[R]] = {asyncio.ensure_future(aw) for aw in awaitables}
    for task in pending:
        task.add_done_callback(finished.put_nowait)
    try:
        for _ in range(len(pending)):
            yield _handed_over(await finished.get(), pending)  # no local keeps the task nor its result
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        while not finished.empty():  # finished but never consumed: their errors are not "never retrieved"
            unread = finished.get_nowait()
            if not unread.cancelled():
                unread.exception()


def _handed_over(task: asyncio.Future[R], pending: set[asyncio.Future[R]]) -> R:
    pending.discard(task)
    return task.result()
