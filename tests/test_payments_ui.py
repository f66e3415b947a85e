"""Pilot tests of payment tracking on the in-process sandbox: what a user presses and sees."""

from __future__ import annotations

import csv
from typing import Any

from textual.widgets import Select

from ovh_invoices_tui.screens.detail import DetailScreen
from ovh_invoices_tui.screens.payment_detail import PaymentDetailScreen
from ovh_invoices_tui.screens.payment_export_dialog import PaymentExportDialog
from ovh_invoices_tui.screens.payments import PaymentsScreen
from ovh_invoices_tui.screens.refunds import RefundsScreen
from ovh_invoices_tui.state.payments import LoadState
from ovh_invoices_tui.widgets.payment_filter_bar import PaymentFilterBar
from ovh_invoices_tui.widgets.payment_table import PaidBillTable, PaymentTable
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text

SIZE = (100, 30)


async def open_tracking(app: Any, pilot: Any) -> None:
    await wait_loaded(app, pilot)
    await pilot.press("p")
    assert isinstance(app.screen, PaymentsScreen)
    payments = app.session.payments
    await wait_for(lambda: payments.state is LoadState.DONE and len(payments.refund_payments) == len(payments.refunds),
                   pilot)  # fmt: skip
    await pilot.pause()


def shortfall_deposit(app: Any) -> str:
    """A deposit a credit note reduced (the sandbox makes a few)."""
    payments = app.session.payments
    return next(d for r in payments.refunds if (d := payments.credited_deposit(r.refund_id)) is not None)


