"""The quick-filter input (``/``): Enter keeps the filter, Esc cancels it — and the footer says so while it is open.

The convention of k9s, lazygit and htop's filter: what was there before ``/`` comes back on Esc.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """An input whose Enter keeps what was typed and whose Esc posts :class:`FilterInput.Cancelled`."""

    BINDINGS = [
        Binding("enter", "submit", "Keep filter", id="filter.keep", tooltip="Keep the filter, back to the list"),
        Binding(
            "escape",
            "cancel",
            "Cancel filter",
            id="filter.cancel",
            tooltip="Restore the filter as it was before, back to the list",
        ),
    ]

    class Cancelled(Message):
        """Esc in the input: the screen restores the filter it had before the input was opened."""

        def __init__(self, filter_input: FilterInput) -> None:
            super().__init__()
            self.filter_input = filter_input

        @property
        def control(self) -> FilterInput:
            return self.filter_input

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Focus puts the cursor after the filter shown, so typing extends it rather than replacing it.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def on_focus(self) -> None:
        self.cursor_position = len(self.value)  # typing goes after the filter shown

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
