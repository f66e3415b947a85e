"""Footer and help labels of key bindings in the UI language, looked up by binding id (``binding.<id>``).

Bindings are declared in English on the classes; :func:`localise_bindings` swaps the description of every
binding with a French label (or back) on the live nodes, so the footer of a French UI reads French.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from ovh_invoices_tui.core.i18n import register, t

_FRENCH = {
    "app.quit": "Quitter",
    "app.help": "Aide",
    "app.command": "Commande",
    "app.refresh": "Actualiser",
    "app.requests": "Appels API",
    "table.activate": "Ouvrir",
    "invoices.mark": "Cocher",
    "invoices.mark_range": "Plage",
    "invoices.quick_filter": "Chercher",
    "invoices.filters": "Filtres",
    "invoices.clear_filters": "Effacer",
    "invoices.open": "Ouvrir",
    "invoices.menu": "Actions",
    "invoices.sort": "Trier",
    "invoices.bulk": "En masse",
    "invoices.pay": "Payer",
    "invoices.payments": "Paiements",
    "app.accounts": "Comptes",
    "invoices.new": "Nouveautés",
    "app.accounts_back": "Comptes",
    "accounts.open": "Ouvrir",
    "accounts.refresh": "Actualiser",
    "accounts.csv": "CSV",
    "accounts.json": "JSON",
    "accounts.copy": "Copier",
    "accounts.quick_filter": "Chercher",
    "accounts.filters": "Filtres",
    "accounts.clear_filters": "Effacer",
    "accounts.mark": "Cocher",
    "accounts.sort": "Trier",
    "invoices.insights": "Analyse",
    "insights.back": "Retour",
    "insights.drill": "Factures",
    "insights.month": "Mois",
    "insights.category": "Catégorie",
    "insights.service": "Service",
    "insights.basis": "HT/TTC",
    "insights.all": "Tout",
    "insights.range": "Période",
    "insights.currency": "Devise",
    "insights.stop": "Arrêter",
    "insights.shorter": "−1 mois",
    "insights.longer": "+1 mois",
    "insights.year_earlier": "−1 an",
    "insights.year_later": "+1 an",
    "insights.csv": "CSV",
    "insights.pdf": "PDF",
    "detail.back": "Retour",
    "detail.menu": "…Actions",
    "viewer.back": "Retour",
    "viewer.open": "Ouvrir à l'extérieur",
    "viewer.copy_link": "Copier le lien",
    "requests.back": "Retour",
    "requests.copy": "Copier l'id de requête",
    "menu.close": "Fermer",
    "help.close": "Fermer",
    "command.cancel": "Annuler",
    "filters.leave": "Annuler le filtre",
    "filter.keep": "Garder le filtre",
    "filter.cancel": "Annuler le filtre",
    "payments.quick_filter": "Chercher",
    "bulk.close": "Fermer",
    "cancel.close": "Fermer",
    "cancel.preview": "Aperçu",
    "cancel.send": "Envoyer",
    "detail.payment": "Paiement",
    "export.close": "Fermer",
    "export_failures.close": "Fermer",
    "order.close": "Fermer",
    "order.copy": "Copier le lien",
    "order.open": "Ouvrir",
    "order.simulate": "Simuler",
    "pay.cancel": "Annuler",
    "pay.confirm": "Confirmer",
    "payment.back": "Retour",
    "payment.html": "HTML",
    "payment.pdf": "PDF",
    "payment.open_invoice": "Ouvrir la facture",
    "payments.back": "Retour",
    "payments.export": "Exporter en CSV",
    "payments.export.cancel": "Annuler",
    "payments.filters": "Filtrer",
    "payments.html": "HTML",
    "payments.mark": "Cocher",
    "payments.pdf": "PDF",
    "payments.refunds": "Avoirs",
    "payments.sort": "Trier",
    "refunds.back": "Retour",
    "refunds.html": "HTML",
    "refunds.invoice": "Facture",
    "refunds.pdf": "PDF",
    "ticket.close": "Fermer",
    "ticket.copy": "Copier",
    "unknown.close": "Fermer",
}

# What ``?`` says each binding does, in French (English is the tooltip declared with the binding).
_FRENCH_HELP = {
    "table.cursor_down": "Ligne suivante",
    "table.cursor_up": "Ligne précédente",
    "table.page_down": "Page suivante",
    "table.page_up": "Page précédente",
    "table.top": "Première ligne",
    "table.bottom": "Dernière ligne",
    "table.scroll_left": "Faire défiler les colonnes à gauche",
    "table.scroll_right": "Faire défiler les colonnes à droite",
    "table.activate": "Ouvrir la ligne sous le curseur",
    "invoices.mark": "Cocher ou décocher la ligne, puis descendre",
    "invoices.mark_range": "Cocher du début de plage jusqu'ici",
    "invoices.mark_all": "Cocher toutes les lignes affichées",
    "invoices.invert": "Inverser les coches des lignes affichées",
    "invoices.unmark_all": "Tout décocher",
    "invoices.quick_filter": "Recherche rapide (référence, commande, services)",
    "invoices.filters": "Ouvrir ou fermer les filtres (référence, commande, date, statut)",
    "invoices.clear_filters": "Effacer tous les filtres",
    "filter.keep": "Garder le filtre et revenir à la liste",
    "filter.cancel": "Rétablir le filtre d'avant et revenir à la liste",
    "filters.leave": "Rétablir les filtres d'avant et revenir à la liste (Entrée les garde)",
    "invoices.open": "Ouvrir la facture",
    "invoices.menu": "Actions sur cette facture (…)",
    "invoices.payments": "Suivi des paiements et avoirs",
    "invoices.bulk": "Actions de masse (exports, paiement du solde)",
    "invoices.pay": "Régler mon solde immédiatement (avec confirmation)",
    "invoices.sort": "Trier par la colonne suivante",
    "invoices.sort_reverse": "Inverser le tri",
    "app.quit": "Quitter ovh-invoices",
    "app.help": "Toutes les touches de cet écran",
    "app.command": "Ligne de commande (:open REF, :q)",
    "app.refresh": "Relire le solde et les statuts",
    "app.requests": "Derniers appels à l'API",
    "detail.back": "Retour à la liste",
    "detail.menu": "Actions sur cette facture",
    "detail.payment": "Le paiement qui l'a réglée",
    "payment.open_invoice": "Ouvrir la facture sous le curseur",
}

register({f"binding.{binding_id}": {"fr": label} for binding_id, label in _FRENCH.items()})
register({f"binding_help.{binding_id}": {"fr": text} for binding_id, text in _FRENCH_HELP.items()})


def help_text(binding: Binding, lang: str) -> str:
    """What the help screen says a binding does, in ``lang`` when a translation exists."""
    if binding.id and binding.id.startswith("invoices.sort_") and binding.id != "invoices.sort_reverse":
        column = t(f"col.{binding.id.removeprefix('invoices.sort_')}", lang)  # the column's label, as headed
        return t("binding_help.sort_by", lang, column=column)
    if lang == "fr" and binding.id and binding.id in _FRENCH_HELP:
        return t(f"binding_help.{binding.id}", lang)
    return binding.tooltip or _english.get(binding.id or "", binding.description)

_english: dict[str, str] = {}  # binding id → description declared on the class


def localise_bindings(nodes: Any, lang: str) -> None:
    """Relabel the bindings of ``nodes`` (widgets, screens, the app) for ``lang``; bindings without id stay."""
    for node in nodes:
        bindings_map = getattr(node, "_bindings", None)
        if bindings_map is None:
            continue
        for key, bindings in bindings_map.key_to_bindings.items():
            relabelled: list[Binding] = []
            for binding in bindings:
                if binding.id:
                    english = _english.setdefault(binding.id, binding.description)
                    label = t(f"binding.{binding.id}", lang) if lang == "fr" and binding.id in _FRENCH else english
                    if label != binding.description:
                        binding = replace(binding, description=label)
                relabelled.append(binding)
            bindings_map.key_to_bindings[key] = relabelled
