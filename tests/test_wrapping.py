"""Dialogs and tables wrap between words, never inside one, at 80×24 and 120×40 (issue 10, bug 9).

What is read is the rendered terminal; a no-break space (how words are kept together) reads as a space.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.wrapping import ITEM_SEPARATOR, pack
from ovh_invoices_tui.screens.detail import DetailScreen
from ovh_invoices_tui.screens.order_result import OrderResult
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_lines

SIZES = [(120, 40), (80, 24)]
_FRAME = re.compile("[\u2500-\u259f]")  # borders, focus bars, scrollbars


def lines(app: Any) -> list[str]:
    """The screen's lines, the dialog's borders and no-break spaces read as spaces, runs of spaces as one."""
    return [" ".join(_FRAME.sub(" ", line.replace("\xa0", " ")).split()) for line in screen_lines(app)]


def on_one_line(app: Any, words: str) -> bool:
    return any(words in line for line in lines(app))


async def open_order_result(app: Any, pilot: Any) -> None:
    await wait_loaded(app, pilot)
    await pilot.press("dollar_sign", "tab", "y")
    await wait_for(lambda: isinstance(app.screen, OrderResult), pilot)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_order_result_keeps_its_key_line_and_its_advice_whole(make_app, size: tuple[int, int], lang: str) -> None:
    app = make_app(lang=lang)
    async with app.run_test(size=size) as pilot:
        await open_order_result(app, pilot)
        hint = t("order.hint_sandbox", lang)
        assert hint.endswith({"fr": "Échap : fermer", "en": "Esc: close"}[lang])  # not a clipped "· Échap"
        items = hint.split(ITEM_SEPARATOR)
        if size[0] >= 120:
            assert on_one_line(app, hint), lines(app)
        for item in items:  # at any size, each key stays with what it does
            assert on_one_line(app, item), (item, lines(app))
        advice = " ".join(t("order.next", lang).split())
        key_and_action = {"fr": "r pour actualiser.", "en": "press r to refresh."}[lang]
        assert on_one_line(app, advice if size[0] >= 120 else key_and_action), lines(app)
        assert not any(line.endswith(" r") for line in lines(app)), lines(app)  # a key never ends a line
        url = app.screen.order.url
        if size[0] >= 120:  # the payment link fits whole
            assert on_one_line(app, url)
        for part in re.split(r"(?<=[?&])", url):  # else it breaks after a "?" or an "&", never inside a value
            assert on_one_line(app, part), (part, lines(app))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_detail_lines_show_each_service_reference_whole(make_app, size: tuple[int, int]) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        seen = 0
        for _ in range(7):  # the first invoices: host names of every length the sandbox makes
            await pilot.press("enter")
            await wait_for(lambda: isinstance(app.screen, DetailScreen) and app.screen.content is not None, pilot)
            await pilot.pause()
            shown = lines(app)  # read once per invoice: reading the screen is what costs here

            def whole(words: str, shown: list[str] = shown) -> bool:
                return any(words in line for line in shown)

            for line in app.screen.content.details:
                if line.domain:
                    assert whole(line.domain), (line.domain, shown)
                    seen += 1
                if size[0] < 110:  # two lines per invoice line: quantity × unit price stays whole
                    unit = format_money(line.unit_price, "fr", exact=True).replace("\xa0", " ")
                    assert whole(f"{line.quantity} × {unit} HT"), shown
            await pilot.press("escape", "j")
        assert seen >= 7


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_bulk_menu_keeps_an_amount_with_its_invoice_count(make_app, size: tuple[int, int]) -> None:
    app = make_app(lang="fr")
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        pay_line = next(line for line in lines(app) if t("pay.title_all", "fr") in line)
        assert re.search(r"€ · \d+ facture\(s\)", pay_line), lines(app)


def test_pack_breaks_only_between_parts() -> None:
    items = ["y : copier", "o : ouvrir", "Échap : fermer"]
    assert pack(items, 80, ITEM_SEPARATOR) == ["y : copier · o : ouvrir · Échap : fermer"]
    assert pack(items, 24, ITEM_SEPARATOR) == ["y : copier · o : ouvrir", "Échap : fermer"]
    assert pack(items, 5, ITEM_SEPARATOR) == items  # a part wider than the line gets a line of its own
    assert pack(items, 0, ITEM_SEPARATOR) == ["y : copier · o : ouvrir · Échap : fermer"]  # not laid out yet
    assert pack(["a€", "b"], 4, " ") == ["a€ b"]  # cells, not bytes


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 24)], ids=["120x40", "80x24", "60x24"])
async def test_status_line_keeps_each_total_with_its_label(make_app, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("space", "space", "space")
        await wait_for(lambda: len(app.session.store.marked) == 3, pilot)
        await pilot.pause()
        shown = lines(app)
        view = app.session.store.view_totals()
        assert view.due  # the demo account owes something: the due total is shown
    start = next(i for i, line in enumerate(shown) if line.startswith(f"{len(app.session.store.view)} invoices"))
    end = next(i for i, line in enumerate(shown) if line.startswith("Filter:"))
    status = shown[start:end]
    assert any("marked" in line for line in status)
    for line in status:  # every line starts with a whole fact and ends with an amount, never with a label
        assert not line.endswith(("tax", "due")) and not line.startswith("€")
        assert len(line) <= size[0]
    assert sum(line.count("due €") for line in status) == 2  # the view's and the marks'


@pytest.mark.parametrize(("keys", "dialog"), [(("dollar_sign",), "PayDialog"), (("b", "p"), "ExportDialog")])
async def test_a_toast_left_from_before_does_not_cover_a_dialogs_buttons(
    make_app, keys: tuple[str, ...], dialog: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        app.notify("Exported 500 invoice(s), total €56,764.51, to /somewhere/with/a/long/name.pdf", timeout=60)
        await wait_for(lambda: on_one_line(app, "Exported 500 invoice(s)"), pilot)  # the toast is drawn
        await pilot.press(*keys)
        await wait_for(lambda: type(app.screen).__name__ == dialog, pilot)
        await pilot.pause()
        assert not on_one_line(app, "Exported 500 invoice(s)")
        assert on_one_line(app, "Cancel")
