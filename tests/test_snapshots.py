"""Snapshot tests: the main screens at fixed sizes, on a sandbox with a fixed clock (update with --snapshot-update)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.conftest import wait_for, wait_loaded

FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def sandbox_config() -> Any:
    from ovh_invoices_tui.sandbox import SandboxConfig

    return SandboxConfig(bills=300, seed=11, now=FIXED_NOW)


def _loaded(then: tuple[str, ...] = (), until: Any = None) -> Any:
    async def run_before(pilot: Any) -> None:
        await wait_loaded(pilot.app, pilot)
        if then:
            await pilot.press(*then)
        if until is not None:
            await wait_for(lambda: until(pilot.app), pilot)
        await pilot.pause()

    return run_before


def test_main_screen_120x40(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("space", "space", "space")))


def test_main_screen_80x24(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded())


def test_main_screen_french_with_filter_bar(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(lang="fr"), terminal_size=(120, 40), run_before=_loaded(("f",)))


def test_detail_screen(snap_compare: Any, make_app: Any) -> None:
    def detail_loaded(app: Any) -> bool:
        return getattr(app.screen, "content", None) is not None

    assert snap_compare(
        make_app(), terminal_size=(120, 40), run_before=_loaded(("j", "enter"), until=detail_loaded)
    )


def test_action_menu(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded(("full_stop",)))


def test_help_screen(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("question_mark",)))
