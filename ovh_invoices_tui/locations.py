"""Where ovh-invoices keeps its files (platformdirs), overridable for tests and power users."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ovh-invoices"
CONFIG_ENV = "OVH_INVOICES_CONFIG"
CONFIG_FILE_NAME = "config.toml"
SYSTEM_OVH_CONF = Path("/etc/ovh.conf")  # a module constant so tests can point it away from the machine's file


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The TOML config: ``--config``, else ``$OVH_INVOICES_CONFIG``, else ``<config dir>/config.toml``."""
    if override:
        return Path(override).expanduser()
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return config_dir() / CONFIG_FILE_NAME


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_download_dir() -> Path:
    """The user's downloads folder (XDG ``DOWNLOAD``, ``~/Downloads``...), never the bare home directory.

    It may not exist yet: whatever writes there creates it first (``mkdir(parents=True, exist_ok=True)``),
    so reading the settings has no side effect on the disk.
    """
    home = Path.home()
    text = platformdirs.user_downloads_dir()
    downloads = Path(text).expanduser() if text else home
    if not downloads.is_absolute() or _same_place(downloads, home):
        return home / "Downloads"
    return downloads


def _same_place(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def ovh_conf_paths() -> list[Path]:
    """The official clients' ``ovh.conf`` files, lowest priority first."""
    return [SYSTEM_OVH_CONF, Path.home() / ".ovh.conf", Path.cwd() / "ovh.conf"]
