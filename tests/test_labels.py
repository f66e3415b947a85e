"""The label catalogue: every label in both languages with the same fields, and no key the code asks for missing."""

from __future__ import annotations

import ast
import string
import tomllib
from pathlib import Path

import ovh_invoices_tui
from ovh_invoices_tui.core.i18n import CATALOGUE, has_label

PACKAGE = Path(ovh_invoices_tui.__file__).parent
FRENCH_ONLY = ("command.help.", "binding.", "binding_help.")  # the English stands on the command or binding


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_is_in_english_and_french_with_the_same_fields() -> None:
    catalogue = tomllib.loads(CATALOGUE.read_text(encoding="utf-8"))
    assert len(catalogue) > 400
    for key, labels in catalogue.items():
        if key.startswith(FRENCH_ONLY):
            assert set(labels) == {"fr"} and labels["fr"].strip(), key
            continue
        assert set(labels) == {"en", "fr"}, key
        assert labels["en"].strip() and labels["fr"].strip(), key
        assert _fields(labels["en"]) == _fields(labels["fr"]), key


def _literal_keys() -> set[tuple[str, str]]:
    """Every ``t("key", …)`` / ``t_count("key", …)`` written in the package, with its module."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in {"t", "t_count"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((node.args[0].value, str(path.relative_to(PACKAGE))))
    return found


def test_every_key_the_code_names_has_a_label() -> None:
    keys = _literal_keys()
    assert len(keys) > 300
    missing = sorted((module, key) for key, module in keys if not has_label(key) and not has_label(key + ".one"))
    assert missing == []
