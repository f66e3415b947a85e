"""Pilot tests of the invoice workspace on the in-process sandbox: what a user does and sees."""

from __future__ import annotations

from textual.widgets import Input

from ovh_invoices_tui.screens.action_menu import ActionMenu
from ovh_invoices_tui.screens.detail import DetailScreen
from ovh_invoices_tui.screens.help import HelpScreen
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.screens.viewer import DocumentViewer
from ovh_invoices_tui.widgets.bill_table import BillTable
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text


async def test_loads_every_bill_with_status_and_account(make_app) -> None:
    app = make_app(bills=150)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert len(app.session.store.rows) == 150
        text = screen_text(app)
        assert app.session.store.account.nichandle in text
        assert "150 invoices" in text
        # newest first, and the reference of the first row is on screen
        assert app.session.store.view[0].bill.bill_id in text
        statuses = {row.status for row in app.session.store.rows}
        assert "PAID" in statuses and len(statuses) > 1


async def test_quick_filter_finds_one_invoice_and_enter_returns_to_table(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        target = app.session.store.rows[37].bill.bill_id
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for ch in target:
            await pilot.press(ch)
        await pilot.pause()
        assert [r.bill.bill_id for r in app.session.store.view] == [target]
        await pilot.press("enter")  # Enter keeps the filter (Esc would restore the one from before "/")
        assert isinstance(app.focused, BillTable)
        text = screen_text(app)
        assert "1 invoice ·" in text  # singular
        assert f"search={target}" in text
        await pilot.press("x")
        assert len(app.session.store.view) == len(app.session.store.rows)


async def test_marks_three_and_shows_their_totals(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        first_three = [r.bill.bill_id for r in app.session.store.view[:3]]
        await pilot.press("space", "space", "space")
        assert app.session.store.marked == set(first_three)
        assert app.screen.query_one(BillTable).cursor_row == 3
        text = screen_text(app)
        assert "3 marked" in text
        totals = app.session.store.selection_totals()
        assert totals.count == 3
        # marks survive a filter that hides them, and the status line says so
        await pilot.press("slash", *list(app.session.store.view[10].bill.bill_id), "enter")
        await pilot.pause()
        assert "3 hidden by the filter" in screen_text(app)


async def test_range_invert_all_clear(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("space", "j", "j", "v")
        assert len(app.session.store.marked) == 4
        await pilot.press("i")
        assert len(app.session.store.marked) == len(app.session.store.rows) - 4
        await pilot.press("u")
        assert not app.session.store.marked
        await pilot.press("a")
        assert len(app.session.store.marked) == len(app.session.store.rows)


async def test_sort_keys_and_header_indicator(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("5")  # Montant TTC, descending first
        amounts = [r.bill.price_with_tax.ucents for r in app.session.store.view]
        assert amounts == sorted(amounts, reverse=True)
        await pilot.press("5")
        amounts = [r.bill.price_with_tax.ucents for r in app.session.store.view]
        assert amounts == sorted(amounts)
        assert "▲" in screen_text(app)


async def test_filter_bar_rejects_a_malformed_date(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("f")
        date_input = app.screen.query_one("#filter-date", Input)
        date_input.focus()
        for ch in "2024-13-40":
            await pilot.press(ch)
        await pilot.pause()
        assert "not a date" in screen_text(app)
        assert app.session.store.filter.date_from is None
        assert len(app.session.store.view) == len(app.session.store.rows)
        date_input.value = ""
        year = app.session.store.rows[0].bill.date.year
        for ch in str(year):
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.store.filter.date_from is not None
        assert all(r.bill.date.year == year for r in app.session.store.view)


async def test_detail_shows_lines_and_escape_keeps_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j", "j", "j")
        bill = app.session.store.view[3].bill
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await wait_for(lambda: app.screen.content is not None, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert bill.bill_id in text
        assert str(bill.order_id) in text
        first_line = app.screen.content.details[0]
        assert first_line.domain[:20] in text
        await pilot.press("escape")
        assert isinstance(app.screen, InvoicesScreen)
        assert app.screen.query_one(BillTable).cursor_row == 3


async def test_action_menu_pdf_viewer_shows_the_invoice_text(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        bill = app.session.store.view[0].bill
        await pilot.press("full_stop")
        assert isinstance(app.screen, ActionMenu)
        text = screen_text(app)
        assert "View HTML version" in text and "View PDF version" in text
        await pilot.press("p")
        await wait_for(lambda: isinstance(app.screen, DocumentViewer), pilot)
        viewer_text = app.screen.text
        assert bill.bill_id in viewer_text
        assert (tmp_path / "downloads" / f"{bill.bill_id}.pdf").read_bytes().startswith(b"%PDF")


async def test_html_viewer_renders_readable_text(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        bill = app.session.store.view[0].bill
        await pilot.press("full_stop", "h")
        await wait_for(lambda: isinstance(app.screen, DocumentViewer), pilot)
        assert bill.bill_id in app.screen.text
        assert "<td" not in app.screen.text


async def test_french_labels_and_amounts(make_app) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        text = screen_text(app)
        assert "Référence" in text and "Date d'émission" in text and "Statut" in text
        assert "€" in text and "factures" in text


async def test_help_lists_bindings_and_command_line_opens_invoice(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "invoices.mark" in text and "Quick filter" in text
        await pilot.press("escape")
        target = app.session.store.rows[50].bill.bill_id
        await pilot.press("colon", *list(f"open {target}"), "enter")
        # Mounted, not only pushed: leaving the test while it mounts would tear its children down under it.
        await wait_for(lambda: isinstance(app.screen, DetailScreen) and app.screen.is_mounted, pilot)
        assert app.screen.bill_id == target


async def test_help_shows_every_key_of_a_binding(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = screen_text(app).splitlines()

        def keys_of(binding_id: str) -> str:
            (line,) = [line for line in lines if f" {binding_id} " in line]
            cells = line.split("│")  # … │ keys │ does │ id │ …
            (at,) = [n for n, cell in enumerate(cells) if cell.strip() == binding_id]
            return cells[at - 2].strip()

        assert keys_of("table.cursor_down") == "j ↓"
        assert keys_of("table.cursor_up") == "k ↑"
        assert keys_of("table.top") == "g home"
        assert keys_of("table.bottom") == "G end"
        assert keys_of("table.page_down") == "pgdn ^f"
        assert keys_of("table.page_up") == "pgup ^b"
        assert keys_of("table.scroll_right") == "l →"
        assert sum("table.cursor_down" in line for line in lines) == 1  # one row per action


async def test_keymap_remaps_a_binding(make_app) -> None:
    app = make_app(keymap={"invoices.mark": "m"})
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("m")
        assert len(app.session.store.marked) == 1


async def test_small_terminal_shows_key_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        text = screen_text(app)
        assert "Reference" in text and "Balance" in text and "Status" in text


async def test_small_terminal_reaches_the_order_number_with_l(make_app) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        first = app.session.store.view[0].bill
        text = screen_text(app)
        assert "Date d'émission ▼" in text and "Numéro de commande" not in text and "›" in text
        await pilot.press("l")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Référence" in line)
        row = next(line for line in lines if first.bill_id in line)
        assert "Numéro de commande" in header and str(first.order_id) in row
        await pilot.press("h", "h", "h")
        await pilot.pause()
        assert "Numéro de commande" not in screen_text(app)


async def test_a_filter_matching_nothing_says_so(make_app) -> None:
    from ovh_invoices_tui.core.filters import BillFilter

    app = make_app(bills=80)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("pagedown", "pagedown", "l")  # scrolled down and right: the message still shows
        await pilot.pause()
        await pilot.press("slash", *list("nothing-like-this"), "enter")
        await pilot.pause()
        assert app.session.store.view == []
        text = screen_text(app)
        assert "No invoice matches the filter" in text and "0 invoices" in text
        app.session.store.set_filter(BillFilter())
        await pilot.pause()
        assert "No invoice matches" not in screen_text(app)
        app.session.store.set_filter(BillFilter(reference="ZZZ"))
        await pilot.pause()
        assert "No invoice matches the filter" in screen_text(app)


async def test_keys_typed_in_one_burst_after_slash_and_colon_are_not_lost(make_app) -> None:
    """Over SSH "/FR…" can arrive in one read: every key must land in the input opened by the first."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        target = app.session.store.rows[5].bill.bill_id
        for ch in "/" + target:
            app.post_message(events.Key("slash" if ch == "/" else ch, ch))
        await pilot.pause(0.3)
        assert [r.bill.bill_id for r in app.session.store.view] == [target]
        assert app.session.store.sort.column == "date"  # the digits did not trigger the sort keys
        await pilot.press("escape", "x")
        for ch in ":open " + target:
            app.post_message(events.Key({":": "colon", " ": "space"}.get(ch, ch), ch))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(lambda: isinstance(app.screen, DetailScreen), pilot)
        assert app.screen.bill_id == target
        # Leave only once the detail has mounted and shown its content: quitting while its Mount is still
        # queued made the screen query children already pruned by the shutdown (a race of the test, not the app).
        await wait_for(lambda: getattr(app.screen, "content", None) is not None, pilot)


async def test_at_shows_recent_api_calls_with_query_ids(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("at")
        text = screen_text(app)
        assert "/me/bill" in text and "200" in text
        assert app.request_log[-1].query_id and app.request_log[-1].query_id in text
        await pilot.press("escape")
        assert isinstance(app.screen, InvoicesScreen)


async def test_account_command_switches_profile_and_reloads(tmp_path) -> None:
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Profile, Settings
    from ovh_invoices_tui.data.clients import make_client

    profiles = {
        "big": Profile(name="big", demo=True, sandbox_bills=80, sandbox_seed=1),
        "small": Profile(name="small", demo=True, sandbox_bills=25, sandbox_seed=2),
    }
    settings = Settings(path=tmp_path / "config.toml", profiles=profiles, default_profile="big")
    app = OvhInvoicesApp(settings=settings, profile=profiles["big"], lang="en", client_factory=make_client)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert len(app.session.store.rows) == 80
        await pilot.press("space")
        await pilot.press("colon", *list("account small"), "enter")
        await wait_for(lambda: app.profile.name == "small" and app.session.store.progress.done, pilot)
        await wait_loaded(app, pilot)
        assert len(app.session.store.rows) == 25
        assert not app.session.store.marked
        assert "small" in screen_text(app)