async def test_p_opens_tracking_with_every_deposit_and_counts(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        payments = app.session.payments
        assert len(payments.deposits) == payments.progress.deposits_total > 0
        text = screen_text(app)
        for label in ("Reference", "Payment date", "Total amount", "Payment method", "Invoices"):
            assert label in text
        first = payments.view[0]
        assert first.deposit_id in text
        assert f"{len(payments.deposits)} payments" in text
        # the count column fills in (visible rows first) without blocking the screen
        await wait_for(lambda: all(d.deposit_id in payments.paid_bills for d in payments.view), pilot)
        await pilot.pause()
        row = next(line for line in screen_text(app).splitlines() if first.deposit_id in line)
        assert row.rstrip().endswith(str(len(payments.paid_bills[first.deposit_id])))
        # a payment without a means says so, as the console does
        if any(d.payment_type == "missing" for d in payments.deposits):
            await pilot.press("4")  # sort by payment method
            await pilot.press("4")
            assert "Information not available" in screen_text(app)
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_filter_by_payment_type_and_amount(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        payments = app.session.payments
        await pilot.press("f")
        bar = app.screen.query_one(PaymentFilterBar)
        assert bar.display
        select = bar.query_one("#pf-type", Select)
        select.value = "creditCard"
        await pilot.pause()
        assert payments.view and all(d.payment_type == "creditCard" for d in payments.view)
        assert len(payments.view) < len(payments.deposits)
        assert "method=Credit card" in screen_text(app)
        await pilot.press("tab", "tab", *"100")  # date → Min
        await pilot.pause()
        assert all(d.amount.ucents >= 100 * 10**8 for d in payments.view)
        await pilot.press("escape")
        assert isinstance(app.focused, PaymentTable)
        await pilot.press("x")
        assert len(payments.view) == len(payments.deposits)


async def test_shortfall_payment_lists_invoices_and_explains_the_credit_note(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        payments = app.session.payments
        deposit_id = shortfall_deposit(app)
        note = payments.refunds_applied_to(deposit_id)[0]
        table = app.screen.query_one(PaymentTable)
        table.move_cursor(next(i for i, d in enumerate(payments.view) if d.deposit_id == deposit_id))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PaymentDetailScreen) and screen.deposit_id == deposit_id
        await wait_for(lambda: screen.settlement is not None, pilot)
        await pilot.pause()
        text = screen_text(app)
        settlement = screen.settlement
        assert settlement is not None and settlement.difference.ucents == note.price_with_tax.ucents
        amount = f"€{note.price_with_tax.value:.2f}"
        assert f"A credit note (avoir) {note.refund_id} of {amount} covered the difference." in text
        for paid in settlement.bills:
            assert paid.bill_id in text
        # enter on a paid invoice opens its detail; Esc comes back to the payment
        first = screen.query_one(PaidBillTable).rows[0]
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.bill_id == first.bill_id
        await pilot.press("escape")
        assert app.screen is screen


async def test_from_an_invoice_p_reaches_its_payment_and_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paid = next(row for row in app.session.store.view if row.status == "PAID")
        app.open_detail(paid.bill.bill_id)
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await wait_for(lambda: detail.content is not None, pilot)
        content = detail.content
        assert content is not None
        expected = content.deposit.deposit_id if content.deposit else content.payment.payment_identifier  # type: ignore[union-attr]
        await pilot.press("p")
        payment = app.screen
        assert isinstance(payment, PaymentDetailScreen)
        assert payment.deposit_id == expected
        await wait_for(lambda: payment.settlement is not None, pilot)
        assert paid.bill.bill_id in [b.bill_id for b in payment.settlement.bills]  # type: ignore[union-attr]
        await pilot.press("escape")
        assert app.screen is detail


async def test_c_shows_credit_notes_with_their_invoice_and_payment(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, RefundsScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "Credited invoice" in text
        for note in app.session.payments.refunds:
            line = next(line for line in text.splitlines() if note.refund_id in line)
            assert note.original_bill_id in line
            applied = app.session.payments.credited_deposit(note.refund_id)
            assert (applied or "Paid back") in line
        await pilot.press("escape")
        assert isinstance(app.screen, PaymentsScreen)


async def test_refunds_command_and_payments_command(make_app) -> None:
    from ovh_invoices_tui.actions.commands import run_command

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await run_command(app, "refunds")
        await pilot.pause()
        assert isinstance(app.screen, RefundsScreen)
        await run_command(app, "payments")
        await pilot.pause()
        assert isinstance(app.screen, PaymentsScreen)


async def test_csv_export_of_marked_payments_contains_exactly_them(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await pilot.press("space", "j", "space", "space")
        marked = set(app.session.payments.marked)
        assert len(marked) == 3
        assert "3 marked" in screen_text(app)
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, PaymentExportDialog)
        assert dialog.query_one("#pe-scope", Select).value == "marked"
        await pilot.press("enter")
        await wait_for(lambda: not isinstance(app.screen, PaymentExportDialog), pilot)
        files = list((tmp_path / "downloads").glob("ovh-payments-*-*.csv"))
        assert len(files) == 1
        nichandle = app.session.store.account.nichandle
        assert files[0].name.startswith(f"ovh-payments-{nichandle}-")
        with files[0].open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][:4] == ["Reference", "Payment date", "Total amount", "Payment method"]
        assert {row[0] for row in rows[1:]} == marked
        for row in rows[1:]:
            assert row[4].split() == list(app.session.payments.paid_bills[row[0]])
        # again: the existing file needs a confirmation
        await pilot.press("e", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PaymentExportDialog) and app.screen.has_class("-confirm")
        assert "already exists" in screen_text(app)
        await pilot.press("y")
        await wait_for(lambda: not isinstance(app.screen, PaymentExportDialog), pilot)


async def test_footer_at_80_columns_keeps_help_and_the_count_clear_of_the_scrollbar(make_app) -> None:
    for lang, help_label in (("en", "? Help"), ("fr", "? Aide")):
        app = make_app(lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_tracking(app, pilot)
            payments = app.session.payments
            await wait_for(lambda: all(d.deposit_id in payments.paid_bills for d in payments.view), pilot)  # noqa: B023
            await pilot.pause()
            lines = screen_text(app).splitlines()
            assert help_label in lines[-1], lines[-1]
            # the count column ends a cell before the vertical scrollbar (the table overflows at 24 lines)
            table = app.screen.query_one(PaymentTable)
            assert len(table.rows) > table.size.height
            first = app.session.payments.view[0]
            row = next(line for line in lines if first.deposit_id in line)
            count = str(len(app.session.payments.paid_bills[first.deposit_id]))
            scrollbar = table.region.right - table.styles.scrollbar_size_vertical
            assert row[:scrollbar].endswith(f"{count} "), row


async def test_payment_detail_table_fits_its_rows_and_enter_is_in_the_footer(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tracking(app, pilot)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PaymentDetailScreen)
        await wait_for(lambda: screen.settlement is not None, pilot)
        await pilot.pause()
        table = screen.query_one(PaidBillTable)
        bills = len(table.rows)
        assert table.size.height == min(bills, 10) + 1  # header + its rows (10 at most, then it scrolls)
        lines = screen_text(app).splitlines()
        title = next(i for i, line in enumerate(lines) if "Credit notes applied" in line)
        assert title == table.region.bottom  # right under the invoices, not at the bottom of the screen
        assert "⏎ Open invoice" in lines[-1]
        # a payment of many invoices: 10 shown, then scroll
        table.set_rows([row.bill for row in app.session.store.view[:30]])
        await pilot.pause()
        assert table.size.height == 11 and table.max_scroll_y > 0


async def test_at_80_columns_a_payment_shows_its_order_number_whole(make_app) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tracking(app, pilot)
        view = app.session.payments.view
        longest = max(range(len(view)), key=lambda i: len(getattr(view[i].payment_info, "public_label", "") or ""))
        deposit = view[longest]
        app.screen.query_one(PaymentTable).move_cursor(longest)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PaymentDetailScreen) and screen.deposit_id == deposit.deposit_id
        await wait_for(lambda: screen.settlement is not None, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert f" {deposit.order_id}" in text and "…" not in text.split("Factures réglées")[0], text
