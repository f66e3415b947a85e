"""The accounts overview in the app: every account at a glance, open one, come back, a failing account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ovh_invoices_tui.config import Profile, Settings
from ovh_invoices_tui.screens.accounts import AccountsScreen
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.widgets.account_table import AccountTable
from tests.conftest import wait_for, wait_loaded
from tests.screen_text import screen_lines, screen_text


def _accounts_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str | None) -> Any:
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.data.cache.db import BillCache
    from ovh_invoices_tui.data.cache.profile import demo_client_factory

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    main = Profile(name="main", demo=True, sandbox_bills=150, sandbox_seed=1, source="config")
    filiale = Profile(name="filiale", demo=True, sandbox_bills=60, sandbox_seed=2, readonly=True, source="config")
    broken = Profile(name="client", endpoint="http://127.0.0.1:9/1.0", application_key="k", application_secret="s",
                     consumer_key="c")  # fmt: skip
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    cache = BillCache.open(tmp_path / "cache" / "main.sqlite")
    factory = demo_client_factory(cache)

    def client_factory(profile: Profile, **options: Any) -> Any:
        options.setdefault("retries", 0)  # the unreachable account fails at once
        return factory(profile, **options)

    return OvhInvoicesApp(settings=settings, profile=main, lang=lang, client_factory=client_factory, cache=cache,
                          accounts=[main, filiale, broken])  # fmt: skip


@pytest.fixture
def accounts_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app on three accounts: two sandboxes (different seeds, one read-only) and one nobody answers."""
    return _accounts_app(tmp_path, monkeypatch, "en")


async def overview_refreshed(app: Any, pilot: Any) -> AccountsScreen:
    await wait_for(lambda: isinstance(app.screen, AccountsScreen), pilot)
    store = app.accounts_store
    await wait_for(lambda: store.expected and store.refreshed == store.expected, pilot, timeout=30)
    await pilot.pause()
    return app.screen


async def test_the_overview_comes_first_and_says_which_account_needs_attention(accounts_app: Any) -> None:
    app = accounts_app
    async with app.run_test(size=(120, 40)) as pilot:
        await overview_refreshed(app, pilot)
        rows = {row.profile: row for row in app.accounts_store.rows}
        assert set(rows) == {"main", "filiale", "client"}
        assert rows["client"].problem is not None and rows["client"].problem.kind == "network"
        assert rows["main"].summary is not None and rows["main"].summary.due_ucents is not None
        text = screen_text(app)
        assert "3 accounts" in text and "3 refreshed" in text
        assert "network" in text  # the failing account says why
        assert "[READ-ONLY]" in text, text  # filiale's badge
        assert not app.session.store.rows  # nothing loaded under the overview before an account is chosen


async def test_the_status_line_shows_the_whole_problem_of_the_account_under_the_cursor(accounts_app: Any) -> None:
    app = accounts_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await overview_refreshed(app, pilot)
        table = screen.query_one(AccountTable)
        problem = next(row for row in app.accounts_store.view if row.problem is not None).problem.text
        assert len(problem) > 40  # more than its column shows at 80 columns
        assert problem[:40] not in screen_text(app)
        while table.current_row is not None and table.current_row.problem is None:
            await pilot.press("j")
        await pilot.pause()
        assert f"client: {problem}"[:60] in screen_text(app)  # at 80 columns, the first 60 characters at least


async def test_enter_opens_that_account_and_esc_comes_back_with_the_cursor_kept(accounts_app: Any) -> None:
    app = accounts_app
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await overview_refreshed(app, pilot)
        table = screen.query_one(AccountTable)
        position = next(i for i, row in enumerate(app.accounts_store.view) if row.profile == "filiale")
        table.move_cursor(position)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        await wait_loaded(app, pilot)
        assert app.profile.name == "filiale" and len(app.session.store.rows) == 60
        filiale_ids = {row.bill.bill_id for row in app.session.store.rows}
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, AccountsScreen), pilot)
        assert app.screen is screen and table.cursor_row == position  # the same overview, cursor kept
        main_position = next(i for i, row in enumerate(app.accounts_store.view) if row.profile == "main")
        table.move_cursor(main_position)
        seen: list[set[str]] = []
        app.session.store.subscribe(lambda changes: seen.append({row.bill.bill_id for row in app.session.store.rows}))
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        await wait_loaded(app, pilot)
        assert app.profile.name == "main" and len(app.session.store.rows) == 150
        # never a frame of one account's invoices in the other's workspace
        assert all(not (ids & filiale_ids) or (ids <= filiale_ids and not ids) for ids in seen)


async def test_the_overview_filters_to_accounts_needing_attention_and_copies_a_summary(accounts_app: Any) -> None:
    app = accounts_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await overview_refreshed(app, pilot)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("slash", "c", "l", "i", "enter")
        assert [row.profile for row in app.accounts_store.view] == ["client"]
        await pilot.press("y")
        assert copied and "client" in copied[0] and "network" in copied[0]
        await pilot.press("x")
        assert len(app.accounts_store.view) == 3
        assert screen.store.filter.quick == ""


