"""Read-only mode: the money actions stay visible, disabled with the reason, and nothing is ever sent."""

from __future__ import annotations

from pathlib import Path

from ovh_invoices_tui.screens.action_menu import ActionMenu
from ovh_invoices_tui.screens.bulk_menu import BulkMenu
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from tests.conftest import wait_loaded
from tests.screen_text import screen_text
from tests.test_pay_flow import build, notices


def _posts(state: object) -> int:
    return sum(n for key, n in state.requests.items() if key.startswith("POST"))  # type: ignore[attr-defined]


async def test_dollar_explains_instead_of_paying(tmp_path: Path) -> None:
    h = build(tmp_path, readonly=True)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        assert "read-only: paying is disabled" in screen_text(app)
        await pilot.press("dollar_sign")
        await pilot.pause()
        assert isinstance(app.screen, InvoicesScreen)
        assert "Read-only mode: paying is disabled" in notices(app)
    assert _posts(h.state) == 0


async def test_menus_show_money_actions_disabled_with_the_reason(tmp_path: Path) -> None:
    h = build(tmp_path, readonly=True)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        row = next(r for r in app.session.store.view if r.balance.ucents > 0)
        assert app.main_screen.jump_to(row.bill.bill_id)
        await pilot.press("full_stop")
        await pilot.pause()
        assert isinstance(app.screen, ActionMenu)
        text = screen_text(app)
        assert "Pay this invoice's balance  — read-only mode" in text
        assert "Request cancellation  — read-only mode" in text
        await pilot.press("dollar_sign", "x")  # their keys do nothing but say why
        await pilot.pause()
        assert isinstance(app.screen, ActionMenu)
        said = [n.message for n in app._notifications]
        assert "“Request cancellation” is not available: read-only mode" in said, said
        await pilot.press("escape", "b")
        await pilot.pause()
        assert isinstance(app.screen, BulkMenu)
        assert "Pay my balance now  — read-only mode" in screen_text(app)
        await pilot.press("dollar_sign")
        await pilot.pause()
        assert isinstance(app.screen, BulkMenu)
        said = [n.message for n in app._notifications]
        assert "“Pay my balance now” is not available: read-only mode" in said, said
    assert _posts(h.state) == 0
