"""Spend insights: the figures (exact, per currency), the drill-down, the CLI and the screen on the sandbox."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from textual.widgets import DataTable

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.core.insights import MonthRange, SpendIndex, by_service, month_key
from ovh_invoices_tui.core.models import Bill, BillDetail, Money
from ovh_invoices_tui.screens.insights import InsightsScreen
from ovh_invoices_tui.state.invoices import Store
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_text

CATEGORIES = ("autorenew", "purchase-cloud", "purchase-web", "earlyrenewal", "purchase-servers")


def generated_bills(count: int, seed: int = 3) -> list[Bill]:
    """Bills over three years in two currencies with odd micro-cent amounts (what sums must keep exact)."""
    rng = random.Random(seed)
    bills = []
    for number in range(count):
        currency = "EUR" if rng.random() < 0.8 else "CAD"
        ht = rng.randrange(1, 5_000_000_000_00)  # up to 5,000.00000000 in micro-cents
        ttc = ht + ht // 5 + rng.randrange(0, 7)
        when = datetime(2024, 1, 1, tzinfo=UTC).timestamp() + rng.randrange(0, 3 * 365 * 86400)
        bills.append(
            Bill.make(
                bill_id=f"FR{number:08d}",
                category=rng.choice(CATEGORIES),
                date=datetime.fromtimestamp(when, UTC),
                order_id=number + 1,
                price_with_tax=Money(ttc, currency),
                price_without_tax=Money(ht, currency),
                tax=Money(ttc - ht, currency),
                url="",
                pdf_url="",
                password="",
            )
        )
    return bills


def test_month_and_category_totals_equal_the_invoice_list_for_the_same_filter() -> None:
    bills = generated_bills(3_000)
    index = SpendIndex(bills)
    store = Store()
    store.add_bills(bills)
    today = date(2026, 11, 15)
    span = MonthRange.last_months(12, today)
    assert set(index.currencies) == {"EUR", "CAD"}
    for currency in index.currencies:
        for figure in index.months(currency, span, "ht", today):
            month = MonthRange(figure.key, figure.key)
            store.set_filter(replace(store.filter, date_from=month.start, date_to=month.end, bill_ids=None))
            totals = store.view_totals()
            assert figure.without_tax == totals.without_tax.get(currency, 0)  # to the micro-cent
            assert figure.with_tax == totals.with_tax.get(currency, 0)
        for share in index.by_category(currency, span, "ttc", top=3):
            named = frozenset(s.key for s in index.by_category(currency, span, "ttc", top=3) if not s.other)
            ids = (
                index.bill_ids(currency, span, excluding=named)
                if share.other
                else index.bill_ids(currency, span, share.key)
            )
            store.set_filter(type(store.filter)(bill_ids=ids))
            assert share.amount == store.view_totals().with_tax.get(currency, 0)
            assert share.count == len(store.view)


def test_months_compare_with_the_month_and_the_year_before_and_flag_the_current_month() -> None:
    bills = generated_bills(2_000)
    index = SpendIndex(bills)
    today = date(2026, 3, 10)
    figures = index.months("EUR", MonthRange.last_months(14, today), "ht", today)
    assert [f.partial for f in figures] == [False] * 13 + [True]
    assert figures[-1].previous_month is None and figures[-1].previous_year is None  # running month: no change
    by_key = {f.key: f for f in figures}
    march_2025 = by_key[month_key(date(2025, 3, 1))]
    assert march_2025.previous_year == index.months(
        "EUR", MonthRange.last_months(1, date(2024, 3, 1)), "ht", today
    )[0].without_tax
    first = index.known_range("EUR")
    assert first is not None
    before_history = index.months("EUR", MonthRange(first.first, first.first), "ht", today)[0]
    assert before_history.previous_month is None  # nothing before the first invoice: no "+∞ %"


def test_services_sum_their_lines_with_an_other_bar_that_keeps_the_total() -> None:
    def line(domain: str, amount: str) -> BillDetail:
        return BillDetail("d", f"{domain} plan", domain, None, None, "1", Money.of(Decimal(amount)), Money.of(amount))

    lines = {
        "A": [line("vps-1", "10.005"), line("web.fr", "1.10")],
        "B": [line("vps-1", "4.995"), line("db-9", "3")],
        "C": [line("ip-2", "2"), line("cdn-3", "0.5")],
    }
    shares = by_service(lines, ["A", "B", "C", "D"], "EUR", top=2)
    assert [(s.key, s.amount, s.count) for s in shares[:2]] == [("vps-1", Money.of("15").ucents, 2),
                                                                ("db-9", Money.of("3").ucents, 1)]  # fmt: skip
    assert shares[2].other and shares[2].amount == Money.of("3.60").ucents
    assert shares[2].bill_ids == frozenset({"A", "C"})
    assert sum(s.amount for s in shares) == sum(d.total_price.ucents for ds in lines.values() for d in ds)


def test_cli_months_in_json_add_up_to_the_bills_of_the_same_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "insights", "--format", "json", "--from", "2025-06-01", "--to", "2026-05-31"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["from"], figures["to"], figures["by"]) == ("2025-06", "2026-05", "month")
    assert cli.main(["--demo", "bills", "list", "--format", "json", "--from", "2025-06-01", "--to", "2026-05-31"]) == 0
    bills = json.loads(capsys.readouterr().out)
    months = figures["currencies"]["EUR"]
    assert len(months) == 12
    assert sum(Decimal(m["withoutTax"]) for m in months) == sum(Decimal(b["priceWithoutTax"]) for b in bills)
    assert sum(m["invoices"] for m in months) == len(bills)


def test_cli_by_category_csv_and_bad_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "--lang", "en", "insights", "--by", "category", "--format", "csv", "--top", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "key,label,other,currency,invoices,amount"
    assert len(out) == 1 + 4 and out[-1].startswith(",other,True,EUR,")
    assert cli.main(["--demo", "insights", "--from", "2026-01-01", "--to", "2025-01-01"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "after --to" in err[0]


def test_cli_by_service_reads_lines_once_then_from_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--demo", "insights", "--by", "service", "--format", "json", "--from", "2026-01-01"]
    assert cli.main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert cli.main([*args, "--verbose"]) == 0
    again = capsys.readouterr()
    assert json.loads(again.out) == first
    assert "/details" not in again.err  # every line came from the cache


async def test_screen_draws_months_and_enter_lands_on_the_invoices_of_that_month(make_app) -> None:
    app = make_app(bills=300)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("I")
        await wait_for(lambda: isinstance(app.screen, InsightsScreen), pilot)
        screen = app.screen
        text = screen_text(app)
        assert "Spend per month" in text and "vs year before" in text
        table = screen.query_one(DataTable)
        table.move_cursor(row=len(screen.rows) - 2)  # last whole month
        figure = screen.rows[len(screen.rows) - 2]
        await pilot.press("enter")
        await wait_for(lambda: not isinstance(app.screen, InsightsScreen), pilot)
        assert len(app.session.store.view) == figure.count
        assert sum(r.bill.price_without_tax.ucents for r in app.session.store.view) == figure.without_tax
        assert f"date={MonthRange(figure.key, figure.key).start.isoformat()}" in screen_text(app)


async def test_service_view_fills_in_with_progress_then_opens_instantly_from_the_cache(make_app, tmp_path) -> None:
    from ovh_invoices_tui.data.cache.db import BillCache

    app = make_app(bills=200, cache=BillCache.open(tmp_path / "cache.sqlite"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("I", "s")
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        await wait_for(lambda: screen.lines_progress is not None and screen.lines_progress.complete, pilot)
        await pilot.pause()
        read = screen.lines_progress
        assert read is not None and read.total > 0 and not read.failed
        assert "Lines of" in screen_text(app)
        services = [row for row in screen.rows if not getattr(row, "other", False)]
        assert services, "no service bar"
        await pilot.press("escape", "I", "s")
        again = app.screen
        assert isinstance(again, InsightsScreen) and again is not screen
        await wait_for(lambda: again.lines_progress is not None and again.lines_progress.complete, pilot)
        assert again.lines_progress is not None and again.lines_progress.from_cache == read.total
        assert [(r.key, r.amount) for r in again.rows] == [(r.key, r.amount) for r in screen.rows]


async def test_range_keys_move_the_months_and_toggle_the_basis(make_app) -> None:
    app = make_app(bills=150, lang="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("I")
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        span = screen.span
        await pilot.press("left_square_bracket")
        assert screen.span == span.shifted(-1)
        await pilot.press("t")
        assert screen.basis == "ttc"
        assert "Dépenses par mois" in screen_text(app) and "TTC" in screen_text(app)
        await pilot.press("d")
        for key in "2025":
            await pilot.press(key)
        await pilot.press("ctrl+a")  # Input: go to start; the value was prefilled with the current range
        await pilot.press("ctrl+k")
        for key in "2025":
            await pilot.press(key)
        await pilot.press("enter")
        assert screen.span.describe() == "2025-01..2025-12"


def test_cli_exports_the_monthly_table_as_csv_in_both_dialects_and_a_one_page_pdf(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from pypdf import PdfReader

    base = ["--demo", "insights", "--from", "2025-12-01", "--to", "2026-11-30"]
    assert cli.main([*base, "--lang", "fr", "--csv", str(tmp_path / "fr.csv"), "--pdf", str(tmp_path / "m.pdf")]) == 0
    capsys.readouterr()
    assert cli.main([*base, "--lang", "en", "--format", "json", "--csv", str(tmp_path / "en.csv"),
                     "--dialect", "rfc4180"]) == 0  # fmt: skip
    months = json.loads(capsys.readouterr().out)["currencies"]["EUR"]
    french = (tmp_path / "fr.csv").read_bytes()
    assert french.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for accents
    rows = list(csv.reader(french.decode("utf-8-sig").splitlines(), delimiter=";"))
    english = list(csv.reader((tmp_path / "en.csv").read_text().splitlines()))
    assert rows[0][0] == "Mois" and english[0][0] == "Month"
    assert [r[2].replace(",", ".") for r in rows[1:]] == [m["withoutTax"] for m in months]
    assert [r[3] for r in english[1:]] == [m["withTax"] for m in months]
    page = PdfReader(tmp_path / "m.pdf")
    assert len(page.pages) == 1
    text = page.pages[0].extract_text()
    assert "Dépenses par mois" in text and "2026-11" in text
    assert b" re" in page.pages[0].get_contents().get_data()  # the bars are drawn rectangles, not text
    assert cli.main([*base, "--csv", str(tmp_path / "fr.csv")]) == 2  # exists: refused without --force
    assert "already exists" in capsys.readouterr().err


async def test_screen_saves_csv_and_pdf_in_the_download_folder(make_app, tmp_path) -> None:
    app = make_app(bills=120)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("I", "e", "E")
        await app.workers.wait_for_complete()
        await pilot.pause()
        saved = sorted(p.suffix for p in (tmp_path / "downloads").iterdir())
        assert saved == [".csv", ".pdf"]
        assert "Saved" in screen_text(app) or any("Saved" in str(n.message) for n in app._notifications)


def test_cli_a_month_asked_alone_compares_with_the_same_year_before_as_in_a_longer_range(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The year before counts the bills of its first day after midnight in their own offset, as the list shows them.

    Pinned on 1 December 2026, the demo has a bill on 1 July 2025 at 01:29 in Paris (30 June, 23:29 UTC): July 2026
    asked alone must compare with the same July 2025 as July 2026 inside a longer range.
    """
    from ovh_invoices_tui.data import clients as factory

    fixed = factory.sandbox_config_for
    monkeypatch.setattr(
        factory, "sandbox_config_for", lambda profile: replace(fixed(profile), now=datetime(2026, 12, 1, tzinfo=UTC))
    )

    def months(start: str, end: str) -> list[dict[str, Any]]:
        assert cli.main(["--demo", "insights", "--format", "json", "--from", start, "--to", end]) == 0
        return json.loads(capsys.readouterr().out)["currencies"]["EUR"]

    in_range = months("2025-01-01", "2026-10-31")
    assert len(in_range) == 22
    for figure in in_range:
        assert months(f"{figure['month']}-01", f"{figure['month']}-01") == [figure]


def test_cli_default_range_is_the_twelve_months_ending_with_the_running_month(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --from/--to: January 2026 back to February 2025, January (the running month) flagged partial."""
    from ovh_invoices_tui.core import clock
    from ovh_invoices_tui.data import clients as factory

    fixed = factory.sandbox_config_for
    monkeypatch.setattr(
        factory, "sandbox_config_for", lambda profile: replace(fixed(profile), now=datetime(2026, 1, 31, tzinfo=UTC))
    )
    monkeypatch.setattr(clock, "today", lambda: date(2026, 1, 31))
    assert cli.main(["--demo", "insights", "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["from"], figures["to"]) == ("2025-02", "2026-01")
    months = figures["currencies"]["EUR"]
    assert [m["month"] for m in months][::11] == ["2025-02", "2026-01"] and len(months) == 12
    assert [m["partial"] for m in months] == [False] * 11 + [True]
