"""The top line: account, profile / endpoint, read-only badge, offline/cached marker and load progress."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_count, t, t_count
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.state.invoices import LoadProgress


class AccountBar(Static):
    """``ovh-invoices │ xx1234-ovh │ demo (sandbox) │ READ-ONLY │ loading 5000/10000``.

    When the line is too long for the terminal, the profile and endpoint give way (cut with "…"): the account, the
    badges and the progress are what the user needs at 80 columns.
    """

    DEFAULT_CSS = """
    AccountBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    _parts: tuple[Text, Text, Text] = (Text(), Text(), Text())

    def show(
        self,
        *,
        nichandle: str | None,
        profile: str,
        endpoint: str,
        readonly: bool,
        progress: LoadProgress,
        lang: str,
        new: int = 0,
    ) -> None:
        head = Text()
        head.append("ovh-invoices", style="bold")
        head.append(" │ ")
        head.append(clean(nichandle) if nichandle else "…", style="bold")
        where = Text(f" │ {clean(profile)} ({clean(endpoint)})", style="dim")
        tail = Text()
        if readonly:
            tail.append(" ")
            tail.append(f" {t('bar.readonly', lang)} ", style="bold black on yellow")
        if progress.offline:
            tail.append(" ")
            tail.append(f" {t('bar.offline', lang)} ", style="bold white on red")
        tail.append(" │ ")
        if progress.error:
            tail.append(t("bar.failed", lang), style="bold red")
        elif not progress.done:
            total = "?" if progress.total is None else format_count(progress.total, lang)
            tail.append(t("bar.loading", lang, loaded=format_count(progress.loaded, lang), total=total), style="italic")
        else:
            tail.append(t_count("bar.loaded", progress.loaded, lang))
        if progress.from_cache:
            tail.append(f" ({t('bar.cached', lang)})", style="dim italic")
        if new:
            tail.append(" │ ")
            tail.append(t_count("bar.new", new, lang), style="bold green")
        self._parts = (head, where, tail)
        self.refresh()

    def render(self) -> Text:
        head, where, tail = self._parts
        room = self.content_size.width - head.cell_len - tail.cell_len
        if room < len(" │ x…"):  # the profile and endpoint give way first
            where = Text()
        elif room < where.cell_len:
            where = where.copy()
            where.truncate(room, overflow="ellipsis")
        line = Text(no_wrap=True, overflow="ellipsis")
        for part in (head, where, tail):
            line.append_text(part)
        return line