async def test_at_80_columns_the_chosen_account_says_its_whole_problem_and_the_filter_stays(accounts_app: Any) -> None:
    app = accounts_app
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await overview_refreshed(app, pilot)
        broken = next(row for row in app.accounts_store.view if row.profile == "client")
        assert broken.problem is not None
        while screen.list_table().current_row is not broken:
            await pilot.press("down")
        await pilot.pause()
        status = " ".join(line.strip() for line in screen_lines(app)[-6:-1])
        assert f"client: {broken.problem.text}" in status, status  # the column cuts it; here it is whole
        assert "Filter: every account" in status


async def test_the_list_shows_due_dates_filters_overdue_and_the_banner_names_the_oldest(accounts_app: Any) -> None:
    from ovh_invoices_tui.core import clock
    from ovh_invoices_tui.core.filters import BillFilter, StatusFilter, days_overdue

    app = accounts_app
    async with app.run_test(size=(120, 40)) as pilot:
        await overview_refreshed(app, pilot)
        await pilot.press("enter")  # the account that owes the most comes first
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        await wait_loaded(app, pilot)
        late = [row for row in app.session.store.rows if days_overdue(row, clock.today())]
        assert late, "the sandbox has overdue invoices"
        app.session.store.set_filter(BillFilter(status=StatusFilter.OVERDUE))
        await pilot.pause()
        assert {row.bill.bill_id for row in app.session.store.view} == {row.bill.bill_id for row in late}
        oldest, days = app.session.store.oldest_overdue(clock.today())
        text = screen_text(app)
        assert "Due date" in text and f"+{days} d" in text, text
        assert "oldest overdue" in text and oldest.bill.bill_id in text
        banner = next(line for line in screen_lines(app) if "oldest overdue" in line)
        assert banner.rstrip().endswith(f"{days} d late"), banner
        await pilot.resize_terminal(80, 24)  # told short, not cut mid-sentence
        await pilot.pause()
        banner = next(line for line in screen_lines(app) if "oldest overdue" in line)
        assert banner.rstrip().endswith(f"oldest overdue {oldest.bill.bill_id}, {days} d late"), banner


async def test_new_since_the_last_visit_is_flagged_until_the_user_leaves_the_account(accounts_app: Any) -> None:
    from datetime import timedelta

    from ovh_invoices_tui.data.accounts import mark_seen, seen_marks
    from ovh_invoices_tui.data.cache.profile import open_profile_cache

    app = accounts_app
    main = next(p for p in app.account_profiles if p.name == "main")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await overview_refreshed(app, pilot)
        cache = open_profile_cache(main)
        assert cache is not None
        newest, _ = seen_marks(cache)  # the first refresh set the baseline: nothing new yet
        assert newest is not None
        mark_seen(cache, newest - timedelta(days=20), None)  # as if the last visit was 20 days ago
        cache.close()
        table = screen.query_one(AccountTable)
        table.move_cursor(next(i for i, r in enumerate(app.accounts_store.view) if r.profile == "main"))
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        await wait_loaded(app, pilot)
        store = app.session.store
        fresh = [row for row in store.rows if row.bill.date > newest - timedelta(days=20)]
        assert fresh and store.new_count() == len(fresh)
        await pilot.pause()
        text = screen_text(app)
        assert f"{len(fresh)} new since last visit" in text and f"{fresh[0].bill.bill_id} ●" in text
        await pilot.press("N")
        assert {row.bill.bill_id for row in store.view} == {row.bill.bill_id for row in fresh}
        await pilot.press("N")
        assert len(store.view) == len(store.rows)
        await pilot.press("A")  # leaving the account: what it showed is now seen
        await wait_for(lambda: isinstance(app.screen, AccountsScreen), pilot)
        cache = open_profile_cache(main)
        assert cache is not None and seen_marks(cache)[0] == newest
        cache.close()


async def test_opening_an_account_speaks_its_language_from_the_first_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _accounts_app(tmp_path, monkeypatch, None)  # no --lang: each account's own language (French here)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await overview_refreshed(app, pilot)
        assert app.lang == "en"  # the overview, before any account is open
        table = screen.query_one(AccountTable)
        table.move_cursor(next(i for i, row in enumerate(app.accounts_store.view) if row.profile == "filiale"))
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        said = [str(n.message) for n in app._notifications]
        assert "Profil filiale activé" in said and "Switched to profile filiale" not in said, said


async def test_the_list_opened_from_the_overview_has_its_footer_in_the_ui_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _accounts_app(tmp_path, monkeypatch, "fr")  # --lang fr
    async with app.run_test(size=(120, 40)) as pilot:
        await overview_refreshed(app, pilot)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, InvoicesScreen), pilot)
        await wait_loaded(app, pilot)
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "Paiements" in footer and "Cocher" in footer and "Payments" not in footer, footer
