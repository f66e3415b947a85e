"""Settings and profiles: the project's TOML file, plus the official clients' ``ovh.conf`` / ``OVH_*``.

Precedence of the profile used: ``--profile``, then ``default_profile``, then the ``ovh.conf`` files and
``OVH_*`` environment variables (as the profile named ``ovh.conf``), else nothing is configured.
"""

from __future__ import annotations

import configparser
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui import locations
from ovh_invoices_tui.api import endpoints
from ovh_invoices_tui.permissions import shared_folder_problem
from ovh_invoices_tui.sandbox import credentials as sandbox_credentials
from ovh_invoices_tui.sandbox.config import MAX_BILLS

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

LANGUAGES = ("en", "fr")
OVH_CONF_PROFILE = "ovh.conf"
DEMO_PROFILE = "demo"
_CREDENTIAL_FIELDS = ("application_key", "application_secret", "consumer_key", "client_id", "client_secret")
_ENV = {name: f"OVH_{name.upper()}" for name in _CREDENTIAL_FIELDS}


class ConfigError(Exception):
    """A configuration file that cannot be used: names the file and the key."""


@dataclass(frozen=True)
class Profile:
    """One account to talk to. Secrets are kept out of ``repr``."""

    name: str
    endpoint: str = endpoints.DEFAULT_ENDPOINT
    application_key: str | None = None
    application_secret: str | None = field(default=None, repr=False)
    consumer_key: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    ovh_conf: str | None = None
    readonly: bool = False
    language: str | None = None
    demo: bool = False
    sandbox_bills: int | None = None
    sandbox_seed: int | None = None
    sandbox_account: int | None = None  # one of the demo accounts one shared sandbox serves (``--demo`` overview)
    source: str = "config"  # "config", "ovh.conf" or "demo": where it came from

    @property
    def base_url(self) -> str:
        return sandbox_credentials.INPROCESS_BASE_URL if self.demo else endpoints.base_url(self.endpoint)

    @property
    def token_url(self) -> str | None:
        return None if self.demo else endpoints.token_url(self.endpoint)

    @property
    def uses_oauth2(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @property
    def has_credentials(self) -> bool:
        """Enough to sign calls (application key, secret, consumer key) or to get an OAuth2 token."""
        signed = self.application_key and self.application_secret and self.consumer_key
        return self.demo or bool(signed) or self.uses_oauth2


@dataclass(frozen=True)
class Settings:
    """The TOML config file, validated. ``raw`` keeps the whole table for modules with their own keys."""

    path: Path
    default_profile: str | None = None
    language: str | None = None
    readonly: bool = False
    download_dir: Path = field(default_factory=locations.default_download_dir)
    keymap: Mapping[str, str] = field(default_factory=dict)
    timeout: float | None = None  # seconds to wait for a connection or an answer (None: the client's default)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    default_view: str = "accounts"  # with several profiles: "accounts" (the overview first) or "invoices"
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


# --- loading -------------------------------------------------------------------------------------


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Read the config (``--config``, ``$OVH_INVOICES_CONFIG`` or the default); a missing file is empty."""
    config_path = locations.config_file(path)
    data = _read_toml(config_path)
    where = str(config_path)
    default_profile = _opt_str(data, "default_profile", where)
    language = _language(data, "language", where)
    readonly = _bool(data, "readonly", where)
    download_dir = _opt_str(data, "download_dir", where)
    default_view = _opt_str(data, "default_view", where) or "accounts"
    if default_view not in ("accounts", "invoices"):
        raise ConfigError(f"{where}: default_view must be \"accounts\" or \"invoices\" (got {default_view!r})")
    keymap = _table(data, "keymap", where)
    timeout = _timeout(data, "timeout", where)
    for binding, keys in keymap.items():
        if not isinstance(keys, str):
            raise ConfigError(f"{where}: keymap.{binding}: expected a string of keys, got {keys!r:.40}")
    profiles = {name: _profile(name, table, where) for name, table in _table(data, "profiles", where).items()}
    if default_profile is not None and default_profile not in profiles:
        known = ", ".join(profiles) or "none"
        raise ConfigError(f"{where}: default_profile: no profile named {default_profile!r} (known: {known})")
    return Settings(
        path=config_path,
        default_profile=default_profile,
        language=language,
        readonly=readonly,
        download_dir=Path(download_dir).expanduser() if download_dir else locations.default_download_dir(),
        keymap=dict(keymap),
        timeout=timeout,
        profiles=profiles,
        default_view=default_view,
        raw=data,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: values nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _profile(name: str, table: Any, where: str) -> Profile:
    key = f"profiles.{name}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {key}: expected a table")
    known = {f.name for f in fields(Profile)} - {"name", "source"}
    for unknown in sorted(set(table) - known):
        raise ConfigError(f"{where}: {key}.{unknown}: unknown setting (known: {', '.join(sorted(known))})")
    endpoint = _opt_str(table, "endpoint", where, key) or endpoints.DEFAULT_ENDPOINT
    try:
        endpoints.base_url(endpoint)
    except endpoints.UnknownEndpointError as exc:
        raise ConfigError(f"{where}: {key}.endpoint: {exc}") from None
    values: dict[str, Any] = {
        name: _credential(_opt_str(table, name, where, key), f"{where}: {key}.{name}") for name in _CREDENTIAL_FIELDS
    }
    return Profile(
        name=name,
        endpoint=endpoint,
        ovh_conf=_opt_str(table, "ovh_conf", where, key),
        readonly=_bool(table, "readonly", where, key),
        language=_language(table, "language", where, key),
        demo=_bool(table, "demo", where, key),
        sandbox_bills=_opt_int(table, "sandbox_bills", where, key, high=MAX_BILLS),
        sandbox_seed=_opt_int(table, "sandbox_seed", where, key),
        **values,
    )


def _name(key: str, prefix: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _opt_str(table: Mapping[str, Any], key: str, where: str, prefix: str = "") -> str | None:
    value = table.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise ConfigError(f"{where}: {_name(key, prefix)}: expected a string, got {value!r:.40}")


def _bool(table: Mapping[str, Any], key: str, where: str, prefix: str = "") -> bool:
    value = table.get(key, False)
    if isinstance(value, bool):
        return value
    raise ConfigError(f"{where}: {_name(key, prefix)}: expected true or false, got {value!r:.40}")


def _opt_int(
    table: Mapping[str, Any], key: str, where: str, prefix: str = "", high: int | None = None
) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= (value if high is None else high):
        return value
    expected = "a non-negative integer" if high is None else f"an integer from 0 to {high:,}"
    raise ConfigError(f"{where}: {_name(key, prefix)}: expected {expected}, got {value!r:.40}")


def _credential(value: str | None, where: str) -> str | None:
    """A key or secret as given, or ConfigError: they go into HTTP headers, so printable ASCII only."""
    if value is None or (value.isascii() and value.isprintable() and " " not in value):
        return value
    raise ConfigError(f"{where}: spaces, control or non-ASCII characters in a key (copy it again)")


MAX_TIMEOUT_S = 3600.0


def timeout_problem(value: object) -> str | None:
    """Why ``value`` is not a usable timeout in seconds (None when it is: a number in ]0, 3600])."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"expected a number of seconds, got {value!r:.40}"
    if not 0 < value <= MAX_TIMEOUT_S:  # NaN fails both comparisons
        return f"expected seconds between 0 and {MAX_TIMEOUT_S:.0f}, got {value!r:.40}"
    return None


