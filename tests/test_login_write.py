"""``login`` writing the config: never through a planted link, never into a shared folder, the user's text kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ovh_invoices_tui.cli import main as cli
from ovh_invoices_tui.cli.core import EXIT_CONFIG
from ovh_invoices_tui.config import load_settings

LOGIN = ["--demo", "login", "--profile", "mine", "--poll-interval", "0"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private config folder; ``OVH_INVOICES_CONFIG`` points at ``config.toml`` in it."""
    path = tmp_path / "conf"
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    monkeypatch.setenv("OVH_INVOICES_CONFIG", str(path / "config.toml"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("ovh_invoices_tui.locations.ovh_conf_paths", lambda: [tmp_path / "ovh.conf"])
    return path


def test_a_planted_link_at_the_old_temp_name_is_not_followed(folder: Path, tmp_path: Path) -> None:
    victim = tmp_path / "someone-elses-file"
    victim.write_text("theirs\n")
    (folder / ".config.toml.tmp").symlink_to(victim)
    assert cli.main(LOGIN) == 0
    assert victim.read_text() == "theirs\n"  # not one secret written through the link
    assert (folder / ".config.toml.tmp").is_symlink()
    config = folder / "config.toml"
    assert not config.is_symlink() and oct(config.stat().st_mode & 0o777) == "0o600"
    assert load_settings(config).profiles["mine"].consumer_key
    assert sorted(p.name for p in folder.iterdir()) == [".config.toml.tmp", "config.toml"]  # no temp file left


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777], ids=["0777", "0770", "1777"])
def test_a_folder_others_can_write_to_is_refused_before_any_key_is_asked(
    folder: Path, mode: int, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chmod(folder, mode)
    assert cli.main(LOGIN) == EXIT_CONFIG
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert "refusing to write secrets" in line and str(folder) in line and "chmod 700" in line
    assert "Traceback" not in captured.err and "credentialToken" not in captured.out
    assert list(folder.iterdir()) == []


def test_login_keeps_the_users_comments_order_and_formatting(folder: Path) -> None:
    original = (
        "# my settings, by hand\n"
        'language = "fr"   # French please\n'
        "readonly = false\n"
        "\n"
        "[keymap]\n"
        '"invoices.mark" = "m"  # like mutt\n'
        "\n"
        "[profiles.work]   # the work account\n"
        'endpoint = "ovh-eu"  # EU\n'
        "readonly = true\n"
    )
    config = folder / "config.toml"
    config.write_text(original)
    os.chmod(config, 0o600)
    assert cli.main(LOGIN) == 0
    text = config.read_text()
    assert text.startswith(original.split("[keymap]")[0].rstrip("\n"))  # top-level lines untouched
    for line in original.splitlines():
        assert line in text, line
    assert text.index("[keymap]") < text.index("[profiles.work]") < text.index("[profiles.mine]")
    settings = load_settings(config)
    assert settings.default_profile == "mine" and settings.language == "fr"
    assert settings.profiles["work"].readonly and settings.profiles["mine"].consumer_key

    # Logging in again to the same profile edits it in place: its own comment survives too.
    config.write_text(text.replace("[profiles.mine]", "[profiles.mine]  # demo account"))
    assert cli.main(LOGIN) == 0
    again = config.read_text()
    assert "[profiles.mine]  # demo account" in again and again.count("[profiles.mine]") == 1
    for line in original.splitlines():
        assert line in again, line
