"""The two list screens behave as one: the inputs show the store's filter, Enter keeps and Esc restores,
and a keystroke reaches the table once."""

from __future__ import annotations

from textual.widgets import Input

from ovh_invoices_tui.actions.commands import run_command
from ovh_invoices_tui.widgets.bill_table import BillTable
from ovh_invoices_tui.widgets.filter_bar import FilterBar
from ovh_invoices_tui.widgets.payment_filter_bar import PaymentFilterBar
from ovh_invoices_tui.widgets.payment_table import PaymentTable
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text


async def test_slash_after_a_filter_command_shows_the_filter_and_typing_extends_it(make_app) -> None:
    """Bug 2: after ``:filter FR2`` the box was empty and one key replaced the filter."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        prefix = app.session.store.rows[0].bill.bill_id[:3]
        await run_command(app, f"filter {prefix}")
        await pilot.pause()
        box = app.screen.query_one("#quick-filter", Input)
        assert box.display and box.value == prefix  # the box says what filters the list
        await pilot.press("slash")
        assert app.focused is box and box.value == prefix
        await pilot.press("0")
        await pilot.pause()
        assert app.session.store.filter.quick == prefix + "0"  # extended, not replaced
        assert box.value == prefix + "0"


async def test_rows_arriving_while_typing_never_eat_the_keys_typed_since(make_app) -> None:
    """A page arriving between a key and its ``Input.Changed`` wrote the older filter back into the box
    ("FR2068" became "F0965R2068" in the tmux test): while the user types, the box is not overwritten."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        store = app.session.store
        await pilot.press("slash", "F")
        await pilot.pause()
        box = app.screen.query_one("#quick-filter", Input)
        assert store.filter.quick == "F"
        with box.prevent(Input.Changed):
            box.insert_text_at_cursor("R")  # typed: its Changed message is still in the queue
        store.add_bills([store.rows[0].bill])  # a page arrives first
        assert box.value == "FR"
        await pilot.press("2")
        await pilot.pause()
        assert box.value == "FR2" and store.filter.quick == "FR2"


async def test_a_quick_filter_keystroke_relayouts_and_clears_the_table_once(make_app) -> None:
    """Bug 3: each keystroke relaid out the table and cleared its strip cache twice."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        table = app.screen.query_one(BillTable)
        counts = {"relayout": 0, "clear": 0}
        relayout, invalidate = table._relayout, table._invalidate  # _invalidate clears the strip cache

        def counting_relayout(force: bool = False) -> None:
            counts["relayout"] += force
            relayout(force)

        def counting_invalidate() -> None:
            counts["clear"] += 1
            invalidate()

        table._relayout = counting_relayout  # type: ignore[method-assign]
        table._invalidate = counting_invalidate  # type: ignore[method-assign]
        await pilot.press("slash")
        counts.update(relayout=0, clear=0)
        await pilot.press("F")
        await pilot.pause()
        assert counts == {"relayout": 1, "clear": 1}
        await pilot.press("5")  # a sort changes the view and the header's arrow: still once
        await pilot.press("enter")
        counts.update(relayout=0, clear=0)
        await pilot.press("5")
        await pilot.pause()
        assert counts == {"relayout": 1, "clear": 1}


async def test_esc_in_the_quick_filter_restores_the_filter_and_enter_keeps_it(make_app) -> None:
    """Bug 8: Esc kept what was typed; it must restore what was there before ``/``."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        everything = len(app.session.store.rows)
        target = app.session.store.rows[7].bill.bill_id
        await pilot.press("slash", *target[:4], "enter")
        kept = app.session.store.filter.quick
        assert kept == target[:4] and isinstance(app.focused, BillTable)
        narrowed = len(app.session.store.view)
        await pilot.press("slash")
        assert "Keep filter" in screen_text(app) and "Cancel filter" in screen_text(app)  # the footer says it
        await pilot.press(*target[4:])
        await pilot.pause()
        assert [r.bill.bill_id for r in app.session.store.view] == [target]
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.store.filter.quick == kept and len(app.session.store.view) == narrowed
        assert app.screen.query_one("#quick-filter", Input).value == kept
        assert isinstance(app.focused, BillTable)
        await pilot.press("slash", "backspace", "backspace", "backspace", "backspace", "escape")
        assert app.session.store.filter.quick == kept  # cancelling a deletion brings the text back too
        await pilot.press("x")
        assert len(app.session.store.view) == everything


async def test_esc_in_the_filter_bar_restores_the_filters_from_before(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        reference = app.session.store.rows[3].bill.bill_id
        await pilot.press("f", *reference[:5], "enter")
        assert app.session.store.filter.reference == reference[:5] and isinstance(app.focused, BillTable)
        await pilot.press("f", "f")  # closed, then open again
        bar = app.screen.query_one(FilterBar)
        assert bar.query_one("#filter-reference", Input).value == reference[:5]
        await pilot.press(*reference[5:])
        await pilot.pause()
        assert app.session.store.filter.reference == reference
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.store.filter.reference == reference[:5]
        assert bar.query_one("#filter-reference", Input).value == reference[:5]
        assert isinstance(app.focused, BillTable)


async def test_payments_quick_filter_and_filter_bar_follow_the_same_rule(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("p")
        payments = app.session.payments
        await wait_for(lambda: payments.progress.done and bool(payments.view), pilot)
        target = payments.deposits[2].deposit_id
        await pilot.press("slash", *target, "enter")
        await pilot.pause()
        assert [d.deposit_id for d in payments.view] == [target]
        assert isinstance(app.focused, PaymentTable)
        await pilot.press("slash", "backspace", "escape")
        assert payments.filter.quick == target
        await pilot.press("x", "f", *"100")
        bar = app.screen.query_one(PaymentFilterBar)
        assert payments.filter.reference == "100"
        await pilot.press("escape")
        await pilot.pause()
        assert payments.filter.reference == "" and len(payments.view) == len(payments.deposits)
        assert bar.query_one("#pf-reference", Input).value == ""
        assert isinstance(app.focused, PaymentTable)
