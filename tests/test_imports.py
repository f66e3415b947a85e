"""What a command costs to start: the CLI loads only what the command uses (checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "starlette", "uvicorn", "fpdf", "pypdf", "plotext", "textual_plotext")


def modules_after(argv: list[str], tmp_path: Path) -> set[str]:
    """The top-level modules loaded by ``ovh-invoices ARGV`` in a new interpreter (its exit status ignored)."""
    probe = (
        "import json, sys\n"
        "from ovh_invoices_tui.cli.main import main\n"
        "from ovh_invoices_tui.api.retry import RetryPolicy\n"
        "RetryPolicy.backoff = lambda self, attempt: 0.0  # an unreachable endpoint fails at once\n"
        "try:\n    main(json.loads(sys.argv[1]))\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {"HOME": str(tmp_path), "OVH_INVOICES_CONFIG": str(tmp_path / "config.toml"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(argv)], capture_output=True, text=True, env=env, cwd=tmp_path,
        timeout=120, check=False,
    )  # fmt: skip
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_loads_no_ui_no_sandbox_no_pdf_and_no_http(tmp_path: Path) -> None:
    loaded = modules_after(["--help"], tmp_path)
    assert not loaded & {*HEAVY, "httpx", "rich", "click", "pygments"}, loaded & {*HEAVY, "httpx", "rich"}


@pytest.mark.parametrize(
    "argv",
    [
        ["bills", "list", "--format", "json"],
        ["balance"],
        ["payments", "list"],
        ["bills", "export", "--csv", "out.csv"],
        ["insights", "--format", "json"],
    ],
)
def test_a_command_on_a_real_endpoint_loads_no_ui_nor_sandbox(argv: list[str], tmp_path: Path) -> None:
    # An endpoint nobody listens on: the command fails fast on the network, after having imported what it uses.
    (tmp_path / "config.toml").write_text(
        "default_profile = 'p'\n[profiles.p]\nendpoint = 'http://127.0.0.1:9/1.0'\n"
        "application_key = 'k'\napplication_secret = 's'\nconsumer_key = 'c'\n"
    )
    (tmp_path / "config.toml").chmod(0o600)
    loaded = modules_after(argv, tmp_path)
    assert "httpx" in loaded  # it did reach the client
    unwanted = {"textual", "starlette", "uvicorn", "plotext", "textual_plotext", "click", "pygments", "rich"}
    if argv[:2] != ["bills", "export"]:
        unwanted |= {"fpdf", "pypdf"}
    assert not loaded & unwanted, loaded & unwanted


def test_the_command_index_matches_the_registered_commands() -> None:
    from ovh_invoices_tui.cli.core import COMMANDS
    from ovh_invoices_tui.cli.main import COMMAND_INDEX, _load_commands

    _load_commands()
    registered = {cmd.path: cmd.help for cmd in COMMANDS}
    assert registered == {path: text for path, (_module, text) in COMMAND_INDEX.items()}
    for path, (module, _text) in COMMAND_INDEX.items():
        assert next(cmd for cmd in COMMANDS if cmd.path == path).handler.__module__ == module


def test_the_app_starts_without_the_pdf_stack_the_charts_or_the_sandbox(tmp_path: Path) -> None:
    loaded = {m.split(".")[0] for m in modules_of_the_app()}
    assert "textual" in loaded
    assert not loaded & {"fpdf", "pypdf", "plotext", "textual_plotext", "starlette", "uvicorn"}


def test_the_app_starts_with_the_invoice_list_only_and_loads_each_other_screen_when_it_opens() -> None:
    loaded = modules_of_the_app()
    assert "ovh_invoices_tui.screens.invoices" in loaded
    later = {
        f"ovh_invoices_tui.screens.{name}"
        for name in ("action_menu", "detail", "pay_dialog", "cancel_dialog", "export_dialog", "payments",
                     "refunds", "help", "viewer", "command_line", "insights", "request_log")
    }  # fmt: skip
    assert not loaded & later, loaded & later
    assert not loaded & {"ovh_invoices_tui.actions.commands", "ovh_invoices_tui.export.jobs"}


def modules_of_the_app() -> set[str]:
    """Every module loaded by importing the app in a new interpreter."""
    probe = "import json, sys\nimport ovh_invoices_tui.app\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))
