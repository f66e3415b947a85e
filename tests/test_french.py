"""A French account sees French everywhere: counts, filter bar, help, detail, API log, command line, startup."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Label, Select

from ovh_invoices_tui.actions.commands import match_sort_column, run_command
from ovh_invoices_tui.core.filters import FilterInputError, parse_date_range
from ovh_invoices_tui.core.i18n import format_count, t_count
from ovh_invoices_tui.core.operation_labels import operation_label, operation_status_label
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.screens.detail import DetailScreen
from ovh_invoices_tui.screens.help import HelpScreen
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.screens.request_log import RequestLogScreen
from ovh_invoices_tui.state.invoices import Change
from ovh_invoices_tui.widgets.account_bar import AccountBar
from ovh_invoices_tui.widgets.binding_labels import help_text
from ovh_invoices_tui.widgets.filter_bar import FilterBar, filter_error_text
from tests.conftest import wait_for, wait_loaded
from tests.schema import models as schema_models
from tests.screen_text import screen_text

NNBSP = "\u202f"

# --- counts ---------------------------------------------------------------------------------------


def test_counts_group_thousands_like_amounts() -> None:
    assert format_count(10_000, "fr") == f"10{NNBSP}000"
    assert format_count(1_234_567, "fr") == f"1{NNBSP}234{NNBSP}567"
    assert format_count(10_000, "en") == "10,000"
    assert format_count(999, "fr") == "999"


@pytest.mark.parametrize(
    ("count", "lang", "text"),
    [
        (0, "fr", "0 facture"),
        (1, "fr", "1 facture"),
        (2, "fr", "2 factures"),
        (10_000, "fr", f"10{NNBSP}000 factures"),
        (0, "en", "0 invoices"),
        (1, "en", "1 invoice"),
        (4_006, "en", "4,006 invoices"),
    ],
)
def test_invoice_count_takes_the_singular(count: int, lang: str, text: str) -> None:
    assert t_count("status.view", count, lang) == text


def test_payment_counts_take_the_singular() -> None:
    import ovh_invoices_tui.screens.payments  # noqa: F401 - registers payments.*

    assert t_count("payments.count", 1, "fr") == "1 paiement"
    assert t_count("payments.count", 4_006, "fr") == f"4{NNBSP}006 paiements"
    assert t_count("payments.count", 1, "en") == "1 payment"


# --- labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "en", "fr"),
    [
        ("UNPAID_SEPA_DIRECT_DEBIT", "Unpaid SEPA direct debit", "Prélèvement SEPA impayé"),
        ("UNPAID_CREDIT_CARD", "Unpaid credit card", "Carte bancaire impayée"),
        ("CREDIT_CARD_AUTOMATIC", "Credit card (automatic)", "Carte bancaire (automatique)"),
        ("CREDITCARD_MANUAL", "Credit card (manual)", "Carte bancaire (manuelle)"),
        ("SEPA_DIRECT_DEBIT_AUTOMATIC", "SEPA direct debit (automatic)", "Prélèvement SEPA (automatique)"),
        ("PAYPAL_MANUAL", "PayPal (manual)", "PayPal (manuel)"),
        ("BANK_TRANSFER_MANUAL", "Bank transfer (manual)", "Virement (manuel)"),
        ("REFUND_PAYPAL", "Refund by PayPal", "Remboursement par PayPal"),
        ("REFUND", "Refund", "Remboursement"),
        ("CANCEL", "Cancellation", "Annulation"),
        ("ORDER", "Order", "Commande"),
        ("BRAND_NEW_SEPA_THING", "Brand new SEPA thing", "Brand new SEPA thing"),
    ],
)
def test_operation_types_read_as_words(raw: str, en: str, fr: str) -> None:
    assert operation_label(raw, "en") == en
    assert operation_label(raw, "fr") == fr


def test_every_operation_type_of_the_api_has_a_label() -> None:
    models = schema_models()  # the vendored API schema: missing files fail the test
    for raw in models["debt.entry.OperationEnum"]["enum"]:
        for lang in ("en", "fr"):
            label = operation_label(raw, lang)
            assert "_" not in label and label != raw, (raw, lang, label)
    for raw in models["debt.entry.StatusEnum"]["enum"]:
        assert operation_status_label(raw, "fr") != raw


def test_operation_statuses() -> None:
    assert operation_status_label("FAILED", "fr") == "Échouée"
    assert operation_status_label("DONE", "fr") == "Effectuée"
    assert operation_status_label("TODO", "en") == "To do"
    assert operation_status_label("SOMETHING_ELSE", "en") == "Something else"


def _error(text: str) -> FilterInputError:
    with pytest.raises(FilterInputError) as caught:
        parse_date_range(text)
    return caught.value


def test_filter_errors_in_french() -> None:
    assert filter_error_text(_error("2024-13-45"), "fr") == (
        "date invalide : «\u00a02024-13-45\u00a0» (format AAAA-MM-JJ ou JJ/MM/AAAA)"
    )
    assert filter_error_text(_error("2024-05-01..2024-01-01"), "fr").startswith(
        "la période se termine avant de commencer"
    )
    assert filter_error_text(_error("2024-13-45"), "en") == str(_error("2024-13-45"))
    assert filter_error_text(FilterInputError("something new"), "fr") == "something new"


@pytest.mark.parametrize(
    ("typed", "column"),
    [
        ("montant_ttc", "amount_ttc"),
        ("ttc", "amount_ttc"),
        ("Montant TTC", "amount_ttc"),
        ("amount_ttc", "amount_ttc"),
        ("ht", "amount_ht"),
        ("solde", "balance"),
        ("date", "date"),
        ("date d'emission", "date"),
        ("ref", "reference"),
        ("référence", "reference"),
        ("commande", "order"),
        ("statut", "status"),
        ("STATUS", "status"),
    ],
)
def test_sort_accepts_column_names_in_either_language(typed: str, column: str) -> None:
    assert match_sort_column(typed) == [column]


def test_sort_reports_ambiguous_and_unknown_names() -> None:
    assert match_sort_column("montant") == ["amount_ht", "amount_ttc"]
    assert match_sort_column("zorglub") == []


def test_help_names_sort_columns_by_their_labels() -> None:
    binding = next(b for b in InvoicesScreen.BINDINGS if getattr(b, "id", None) == "invoices.sort_amount_ttc")
    assert help_text(binding, "en") == "Sort by Amount incl. tax (again: reverse)"  # type: ignore[arg-type]
    assert help_text(binding, "fr") == "Trier par Montant TTC (à nouveau : inverser)"  # type: ignore[arg-type]


# --- the app, for a French account (the sandbox's), without --lang ----------------------------------


# Without iceberg the bills are read one request each: /me answers long before the last one.
@pytest.mark.parametrize("sandbox_config", [SandboxConfig(bills=120, seed=7, iceberg=False)])
async def test_language_switches_as_soon_as_the_account_is_known(make_app) -> None:
    app = make_app(lang=None)
    seen: list[tuple[int, str]] = []

    def on_change(changes: set[Change]) -> None:
        if Change.ACCOUNT in changes and not seen:
            seen.append((len(app.session.store.rows), app.lang))

    app.session.store.subscribe(on_change)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert seen and seen[0][0] < 120 and seen[0][1] == "fr"  # French while bills were still loading
        text = screen_text(app)
        assert "Référence" in text and "Date d'émission" in text
        assert "120 factures" in text and "invoices" not in text.replace("ovh-invoices", "")
        assert "à régler" in text


async def test_explicit_language_wins_over_the_account(make_app) -> None:
    app = make_app(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        assert app.lang == "en"
        assert "120 invoices" in screen_text(app)


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(bills=120, seed=7, latency_ms=100)])  # cache shown a while
async def test_a_cached_french_account_paints_french_from_the_first_frame(make_app, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with BillCache.open(path) as cache:
        app = make_app(lang=None, cache=cache)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_loaded(app, pilot)
    relabelled: list[str] = []
    original = InvoicesScreen.apply_language

    def spy(screen: InvoicesScreen) -> None:
        relabelled.append(screen.host.lang)
        original(screen)

    bar_texts: list[str] = []  # the account bar, each time it shows cached bills
    show = AccountBar.show

    def show_spy(bar: AccountBar, **kwargs: Any) -> None:
        show(bar, **kwargs)
        if kwargs["progress"].from_cache:
            bar_texts.append(bar.render().plain)  # as drawn at this width

    with BillCache.open(path) as cache, pytest.MonkeyPatch.context() as patch:
        patch.setattr(InvoicesScreen, "apply_language", spy)
        patch.setattr(AccountBar, "show", show_spy)
        app = make_app(lang=None, cache=cache)
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.lang == "fr"  # before anything was loaded
            await wait_loaded(app, pilot)
    assert relabelled == []  # composed in French: never repainted from English
    assert bar_texts and all("(en cache)" in text and "cached" not in text for text in bar_texts)


async def test_filter_bar_in_french(make_app) -> None:
    app = make_app(lang=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        top = "\n".join(screen_text(app).splitlines()[:6])
        assert "toutes" in top and " all " not in top
        assert bar.query_one(Select).value.value == "all"
        reference = bar.query_one("#filter-reference", Input)
        width_before = reference.size.width
        date_input = bar.query_one("#filter-date", Input)
        app.set_focus(date_input)
        await pilot.press(*"2024-13-45")
        await pilot.pause()
        assert "date invalide" in screen_text(app)
        error = bar.query_one("#filter-error", Label)
        assert error.region.y > date_input.region.y + date_input.region.height - 1  # its own line, under
        assert reference.size.width == width_before  # the inputs keep their width
        await pilot.press("escape")


async def test_help_detail_and_api_log_in_french(make_app) -> None:
    app = make_app(lang=None)
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "Chercher" in footer and "Payer" in footer and "Search" not in footer, footer
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Trier par Montant TTC" in text and "amount_ttc (" not in text
        assert "Recherche rapide (référence, commande, services)" in text and "Quick filter" not in text
        await pilot.press("escape")
        await pilot.pause(0.1)

        unpaid = next(r for r in app.session.store.rows if r.status == "UNPAID" and r.debt is not None)
        app.open_detail(unpaid.bill.bill_id)
        await wait_for(lambda: isinstance(app.screen, DetailScreen) and app.screen.content is not None, pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "Prélèvement SEPA impayé" in text and "Échouée" in text
        assert "UNPAID_SEPA_DIRECT_DEBIT" not in text and "FAILED" not in text
        assert re.search(r"Date\s+┃ Opération", text)
        assert "TVA FR" in text and "VAT" not in text
        await pilot.press("escape")
        await pilot.pause(0.1)

        await pilot.press("at")
        await wait_for(lambda: isinstance(app.screen, RequestLogScreen), pilot)
        text = screen_text(app)
        assert "Derniers appels à l'API" in text and "Méthode" in text and "Chemin" in text
        assert "Recent API calls" not in text and "Method" not in text


async def test_command_line_in_french(make_app) -> None:
    app = make_app(lang=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        said: list[str] = []
        app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
        await run_command(app, "sort ttc")
        assert app.session.store.sort.column == "amount_ttc"
        await run_command(app, "sort solde")
        assert app.session.store.sort.column == "balance"
        await run_command(app, "sort montant")
        await run_command(app, "sort zorglub")
        await run_command(app, "zorglub")
        await run_command(app, "open")
        assert said[0].startswith("«\u00a0montant\u00a0» peut désigner") and "Montant HT, Montant TTC" in said[0]
        assert said[1].startswith("Colonne inconnue «\u00a0zorglub\u00a0»")
        assert said[2].startswith("Commande inconnue :zorglub")
        assert said[3].startswith(":open attend un argument — Aller à une facture")
        assert app.session.store.sort.column == "balance"
