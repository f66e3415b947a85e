"""Requesting an invoice's cancellation from its menu: form, preview, confirmation, one ticket."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from textual.widgets import TextArea

from ovh_invoices_tui.core.cancellation import Reason, build_ticket, clean_message, message_problem
from ovh_invoices_tui.core.models import Bill, Money
from ovh_invoices_tui.screens.cancel_dialog import CancelDialog, TicketCreated
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text
from tests.test_pay_flow import build, notices, type_ahead

TICKETS = "POST /support/tickets/create"


def _bill(ref: str = "FR0001") -> Bill:
    amount = Money.of("42.00")
    return Bill(ref, "", datetime(2026, 3, 4), 123, amount, amount, Money.zero(), "", "", "")


def test_ticket_names_the_invoice_and_the_reason() -> None:
    draft = build_ticket(
        _bill(), Reason.WITHDRAWAL, "  I used my right\r\nof withdrawal\x1b[31m ", "en", nichandle="ab1-ovh"
    )
    assert draft.subject == "Cancellation request for invoice FR0001"
    assert (draft.category, draft.subcategory) == ("billing", "bill")
    for expected in ("FR0001", "2026-03-04", "€42.00", "Order number: 123", "Right of withdrawal", "ab1-ovh"):
        assert expected in draft.body
    assert "I used my right\nof withdrawal[31m" in draft.body and "\x1b" not in draft.body
    french = build_ticket(_bill(), Reason.NOT_LEGITIMATE, "", "fr")
    assert french.subject == "Demande d'annulation de la facture FR0001"
    assert "Facture non légitime" in french.body and "04/03/2026" in french.body


def test_other_reason_needs_a_message() -> None:
    assert message_problem(Reason.OTHER, "  ", "en") is not None
    assert message_problem(Reason.OTHER, "why", "en") is None
    assert message_problem(Reason.WITHDRAWAL, "", "en") is None
    assert clean_message("a\tb\x00c") == "a bc"


async def open_cancel_dialog(app: Any, pilot: Any) -> CancelDialog:
    """The cursor row's "…" menu, then "Request cancellation"."""
    await pilot.press("full_stop", "x")
    await wait_for(lambda: isinstance(app.screen, CancelDialog), pilot)
    assert isinstance(app.screen, CancelDialog)
    return app.screen


async def test_cancellation_request_creates_one_ticket_with_the_reference(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        row = app.session.store.view[2]
        ref = row.bill.bill_id
        assert app.main_screen.jump_to(ref)
        await pilot.press("full_stop")
        await pilot.pause()
        assert "Request cancellation" in screen_text(app)
        await pilot.press("x")
        await wait_for(lambda: isinstance(app.screen, CancelDialog), pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        await pilot.press("down", "enter")  # reason: right of withdrawal
        await pilot.press("tab", *"Ordered by mistake")
        assert dialog.query_one(TextArea).text == "Ordered by mistake"
        await pilot.press("ctrl+y")  # not in the form: nothing is sent before the preview
        await pilot.pause()
        assert h.state.requests[TICKETS] == 0
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert dialog.in_preview
        text = screen_text(app)
        assert f"Subject: Cancellation request for invoice {ref}" in text
        assert "Reason: Right of withdrawal" in text
        assert dialog.draft is not None and "Ordered by mistake" in dialog.draft.body  # further down, scrollable
        await pilot.press("ctrl+y", "ctrl+y", "ctrl+y")
        await wait_for(lambda: isinstance(app.screen, TicketCreated), pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert h.state.requests[TICKETS] == 1
        (ticket,) = h.state.tickets
        assert ref in ticket["subject"] and ref in ticket["body"]
        assert (ticket["category"], ticket["subcategory"]) == ("billing", "bill")
        assert "Ordered by mistake" in ticket["body"]
        number = str(ticket["ticketNumber"])
        assert number in screen_text(app)
        assert f"Ticket #{number} created" in notices(app)
        await pilot.press("escape")
        assert isinstance(app.screen, InvoicesScreen)
        assert not app.session.guard.busy


async def test_other_without_message_stays_on_the_form_and_esc_closes(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        dialog = await open_cancel_dialog(app, pilot)
        await pilot.press("down", "down", "enter", "ctrl+n")
        await pilot.pause()
        assert not dialog.in_preview
        assert "Say why in the message" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InvoicesScreen)
        assert h.state.requests[TICKETS] == 0 and not app.session.guard.busy


async def test_tab_then_y_arriving_together_send_the_previewed_request(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        dialog = await open_cancel_dialog(app, pilot)
        await pilot.press("ctrl+n")
        await wait_for(lambda: dialog.in_preview and app.focused is dialog.query_one("#cancel-back"), pilot)
        type_ahead(app, "tab", "y")  # y must see the focus Tab gave to Send
        await wait_for(lambda: isinstance(app.screen, TicketCreated), pilot)
        await app.workers.wait_for_complete()
        assert h.state.requests[TICKETS] == 1
