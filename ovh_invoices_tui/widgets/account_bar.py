"""The top line: account, profile / endpoint, read-only badge, offline/cached marker and load progress."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_count, t, t_count
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.state.invoices import LoadProgress


class AccountBar(Static):
    """``ovh-invoices │ xx1234-ovh │ demo (sandbox) │ READ-ONLY │ loading 5000/10000``."""

    DEFAULT_CSS = """
    AccountBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

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
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("ovh-invoices", style="bold")
        line.append(" │ ")
        line.append(clean(nichandle) if nichandle else "…", style="bold")
        line.append(f" │ {clean(profile)} ({clean(endpoint)})", style="dim")
        if readonly:
            line.append(" ")
            line.append(f" {t('bar.readonly', lang)} ", style="bold black on yellow")
        if progress.offline:
            line.append(" ")
            line.append(f" {t('bar.offline', lang)} ", style="bold white on red")
        line.append(" │ ")
        if progress.error:
            line.append(t("bar.failed", lang), style="bold red")
        elif not progress.done:
            total = "?" if progress.total is None else format_count(progress.total, lang)
            line.append(t("bar.loading", lang, loaded=format_count(progress.loaded, lang), total=total), style="italic")
        else:
            line.append(t_count("bar.loaded", progress.loaded, lang))
        if progress.from_cache:
            line.append(f" ({t('bar.cached', lang)})", style="dim italic")
        if new:
            line.append(" │ ")
            line.append(t_count("bar.new", new, lang), style="bold green")
        self.update(line)
