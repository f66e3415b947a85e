"""Settings, profiles, ovh.conf / OVH_* precedence, saving with private permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ovh_invoices_tui import locations
from ovh_invoices_tui.config import (
    ConfigError,
    Profile,
    load_ovh_conf,
    load_settings,
    resolve_profile,
    save_profile,
)

NO_ENV: dict[str, str] = {}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_is_empty_settings(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.profiles == {} and settings.default_profile is None
    assert resolve_profile(settings, environ=NO_ENV, ovh_conf_paths=[]) is None


def test_env_var_overrides_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(tmp_path / "env.toml"))
    assert locations.config_file() == tmp_path / "env.toml"
    assert locations.config_file(tmp_path / "flag.toml") == tmp_path / "flag.toml"
    monkeypatch.delenv("OVH_INVOICES_CONFIG")
    assert locations.config_file().name == "config.toml"


def test_full_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        """
default_profile = "work"
language = "fr"
readonly = true
download_dir = "~/invoices"
[keymap]
"invoices.pay" = "ctrl+y"
[profiles.work]
endpoint = "ovh-ca"
application_key = "ak"
application_secret = "as-secret"
consumer_key = "ck-secret"
language = "en"
[profiles.local]
endpoint = "http://127.0.0.1:8080/1.0"
client_id = "cid"
client_secret = "cs-secret"
[profiles.play]
demo = true
sandbox_bills = 2000
sandbox_seed = 7
""",
    )
    settings = load_settings(path)
    assert settings.language == "fr" and settings.readonly
    assert settings.download_dir == Path("~/invoices").expanduser()
    assert settings.keymap == {"invoices.pay": "ctrl+y"}
    work = resolve_profile(settings, environ=NO_ENV, ovh_conf_paths=[])
    assert work is not None and work.name == "work"
    assert work.base_url == "https://ca.api.ovh.com/1.0" and work.has_credentials
    for secret in ("as-secret", "ck-secret"):
        assert secret not in repr(work)
    local = resolve_profile(settings, "local")
    assert local is not None and local.uses_oauth2
    assert local.token_url == "http://127.0.0.1:8080/auth/oauth2/token"
    assert "cs-secret" not in repr(local) and "cs-secret" not in repr(settings)
    play = resolve_profile(settings, "play")
    assert play is not None and play.demo and play.sandbox_bills == 2000
    demo = resolve_profile(settings, demo=True)
    assert demo is not None and demo.demo


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("readonly = 'yes'", "readonly: expected true or false"),
        ("language = 'de'", "language: expected one of en, fr"),
        ("default_profile = 'nope'", "default_profile: no profile named 'nope'"),
        ("[profiles.x]\nendpoint = 'ovh-mars'", "profiles.x.endpoint: unknown endpoint"),
        ("[profiles.x]\nsandbox_bills = -1", "profiles.x.sandbox_bills"),
        ("[profiles.x]\napplication_kee = 'a'", "profiles.x.application_kee: unknown setting"),
        ("[keymap]\n'a.b' = 1", "keymap.a.b"),
        ("this is = not toml [", "invalid TOML"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)
    assert needle in str(caught.value)


def test_unknown_profile_name(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path / "c.toml", "[profiles.a]\n"))
    with pytest.raises(ConfigError, match="no profile named 'b'"):
        resolve_profile(settings, "b")


def test_ovh_conf_files_lowest_priority_first(tmp_path: Path) -> None:
    system = write(
        tmp_path / "etc.conf",
        "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=sys-ak\napplication_secret=sys-as\n"
        "consumer_key=sys-ck\n",
    )
    user = write(tmp_path / "home.conf", "[ovh-eu]\napplication_key=user-ak\n")
    local = write(tmp_path / "local.conf", "[ovh-eu]\nconsumer_key=local-ck\n")
    profile = load_ovh_conf([system, user, local, tmp_path / "missing.conf"], environ=NO_ENV)
    assert profile is not None
    assert (profile.application_key, profile.application_secret, profile.consumer_key) == (
        "user-ak",
        "sys-as",
        "local-ck",
    )
    assert profile.name == "ovh.conf" and profile.endpoint == "ovh-eu"


def test_env_overrides_ovh_conf(tmp_path: Path) -> None:
    conf = write(
        tmp_path / "ovh.conf",
        "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=a\napplication_secret=b\nconsumer_key=c\n"
        "[ovh-ca]\nclient_id=ca-id\nclient_secret=ca-secret\n",
    )
    env = {"OVH_ENDPOINT": "ovh-ca", "OVH_CLIENT_SECRET": "env-secret"}
    profile = load_ovh_conf([conf], environ=env)
    assert profile is not None and profile.endpoint == "ovh-ca"
    assert (profile.client_id, profile.client_secret) == ("ca-id", "env-secret")
    assert profile.uses_oauth2


def test_env_only_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"OVH_APPLICATION_KEY": "a", "OVH_APPLICATION_SECRET": "b", "OVH_CONSUMER_KEY": "c"}.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(tmp_path / "c.toml")
    profile = resolve_profile(settings, ovh_conf_paths=[tmp_path / "ovh.conf"])
    assert profile is not None and profile.source == "ovh.conf" and profile.endpoint == "ovh-eu"
    assert profile.has_credentials


def test_default_ovh_conf_paths_follow_home_and_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write(home / ".ovh.conf", "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=home-ak\nconsumer_key=home-ck\n")
    write(work / "ovh.conf", "[ovh-eu]\napplication_key=cwd-ak\napplication_secret=cwd-as\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    profile = load_ovh_conf(environ=NO_ENV)
    assert profile is not None
    assert (profile.application_key, profile.application_secret, profile.consumer_key) == (
        "cwd-ak",
        "cwd-as",
        "home-ck",
    )


def test_profile_precedence(tmp_path: Path) -> None:
    conf = write(tmp_path / "ovh.conf", "[ovh-eu]\napplication_key=c\napplication_secret=c\nconsumer_key=c\n")
    text = (
        "default_profile = 'b'\n"
        "[profiles.a]\napplication_key='a'\napplication_secret='a'\nconsumer_key='a'\n"
        "[profiles.b]\napplication_key='b'\napplication_secret='b'\nconsumer_key='b'\n"
    )
    settings = load_settings(write(tmp_path / "c.toml", text))
    assert resolve_profile(settings, "a", ovh_conf_paths=[conf], environ=NO_ENV).name == "a"  # type: ignore[union-attr]
    assert resolve_profile(settings, ovh_conf_paths=[conf], environ=NO_ENV).name == "b"  # type: ignore[union-attr]
    without_default = load_settings(write(tmp_path / "d.toml", "[profiles.a]\n"))
    fallback = resolve_profile(without_default, ovh_conf_paths=[conf], environ=NO_ENV)
    assert fallback is not None and fallback.name == "ovh.conf"


def test_profile_with_ovh_conf_path(tmp_path: Path) -> None:
    conf = write(tmp_path / "team.conf", "[ovh-ca]\napplication_key=t\napplication_secret=ts\nconsumer_key=tc\n")
    text = f"[profiles.team]\nendpoint = 'ovh-ca'\novh_conf = '{conf}'\n"
    settings = load_settings(write(tmp_path / "c.toml", text))
    profile = resolve_profile(settings, "team", environ={"OVH_CONSUMER_KEY": "ignored"})
    assert profile is not None and profile.consumer_key == "tc" and profile.has_credentials


def test_save_profile_private_and_keeps_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    profile = Profile(name="main", endpoint="ovh-eu", application_key="ak", application_secret="as", consumer_key="ck")
    save_profile(profile, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    settings = load_settings(path)
    assert settings.default_profile == "main"
    assert settings.profiles["main"].consumer_key == "ck"
    # a second profile keeps the first, and the default
    path.write_text("language = 'fr'\n" + path.read_text())
    save_profile(Profile(name="other", readonly=True), path)
    settings = load_settings(path)
    assert set(settings.profiles) == {"main", "other"}
    assert settings.default_profile == "main" and settings.language == "fr"
    assert settings.profiles["other"].readonly
    save_profile(Profile(name="other"), path, make_default=True)
    assert load_settings(path).default_profile == "other"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_default_download_dir_is_never_the_bare_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = Path.home()  # the isolated user's
    # no ~/Downloads yet: still the downloads folder (created by whatever writes there first), not $HOME
    monkeypatch.setattr(locations.platformdirs, "user_downloads_dir", lambda: str(home / "Downloads"))
    assert locations.default_download_dir() == home / "Downloads"
    assert load_settings(tmp_path / "none.toml").download_dir == home / "Downloads"
    assert not (home / "Downloads").exists()  # reading the settings writes nothing
    # an XDG download folder of its own is followed
    monkeypatch.setattr(locations.platformdirs, "user_downloads_dir", lambda: str(home / "Téléchargements"))
    assert locations.default_download_dir() == home / "Téléchargements"
    # user-dirs.dirs pointing at the home itself (or nothing usable): ~/Downloads instead
    for odd in (str(home), f"{home}/", "", "relative"):
        monkeypatch.setattr(locations.platformdirs, "user_downloads_dir", lambda odd=odd: odd)
        assert locations.default_download_dir() == home / "Downloads"


def test_default_download_dir_follows_xdg_user_dirs() -> None:
    home = Path.home()  # the isolated user's, whose XDG_CONFIG_HOME is ~/.config
    write(home / ".config" / "user-dirs.dirs", 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n')
    if locations.platformdirs.user_downloads_dir() == str(home / "Téléchargements"):  # Linux / BSD
        assert locations.default_download_dir() == home / "Téléchargements"
    assert locations.default_download_dir() != home
