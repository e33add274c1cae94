"""Configuration layers and the secret key kept in the instance folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app, instance_secret_key


def test_defaults_use_sqlite_and_media_in_instance_folder() -> None:
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/webtoon.sqlite")
    assert app.config["MEDIA_ROOT"].endswith("instance/media")


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://localhost/elsewhere")
    monkeypatch.setenv("FLASK_EPISODES_PER_PAGE", "7")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://localhost/elsewhere"
    assert app.config["EPISODES_PER_PAGE"] == 7


def test_test_mapping_overrides_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_SITE_NAME", "From the environment")
    app = create_app({"SECRET_KEY": "x", "SITE_NAME": "From the test"})
    assert app.config["SITE_NAME"] == "From the test"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = instance_secret_key(tmp_path)
    second = instance_secret_key(tmp_path)
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_keys_differ_between_instances(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert instance_secret_key(tmp_path / "a") != instance_secret_key(tmp_path / "b")
