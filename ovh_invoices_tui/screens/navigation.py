"""Messages a screen posts to ask the App to open another screen (messages up, attributes down).

The App decides how a screen opens (what it pops first, what it passes down); a screen only says what the
user asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenDetail(Message):
    """Show this invoice's detail."""

    bill_id: str


@dataclass
class OpenActionMenu(Message):
    """Show the "…" menu of this invoice."""

    bill_id: str
