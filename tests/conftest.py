"""Shared fixtures: the app wired to the in-process sandbox, with its config in a temporary folder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# CI runs the properties with a fixed seed (a red build must be reproducible); HYPOTHESIS_PROFILE=explore
# searches with fresh random examples.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The isolated user's folders, relative to its HOME (platformdirs' defaults, made explicit).
XDG_DIRS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_CACHE_HOME": ".cache",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",  # platformdirs puts the debug log here
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test runs as a fresh user: no test reads or writes the real user's files.

    The user gets a folder of its own beside ``tmp_path`` (which stays empty for the test's files): ``HOME`` is
    its ``home/``, every ``XDG_*`` directory lies inside that HOME (``XDG_RUNTIME_DIR`` beside it, mode 700), no
    ``OVH_*`` variable of the caller survives and ``/etc/ovh.conf`` is not read. The working directory is
    ``tmp_path`` (where ``./ovh.conf`` is looked for). Returns the config file's path (``$OVH_INVOICES_CONFIG``),
    which does not exist until a test writes it.
    """
    from ovh_invoices_tui import locations

    user = tmp_path_factory.mktemp("user")
    home = user / "home"
    home.mkdir()
    for name in [n for n in os.environ if n.startswith(("XDG_", "OVH_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    for name, folder in XDG_DIRS.items():
        monkeypatch.setenv(name, str(home / folder))
    runtime = user / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    config = user / "config.toml"
    monkeypatch.setenv(locations.CONFIG_ENV, str(config))
    monkeypatch.setattr(locations, "SYSTEM_OVH_CONF", user / "etc" / "ovh.conf")
    monkeypatch.chdir(tmp_path)
    return config


@pytest.fixture
def sandbox_config() -> Any:
    from ovh_invoices_tui.sandbox.config import SandboxConfig

    return SandboxConfig(bills=120, seed=7)


@pytest.fixture
def make_app(tmp_path: Path, sandbox_config: Any) -> Callable[..., Any]:
    """Build an OvhInvoicesApp on the in-process sandbox (``bills=``, ``lang=``, ``readonly=``)."""
    from dataclasses import replace

    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings, demo_profile
    from ovh_invoices_tui.data.clients import make_client

    def factory(
        *, bills: int | None = None, keymap: dict[str, str] | None = None, lang: str = "en", **options: Any
    ) -> Any:
        config = replace(sandbox_config, bills=bills) if bills is not None else sandbox_config
        settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads", keymap=keymap or {})
        app = OvhInvoicesApp(
            settings=settings,
            profile=demo_profile(),
            client_factory=lambda profile, **kw: make_client(profile, sandbox=config, **kw),
            lang=lang,
            **options,
        )
        return app

    return factory


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without waiting: an unreachable endpoint fails at once (the retries themselves still happen)."""
    from ovh_invoices_tui.api.retry import RetryPolicy

    monkeypatch.setattr(RetryPolicy, "backoff", lambda self, attempt: 0.0)


async def wait_loaded(app: Any, pilot: Any, timeout: float = 20.0) -> None:
    """Wait until the store says loading is done, then let the screen repaint."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not app.session.store.progress.done:
        if loop.time() > deadline:
            raise AssertionError(f"load did not finish: {app.session.store.progress}")
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(predicate: Callable[[], bool], pilot: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)
