"""Footer and help labels of key bindings in the UI language, looked up by binding id in the label catalogue
(``binding.<id>`` for the footer, ``binding_help.<id>`` for ``?``; French only, the English stands on the binding).

Bindings are declared in English on the classes; :func:`localise_bindings` swaps the description of every
binding with a French label (or back) on the live nodes, so the footer of a French UI reads French.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from ovh_invoices_tui.core.i18n import has_label, t

_english: dict[str, str] = {}  # binding id → description declared on the class


def help_text(binding: Binding, lang: str) -> str:
    """What the help screen says a binding does, in ``lang`` when a translation exists."""
    if binding.id and binding.id.startswith("invoices.sort_") and binding.id != "invoices.sort_reverse":
        column = t(f"col.{binding.id.removeprefix('invoices.sort_')}", lang)  # the column's label, as headed
        return t("binding_sort_by", lang, column=column)
    if lang == "fr" and binding.id and has_label(f"binding_help.{binding.id}"):
        return t(f"binding_help.{binding.id}", lang)
    return binding.tooltip or _english.get(binding.id or "", binding.description)


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
                    french = lang == "fr" and has_label(f"binding.{binding.id}")
                    label = t(f"binding.{binding.id}", lang) if french else english
                    if label != binding.description:
                        binding = replace(binding, description=label)
                relabelled.append(binding)
            bindings_map.key_to_bindings[key] = relabelled
