"""An in-process emulation of the OVHcloud billing API (see :mod:`.app`); several accounts: :mod:`.accounts`.

``create_app`` and ``SandboxConfig`` are imported on first use: ``ovh_invoices_tui.sandbox.credentials`` (read
by the config) must not pull in Starlette and the PDF generator with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .accounts import AccountSpec, demo_accounts  # light: credentials and the standard library only

if TYPE_CHECKING:
    from .app import create_app
    from .config import SandboxConfig

__all__ = ["AccountSpec", "SandboxConfig", "create_app", "demo_accounts"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "SandboxConfig":
        from .config import SandboxConfig

        return SandboxConfig
    raise AttributeError(name)
