"""Footer and help labels of key bindings in the UI language, looked up by binding id (``binding.<id>``).

Bindings are declared in English on the classes; :func:`localise_bindings` swaps the description of every
binding with a French label (or back) on the live nodes, so the footer of a French UI reads French.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from ovh_invoices_tui.i18n import register, t

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
    "filters.leave": "Retour à la liste",
}

register({f"binding.{binding_id}": {"fr": label} for binding_id, label in _FRENCH.items()})

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
