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


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("PANEL_SLICE_HEIGHT", 0, "PANEL_SLICE_HEIGHT must be a whole number from 1 to 16383, not 0"),
        ("PANEL_SLICE_HEIGHT", 20_000, "PANEL_SLICE_HEIGHT must be a whole number from 1 to 16383, not 20000"),
        ("MASTER_MAX_WIDTH", 1.5, "MASTER_MAX_WIDTH must be a whole number from 1 to 16383, not 1.5"),
        ("UPLOAD_MAX_BYTES", "20MB", "UPLOAD_MAX_BYTES must be a whole number of at least 1, not '20MB'"),
        ("UPLOAD_MAX_WIDTH", -1, "UPLOAD_MAX_WIDTH must be a whole number of at least 1, not -1"),
        ("UPLOAD_MAX_FRAMES", True, "UPLOAD_MAX_FRAMES must be a whole number of at least 1, not True"),
        ("RENDITION_WIDTHS", [], "RENDITION_WIDTHS must be a list of widths in pixels"),
        ("RENDITION_WIDTHS", 800, "RENDITION_WIDTHS must be a list of widths in pixels"),
        ("RENDITION_WIDTHS", "480,800", "RENDITION_WIDTHS must be a list of widths in pixels"),
        ("RENDITION_WIDTHS", [0, 800], "each of RENDITION_WIDTHS must be a whole number from 1 to 16383, not 0"),
        ("RENDITION_WIDTHS", [480, 480], "RENDITION_WIDTHS names a width twice"),
    ],
)
def test_a_bad_image_setting_stops_the_app_with_its_name(key: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as refusal:
        create_app({"SECRET_KEY": "x", key: value})
    assert message in str(refusal.value)


def test_image_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from comics.images.setup import ImageSetup

    monkeypatch.setenv("FLASK_UPLOAD_MAX_WIDTH", "4000")
    monkeypatch.setenv("FLASK_UPLOAD_MAX_FRAMES", "10")
    monkeypatch.setenv("FLASK_RENDITION_WIDTHS", "[360, 720]")
    app = create_app({"SECRET_KEY": "x"})
    limits = ImageSetup.of(app).limits
    assert (limits.max_width, limits.max_frames, limits.max_height) == (4000, 10, 60_000)
    assert app.config["RENDITION_WIDTHS"] == [360, 720]


@pytest.mark.parametrize(
    ("languages", "default", "message"),
    [
        (["en", "ko"], "fr", "DEFAULT_LANGUAGE must be one of"),
        ([], "en", "LANGUAGES must be a list"),
        ("en,ko", "en", "LANGUAGES must be a list"),
        (["en", "KO"], "en", "lower-case language code"),
        (["en", "ko/x"], "en", "lower-case language code"),
        (["en", "en"], "en", "names a language twice"),
        (["en", "ko", "fr"], "en", "LANGUAGES names 'fr', which has no locale, native name and Open Graph locale"),
    ],
)
def test_a_bad_language_setting_stops_the_app(tmp_path: Path, languages: object, default: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_app({"TESTING": True, "LANGUAGES": languages, "DEFAULT_LANGUAGE": default, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_third_language_starts_once_it_has_a_locale_and_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without them it refuses to start (above); with them its pages name it and its locale, not its code."""
    import settings
    from web.languages import native_name, og_locale, page_locale

    french = settings.LanguageLocale(native_name="Français", locale="fr_FR", open_graph="fr_FR")
    monkeypatch.setitem(settings.LANGUAGE_LOCALES, "fr", french)
    app = create_app({"TESTING": True, "LANGUAGES": ["en", "ko", "fr"], "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert settings.site_languages() == ["en", "ko", "fr"] and settings.default_language() == "en"
        assert (native_name("fr"), og_locale("fr")) == ("Français", "fr_FR")
    with app.test_request_context("/", environ_overrides={"freelines.language": "fr"}):
        assert page_locale() == "fr_FR"


def test_korean_can_be_the_default_language_at_the_root(tmp_path: Path) -> None:
    from tests.conftest import make_test_app

    client = make_test_app(tmp_path, DEFAULT_LANGUAGE="ko").test_client()
    assert 'lang="ko"' in client.get("/").get_data(as_text=True)
    assert 'lang="en"' in client.get("/en/").get_data(as_text=True)
    assert client.get("/ko/").status_code == 404


HTTPS_SITE = {"SITE_URL": "https://freelines.example", "SECRET_KEY": "k" * 32}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECOND_FACTOR_RATE_LIMITS": "lots"}, "SECOND_FACTOR_RATE_LIMITS must be one or more rate limits"),
        ({"LOGIN_RATE_LIMITS": ""}, "LOGIN_RATE_LIMITS must be one or more rate limits"),
        ({"LOGIN_RATE_LIMITS_PER_IP": 100}, "LOGIN_RATE_LIMITS_PER_IP must be one or more rate limits"),
        ({"LOGIN_RATE_LIMITS": "1000000 per second"}, "LOGIN_RATE_LIMITS allows 1000000 per 1 second, more than 1 attempt a second"),
        ({"LOGIN_RATE_LIMITS_PER_IP": "100 per hour; 5000 per minute"}, "LOGIN_RATE_LIMITS_PER_IP allows 5000 per 1 minute"),
        ({"SECOND_FACTOR_RATE_LIMITS": "0 per minute"}, "SECOND_FACTOR_RATE_LIMITS allows no attempt at all"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY must be true, not False"),
        ({"SESSION_COOKIE_HTTPONLY": "false"}, "SESSION_COOKIE_HTTPONLY must be true, not 'false'"),
        ({"SESSION_COOKIE_SAMESITE": None}, "SESSION_COOKIE_SAMESITE must be 'Lax' or 'Strict', not None"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE must be 'Lax' or 'Strict', not 'None'"),
        ({"SECOND_FACTOR_PENDING_SECONDS": -5}, "SECOND_FACTOR_PENDING_SECONDS must be a whole number of at least 1, not -5"),
        ({"SECOND_FACTOR_FRESH_SECONDS": 0}, "SECOND_FACTOR_FRESH_SECONDS must be a whole number of at least 1, not 0"),
        ({"INVITATION_TTL_HOURS": "72"}, "INVITATION_TTL_HOURS must be a whole number of at least 1, not '72'"),
        ({"SESSION_IDLE_MINUTES": -1}, "SESSION_IDLE_MINUTES must be a whole number of at least 1, not -1"),
        (HTTPS_SITE | {"SECRET_KEY": "x"}, "SECRET_KEY must be at least 32 bytes when SITE_URL is https, not 1"),
        (HTTPS_SITE | {"SECRET_KEY": b"k" * 31}, "SECRET_KEY must be at least 32 bytes when SITE_URL is https, not 31"),
        (HTTPS_SITE | {"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED must be true when SITE_URL is https://freelines.example"),
    ],
)
def test_a_setting_that_weakens_sign_in_stops_the_app_with_its_name(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as refusal:
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"} | settings)
    assert message in str(refusal.value)


@pytest.mark.parametrize(
    "settings",
    [
        {"SITE_URL": "http://localhost:5000", "SECRET_KEY": "x", "RATELIMIT_ENABLED": False},  # `make run`: not public
        HTTPS_SITE | {"LOGIN_RATE_LIMITS": "3600 per hour", "SESSION_COOKIE_SAMESITE": "Strict"},
        {"SITE_URL": "https://freelines.example", "SECRET_KEY": None},  # the instance's generated key
    ],
)
def test_sane_security_settings_start(settings: dict[str, object]) -> None:
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"} | settings)
