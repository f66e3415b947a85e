"""Running awaitables together without leaving any behind."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any


async def together(*awaitables: Awaitable[Any]) -> list[Any]:
    """Like ``asyncio.gather``, but the first failure cancels the others and waits for them to stop
    before it is raised: nothing keeps running on a client or a cache its caller is about to close."""
    tasks = [asyncio.ensure_future(aw) for aw in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
