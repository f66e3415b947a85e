"""httpx, imported without its own command-line tool.

``import httpx`` also imports ``httpx._main`` (its CLI) whenever click, pygments and rich are installed — and
they are here (uvicorn brings click, Textual brings rich and pygments). That costs every ``ovh-invoices``
call tens of milliseconds for a tool it never runs, so the CLI module is replaced by a stub before httpx is
first imported. Every module of the package imports httpx from here.
"""

from __future__ import annotations

import sys
import types


def _without_httpx_cli() -> None:
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stub = types.ModuleType("httpx._main")

    def main() -> None:
        raise SystemExit("httpx's command line is not part of ovh-invoices")

    stub.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stub


_without_httpx_cli()

import httpx as httpx  # noqa: E402 - after the stub, on purpose

__all__ = ["httpx"]
