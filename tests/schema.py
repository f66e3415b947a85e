"""A tiny validator of JSON against the API's v1 schema models (vendored in ``tests/data/ovh-api/*.v1.json``).

Checks each property's type (primitives, enums, nested models, arrays), ``canBeNull``, and that no
property is missing or unknown. ``validate(obj, "billing.Bill")`` returns a list of error strings.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).parent / "data" / "ovh-api"  # in the repository: a missing file fails, never skips
SCHEMA_FILES = ("billing-subset.v1.json", "auth.v1.json", "support.v1.json")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


@cache
def models() -> dict[str, Any]:
    """All models of the v1 schema files, by full name (``billing.Bill``)."""
    out: dict[str, Any] = {}
    for name in SCHEMA_FILES:
        out.update(json.loads((SCHEMA_DIR / name).read_text())["models"])
    return out


def _primitive(value: Any, type_name: str) -> str | None:
    checks = {
        "string": lambda v: isinstance(v, str), "password": lambda v: isinstance(v, str),
        "text": lambda v: isinstance(v, str), "ipBlock": lambda v: isinstance(v, str),
        "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "double": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "datetime": lambda v: isinstance(v, str) and DATETIME.match(v) is not None,
        "date": lambda v: isinstance(v, str) and DATE.match(v) is not None,
    }
    check = checks.get(type_name)
    if check is None:
        return None
    return "" if check(value) else f"expected {type_name}, got {value!r:.60}"


def validate(value: Any, type_name: str, path: str = "$") -> list[str]:
    """Errors of ``value`` against the schema type ``type_name`` (empty when valid)."""
    if type_name.endswith("[]"):
        if not isinstance(value, list):
            return [f"{path}: expected array of {type_name[:-2]}, got {type(value).__name__}"]
        return [e for i, item in enumerate(value) for e in validate(item, type_name[:-2], f"{path}[{i}]")]
    primitive = _primitive(value, type_name)
    if primitive is not None:
        return [f"{path}: {primitive}"] if primitive else []
    model = models().get(type_name)
    if model is None:
        return [f"{path}: unknown schema type {type_name}"]
    if "enum" in model:
        return [] if value in model["enum"] else [f"{path}: {value!r} not in {type_name}"]
    if not isinstance(value, dict):
        return [f"{path}: expected object {type_name}, got {type(value).__name__}"]
    props = model.get("properties", {})
    errors = [f"{path}.{k}: unknown property of {type_name}" for k in value if k not in props]
    for name, prop in props.items():
        where = f"{path}.{name}"
        if name not in value:
            errors.append(f"{where}: missing")
        elif value[name] is None:
            if not prop.get("canBeNull"):
                errors.append(f"{where}: null but not canBeNull")
        else:
            errors.extend(validate(value[name], prop["type"], where))
    return errors


def assert_valid(value: Any, type_name: str) -> None:
    errors = validate(value, type_name)
    assert not errors, f"{type_name}: " + "; ".join(errors[:10])
