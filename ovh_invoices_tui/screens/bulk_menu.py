"""The "Bulk actions" menu (key ``b``): the bulk actions that apply, disabled ones with their reason."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.actions.registry import bulk_actions_for
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.screens.keyed_menu import KeyedMenu, MenuEntry, run_chosen


class BulkMenu(KeyedMenu):
    """The bulk actions, titled with the number of marked invoices (or "all shown")."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="bulk.close", tooltip="Close the menu")]

    def __init__(self, host: ActionHost) -> None:
        lang = host.lang
        entries = [
            MenuEntry(action.id, action.key, t(action.label_key, lang), reason, action.detail(host))
            for action, reason in bulk_actions_for(host)
        ]
        marked = len(host.session.store.marked)
        super().__init__(t("bulk.title_marked", lang, count=marked) if marked else t("bulk.title", lang), entries, lang)


def open_bulk_menu(host: ActionHost) -> None:
    """Show the menu and run the chosen action (as the account is then: the marks may have changed)."""

    def run(action_id: str) -> Any:
        for action, reason in bulk_actions_for(host):
            if action.id == action_id and reason is None:
                return action.run(host)
        return None

    host.push_screen(BulkMenu(host), run_chosen(host, run))
