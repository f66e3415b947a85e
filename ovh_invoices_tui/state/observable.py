"""Change notification shared by the stores: subscribers called with the set of aspects that changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

C = TypeVar("C", bound=Hashable)


class Observable(Generic[C]):
    """``subscribe(callback)``; ``_emit(change, …)``; ``with batch():`` sends one notification for many changes."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[set[C]], Any]] = []
        self._batch_depth = 0
        self._pending: set[C] = set()

    def subscribe(self, callback: Callable[[set[C]], Any]) -> Callable[[], None]:
        """Call ``callback(changes)`` after each change; returns the function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _emit(self, *changes: C) -> None:
        self._pending.update(changes)
        if self._batch_depth:
            return
        pending, self._pending = self._pending, set()
        for callback in list(self._subscribers):
            callback(pending)

    @contextmanager
    def batch(self) -> Any:
        """``with store.batch():`` groups several changes into one notification."""
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if not self._batch_depth and self._pending:
                self._emit()
