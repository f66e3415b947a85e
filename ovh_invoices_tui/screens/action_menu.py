"""The "…" menu of one invoice: the actions that apply, disabled ones with their reason."""

from __future__ import annotations

from typing import Any

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.actions.registry import actions_for
from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.screens.keyed_menu import KeyedMenu, MenuEntry, run_chosen


class ActionMenu(KeyedMenu):
    """The actions of the invoice ``row``, titled with its reference and amount."""

    def __init__(self, host: ActionHost, row: BillRow) -> None:
        lang = host.lang
        entries = [
            MenuEntry(action.id, action.key, t(action.label_key, lang), reason)
            for action, reason in actions_for(host, row)
        ]
        title = t("menu.title", lang, ref=clean(row.bill.bill_id), amount=format_money(row.bill.price_with_tax, lang))
        super().__init__(title, entries, lang)
        self.bill_id = row.bill.bill_id


def open_action_menu(host: ActionHost, bill_id: str) -> None:
    """Show the menu of ``bill_id`` and run the chosen action on the row as it is then."""
    row = host.session.store.row(bill_id)
    if row is None:
        return

    def run(action_id: str) -> Any:
        now = host.session.store.row(bill_id)
        if now is None:  # gone while the menu was open (a refresh, another account)
            return None
        for action, reason in actions_for(host, now):
            if action.id == action_id and reason is None:
                return action.run(host, now)
        return None

    host.push_screen(ActionMenu(host, row), run_chosen(host, run))
