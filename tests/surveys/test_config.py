"""Settings: declared once, documented in the README, safe secrets in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.config import SETTINGS, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec", SETTINGS, ids=lambda spec: spec.env)
def test_every_setting_is_documented_in_the_readme(spec) -> None:
    assert f"`{spec.env}`" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("secret", ["", "changeme", "secret", "short-but-not-placeholder"])
def test_production_refuses_a_missing_or_placeholder_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(SettingsError, match="SESSION_SECRET"):
        load_settings(
            {"APP_ENV": "production", "SESSION_SECRET": secret, "DATA_DIR": str(tmp_path)}
        )


def test_production_accepts_a_long_random_secret(tmp_path: Path) -> None:
    secret = "k" * 48
    settings = load_settings(
        {"APP_ENV": "production", "SESSION_SECRET": secret, "DATA_DIR": str(tmp_path)}
    )
    assert settings.session_secret == secret and settings.is_production


def test_embedded_mode_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings({"DATA_DIR": str(tmp_path)})
    second = load_settings({"DATA_DIR": str(tmp_path)})
    assert len(first.session_secret) >= 32
    assert first.session_secret == second.session_secret
    assert (tmp_path / "session_secret").stat().st_mode & 0o077 == 0


def test_default_database_is_a_sqlite_file_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'app.db'}"
    assert not settings.smtp_configured


@pytest.mark.parametrize(
    ("name", "value"),
    [("SMTP_SECURITY", "tls13"), ("APP_ENV", "prod"), ("SMTP_PORT", "twenty-five")],
)
def test_bad_values_are_refused_with_the_setting_named(tmp_path: Path, name, value) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value, "DATA_DIR": str(tmp_path)})


def test_small_group_setting_seeds_the_organisation_threshold(tmp_path: Path) -> None:
    from surveys.db import read_session
    from surveys.models import OrganisationSettings
    from tests.conftest import make_context

    context = make_context(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", SMALL_GROUP_MIN="7")
    with read_session(context.engine) as session:
        assert session.get(OrganisationSettings, 1).small_group_min == 7
    context.engine.dispose()
