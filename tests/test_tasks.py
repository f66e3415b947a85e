"""Awaitables run together never outlive a failure (a sibling left running would use a closed cache)."""

from __future__ import annotations

import asyncio

import pytest

from ovh_invoices_tui.core.tasks import together


async def test_a_failure_stops_the_others_before_it_is_raised() -> None:
    stopped = asyncio.Event()

    async def slow() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    async def fails() -> None:
        await asyncio.sleep(0)
        raise LookupError("first")

    with pytest.raises(LookupError, match="first"):
        await together(slow(), fails())
    assert stopped.is_set()


async def test_results_come_back_in_order() -> None:
    async def value(n: int, delay: float) -> int:
        await asyncio.sleep(delay)
        return n

    assert await together(value(1, 0.01), value(2, 0)) == [1, 2]
