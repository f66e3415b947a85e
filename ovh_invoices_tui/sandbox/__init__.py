"""An in-process emulation of the OVHcloud billing API (see :mod:`.app`)."""

from .app import create_app
from .config import SandboxConfig

__all__ = ["SandboxConfig", "create_app"]
