"""The package's imports point down and never go round in a circle.

Every module of ``ovh_invoices_tui`` is read with :mod:`ast` (top-level imports, imports inside functions and
under ``if TYPE_CHECKING:`` alike: a type-only import still ties the two modules together), the module graph
is built, and the test fails on an import cycle (naming it) or on an import that points up the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "ovh_invoices_tui"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# The layer of each module is its first folder under the package (or the module name at the top level).
# A module may import its own layer and the layers listed for it; nothing else of the package.
INFRASTRUCTURE = {"config", "locations", "debug_log", "permissions"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "api": {"core"},
    "state": {"core"},
    "sandbox": {"core"},
    "locations": set(),
    "permissions": {"locations"},
    "debug_log": {"core", "api", "config", "locations", "permissions", "sandbox"},
    "config": {"core", "api", "locations", "permissions", "sandbox", "export"},  # saved by the one atomic writer
    "export": {"core", "api", "state"},
    "data": {"core", "api", "state", "export", "config", "locations", "permissions", "debug_log", "sandbox"},
    "actions": {"core", "api", "state", "export", "data", *INFRASTRUCTURE, "sandbox"},
    "widgets": {"core", "api", "state", "export", "data", "actions", *INFRASTRUCTURE, "sandbox"},
    "screens": {"core", "api", "state", "export", "data", "actions", "widgets", *INFRASTRUCTURE, "sandbox"},
    "cli": {"core", "api", "state", "export", "data", "actions", *INFRASTRUCTURE, "sandbox"},
    "app": {"core", "api", "state", "export", "data", "actions", "widgets", "screens", *INFRASTRUCTURE, "sandbox"},
    "launch": {"core", "api", "state", "data", "app", *INFRASTRUCTURE},
    "__main__": {"cli"},
    "__init__": set(),
}

# The one import that points up on purpose: `ovh-invoices` (no sub-command) launches the TUI. It is made
# inside the function that runs it, so the CLI loads without Textual for every other command.
ALLOWED_EXCEPTIONS = {("ovh_invoices_tui.cli.main", "ovh_invoices_tui.launch")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every package module ``name`` imports, wherever the import statement stands."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            # `from pkg import mod` imports the module pkg.mod when there is one, else a name of pkg; either way
            # it runs pkg's __init__ first, so a package whose __init__ imports its own modules closes a circle
            targets = [stem, *(f"{stem}.{alias.name}" for alias in node.names if f"{stem}.{alias.name}" in known)]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` names a module; keep the deepest known one
                target = target.rpartition(".")[0]
            if target and target.startswith(PACKAGE + ".") and target != name:
                yield target


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imported(name, path, known)) for name, path in found.items()}


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_walker_sees_every_kind_of_import() -> None:
    """The graph includes imports under TYPE_CHECKING and inside functions (else the test could not fail)."""
    edges = graph()
    assert len(edges) > 80
    # cli.main imports the launcher lazily, inside the function that launches the TUI; the launcher the App
    assert "ovh_invoices_tui.launch" in edges["ovh_invoices_tui.cli.main"]
    assert "ovh_invoices_tui.app" in edges["ovh_invoices_tui.launch"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    """Every import of ``edges`` that points up the layers (or to a layer not listed for its module)."""
    return sorted(
        f"{source} imports {target}"
        for source, targets in edges.items()
        for target in targets
        if layer(target) != layer(source)
        and layer(target) not in ALLOWED[layer(source)]
        and (source, target) not in ALLOWED_EXCEPTIONS
    )


def test_imports_point_down() -> None:
    upward = upward_imports(graph())
    assert not upward, "imports pointing up the layers:\n" + "\n".join(upward)
    # the rule can fail: a type-only import of the App from an action is upward
    assert upward_imports({f"{PACKAGE}.actions.money": {f"{PACKAGE}.app"}}) == [
        f"{PACKAGE}.actions.money imports {PACKAGE}.app"
    ]


@pytest.mark.parametrize("lowest", ["core", "state"])
def test_lowest_layers_import_no_textual(lowest: str) -> None:
    """The domain and the stores are tested without a UI: they never import Textual."""
    found = modules()
    offenders = []
    for name, path in found.items():
        if layer(name) != lowest:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{name} imports {n}" for n in names if n.split(".")[0] == "textual"]
    assert not offenders, "\n".join(offenders)


def raw_gets(path: Path) -> Iterator[int]:
    """Lines calling ``<something>.get("/…")`` (or an f-string path): a raw API call."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"):
            continue
        first = node.args[0] if node.args else None
        if isinstance(first, ast.JoinedStr) and first.values:
            first = first.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("/"):
            yield node.lineno


def test_only_api_speaks_http() -> None:
    """Every route is a typed method of the client: no raw ``client.get("/me/…")`` outside ``api/``."""
    raw = [f"{name}:{line}" for name, path in modules().items() if layer(name) != "api" for line in raw_gets(path)]
    assert not raw, "raw API calls outside api/: " + ", ".join(raw)
    sample = ROOT.parent / "tests" / "test_architecture.py"  # the check itself can fail: it sees this call
    assert list(raw_gets(sample)) != []


def _example_raw_call(client: Any) -> Any:
    return client.get("/me/bill")  # seen by test_only_api_speaks_http's self-check, never run
