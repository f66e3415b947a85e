"""The top line at 80 columns and less: the account, the badges and the progress stay, the endpoint gives way."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ovh_invoices_tui.state.invoices import LoadProgress
from ovh_invoices_tui.widgets.account_bar import AccountBar
from tests.screen_text import screen_lines

ENDPOINT = "https://eu.api.ovh.com/1.0/and/a/long/path/through/a/corporate/proxy"


class OneBar(App[None]):
    def compose(self) -> ComposeResult:
        yield AccountBar()

    def on_mount(self) -> None:
        self.query_one(AccountBar).show(
            nichandle="xx12345-ovh",
            profile="customer-acme",
            endpoint=ENDPOINT,
            readonly=True,
            progress=LoadProgress(loaded=5_000, total=100_000),
            lang="en",
        )


async def test_the_endpoint_gives_way_to_the_account_the_badge_and_the_progress() -> None:
    app = OneBar()
    async with app.run_test(size=(160, 3)) as pilot:
        await pilot.pause()
        wide = screen_lines(app)[0]
        assert f"customer-acme ({ENDPOINT})" in wide and "READ-ONLY" in wide and "loading 5,000/100,000" in wide
        await pilot.resize_terminal(80, 3)
        await pilot.pause()
        line = screen_lines(app)[0]
        assert "xx12345-ovh │ customer-ac" in line and "…" in line  # cut, not dropped, while it fits
        assert line.rstrip().endswith("READ-ONLY  │ loading 5,000/100,000")
        await pilot.resize_terminal(66, 3)
        await pilot.pause()
        narrow = screen_lines(app)[0]
        assert "customer-acme" not in narrow
        assert narrow.split() == ["ovh-invoices", "│", "xx12345-ovh", "READ-ONLY", "│", "loading", "5,000/100,000"]