def _timeout(table: Mapping[str, Any], key: str, where: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    problem = timeout_problem(value)
    if problem is not None:
        raise ConfigError(f"{where}: {key}: {problem}")
    return float(value)


def _language(table: Mapping[str, Any], key: str, where: str, prefix: str = "") -> str | None:
    value = _opt_str(table, key, where, prefix)
    if value is None or value in LANGUAGES:
        return value
    raise ConfigError(f"{where}: {_name(key, prefix)}: expected one of {', '.join(LANGUAGES)}, got {value!r}")


def _table(table: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = table.get(key, {})
    if isinstance(value, dict):
        return value
    raise ConfigError(f"{where}: {key}: expected a table")


# --- ovh.conf and OVH_* --------------------------------------------------------------------------


def load_ovh_conf(
    paths: Sequence[Path] | None = None,
    environ: Mapping[str, str] | None = None,
    endpoint: str | None = None,
) -> Profile | None:
    """Credentials as the official clients find them (files lowest priority first, ``OVH_*`` override).

    ``endpoint`` forces the section read; otherwise ``OVH_ENDPOINT`` or ``[default] endpoint``.
    None when no credential is found anywhere.
    """
    env = os.environ if environ is None else environ
    parser = configparser.ConfigParser(interpolation=None)
    files = locations.ovh_conf_paths() if paths is None else list(paths)
    try:
        read = parser.read([str(p) for p in files], encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"ovh.conf: {exc}".replace("\n", " ")) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"ovh.conf ({', '.join(map(str, files))}): not UTF-8 text ({exc.reason})") from None
    chosen = endpoint or env.get("OVH_ENDPOINT") or parser.get("default", "endpoint", fallback=None)
    chosen = (chosen or endpoints.DEFAULT_ENDPOINT).strip()
    values: dict[str, Any] = {}
    for name in _CREDENTIAL_FIELDS:
        from_env = env.get(_ENV[name])
        value = from_env or parser.get(chosen, name, fallback=None)
        where = _ENV[name] if from_env else f"{', '.join(read)}: [{chosen}] {name}"
        values[name] = _credential(value.strip() if value and value.strip() else None, where)
    if not any(values.values()):
        return None
    try:
        endpoints.base_url(chosen)
    except endpoints.UnknownEndpointError as exc:
        source = "OVH_ENDPOINT" if env.get("OVH_ENDPOINT") else ", ".join(read) or "OVH_ENDPOINT"
        raise ConfigError(f"{source}: endpoint: {exc}") from None
    return Profile(name=OVH_CONF_PROFILE, endpoint=chosen, source=OVH_CONF_PROFILE, **values)


def demo_profile(base: Profile | None = None) -> Profile:
    """The in-process sandbox (``--demo``), keeping a configured demo profile's size and seed."""
    if base is not None and base.demo:
        return base
    return Profile(name=DEMO_PROFILE, endpoint=sandbox_credentials.INPROCESS_BASE_URL, demo=True, source="demo")


def resolve_profile(
    settings: Settings,
    name: str | None = None,
    demo: bool = False,
    *,
    environ: Mapping[str, str] | None = None,
    ovh_conf_paths: Sequence[Path] | None = None,
) -> Profile | None:
    """The profile to use (see the module docstring); None means "not configured"."""
    if demo:
        chosen = name or settings.default_profile
        return demo_profile(settings.profiles.get(chosen) if chosen else None)
    if name == OVH_CONF_PROFILE and name not in settings.profiles:
        found = load_ovh_conf(ovh_conf_paths, environ)
        if found is None:
            raise ConfigError("no credentials in ovh.conf files nor OVH_* environment variables")
        return found
    if name is not None:
        if name not in settings.profiles:
            known = ", ".join(settings.profiles) or "none"
            raise ConfigError(f"{settings.path}: no profile named {name!r} (known: {known})")
        return _complete(settings.profiles[name], environ, ovh_conf_paths)
    if settings.default_profile:
        return _complete(settings.profiles[settings.default_profile], environ, ovh_conf_paths)
    return load_ovh_conf(ovh_conf_paths, environ)


def _complete(profile: Profile, environ: Mapping[str, str] | None, paths: Sequence[Path] | None) -> Profile:
    """Fill the credentials a profile leaves out from its ``ovh_conf`` file (or the usual ones)."""
    if profile.demo or profile.has_credentials:
        return profile
    if profile.ovh_conf:
        conf_path = Path(profile.ovh_conf).expanduser()
        if not conf_path.is_file():
            raise ConfigError(f"profiles.{profile.name}.ovh_conf: no such file {conf_path}")
        found = load_ovh_conf([conf_path], environ={}, endpoint=profile.endpoint)
    else:
        found = load_ovh_conf(paths, environ, endpoint=profile.endpoint)
    if found is None:
        return profile
    missing = {name: getattr(found, name) for name in _CREDENTIAL_FIELDS if not getattr(profile, name)}
    return replace(profile, **missing)


# --- saving --------------------------------------------------------------------------------------


def save_profile(
    profile: Profile, path: str | os.PathLike[str] | None = None, *, make_default: bool | None = None
) -> Path:
    """Write ``[profiles.NAME]`` into the TOML (mode 0600, directory 0700), keeping everything else.

    The rest of the file stays as the user wrote it: comments, order and formatting (a round trip).
    ``make_default`` None sets ``default_profile`` only when none is set yet. Raises :class:`ConfigError`
    when the folder is open to other users' writes (the file holds secrets).
    """
    import tomlkit  # only login writes the config: other commands do not pay for its import

    config_path = locations.config_file(path)
    refuse_shared_folder(config_path)
    document = _read_document(config_path)
    profiles = document.get("profiles")
    if profiles is None:
        profiles = tomlkit.table(is_super_table=True)  # ``[profiles.NAME]`` headers, no bare ``[profiles]``
        document["profiles"] = profiles
    elif not isinstance(profiles, dict):
        raise ConfigError(f"{config_path}: profiles: expected a table")
    _update_table(profiles, profile.name, _profile_table(profile))
    if make_default or (make_default is None and not document.get("default_profile")):
        document["default_profile"] = profile.name
    _write_private(config_path, tomlkit.dumps(document).encode("utf-8"))
    return config_path


def refuse_shared_folder(config_path: Path) -> None:
    """Raise :class:`ConfigError` when others could write into the config's folder (and swap our file)."""
    problem = shared_folder_problem(config_path.parent)
    if problem is not None:
        raise ConfigError(f"refusing to write secrets into {problem}")


def _read_document(path: Path) -> TOMLDocument:
    import tomlkit
    import tomlkit.exceptions

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return tomlkit.parse(text)
    except (tomlkit.exceptions.ParseError, RecursionError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _update_table(parent: Any, name: str, values: dict[str, Any]) -> None:
    """Set ``parent[name]`` to ``values``, editing an existing table in place so its comments stay."""
    table = parent.get(name)
    if not isinstance(table, dict):
        parent[name] = values
        return
    for key in [key for key in table if key not in values]:
        del table[key]
    for key, value in values.items():
        if table.get(key) != value:
            table[key] = value


def _profile_table(profile: Profile) -> dict[str, Any]:
    table: dict[str, Any] = {"endpoint": profile.endpoint}
    for item in fields(Profile):
        if item.name in ("name", "source", "endpoint"):
            continue
        value = getattr(profile, item.name)
        if value is None or value is False:
            continue
        table[item.name] = value
    return table


def _write_private(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through the atomic writer: a random temporary name created exclusively
    (never through a planted link), mode 0600, renamed into place.
    """
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)  # mkdir's mode is masked by the umask
    # Imported here: the writers' package (PDF libraries) is not needed to read a config.
    from ovh_invoices_tui.export.atomic import write_bytes_atomic

    write_bytes_atomic(path, content, overwrite=True, mode=0o600)
