"""Sessions on the server: what ends one, what the cookie carries, the sessions page, the cookie's name."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from artists.models import Role, SignInSession, User
from comics.audit.models import AuditAction, AuditEntry
from extensions import db, login_manager
from tests.conftest import MovableClock, make_test_app
from tests.studio_support import PASSWORD, make_account, make_artist_account, sign_in

MARKER_ADDRESS = "198.51.100.23"
MARKER_AGENT = "MarkerBrowser/7.7 (Pyongyang)"


def session_cookie_value(client: FlaskClient, name: str = "session") -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def copy_of(app: Flask, client: FlaskClient, name: str = "session") -> FlaskClient:
    """Return a new client carrying a copy of the client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(name, session_cookie_value(client, name))
    return thief


def open_sessions(user: User) -> list[SignInSession]:
    return list(db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id, SignInSession.revoked_at.is_(None))))


def test_a_cookie_copied_before_logout_no_longer_opens_the_studio(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    thief = copy_of(studio_app, client)
    assert thief.get("/studio/").status_code == 200  # the copy works while the session lasts
    assert client.post("/account/logout").status_code == 303
    assert thief.get("/studio/").status_code == 302
    assert thief.get("/account/sessions").status_code == 302


def test_a_cookie_copied_before_a_password_change_elsewhere_no_longer_opens_the_studio(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    thief = copy_of(studio_app, client)
    laptop = studio_app.test_client()
    sign_in(laptop, "ed@example.org")
    new_password = "a whole new passphrase here"
    assert laptop.post("/account/password", data={"current_password": PASSWORD, "password": new_password, "confirm": new_password}).status_code == 303
    assert thief.get("/studio/").status_code == 302 and client.get("/studio/").status_code == 302
    assert laptop.get("/studio/").status_code == 200
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == user.id)).all()
    assert AuditAction.PASSWORD_CHANGE in actions and AuditAction.SESSION_REVOKE in actions


def test_a_cookie_copied_before_deactivation_stays_dead_after_reactivation(studio_app: Flask) -> None:
    make_account("admin@example.org", Role.ADMIN)
    _, mina = make_artist_account("mina")
    admin, artist = studio_app.test_client(), studio_app.test_client()
    sign_in(admin, "admin@example.org")
    sign_in(artist, "mina@example.org")
    thief = copy_of(studio_app, artist)
    assert admin.post(f"/studio/people/{mina.id}/deactivate").status_code == 303
    assert thief.get("/studio/").status_code == 302
    assert open_sessions(mina) == []
    # Turned on again, the account signs in afresh: no session of before comes back.
    assert admin.post(f"/studio/people/{mina.id}/reactivate").status_code == 303
    assert thief.get("/studio/").status_code == 302
    sign_in(artist, "mina@example.org")
    assert artist.get("/studio/").status_code == 200


def test_a_session_ends_after_the_idle_limit(studio_app: Flask, site_clock: MovableClock) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    site_clock.move(minutes=29)
    assert client.get("/studio/").status_code == 200  # used: the idle time starts again
    site_clock.move(minutes=29)
    assert client.get("/studio/").status_code == 200
    site_clock.move(minutes=31)
    assert client.get("/studio/").status_code == 302


def test_a_session_ends_at_its_lifetime_however_much_it_is_used(studio_app: Flask, site_clock: MovableClock) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    for _ in range(11 * 3):  # every 20 minutes for 11 hours
        site_clock.move(minutes=20)
        assert client.get("/studio/").status_code == 200
    for minutes in (20, 20, 19):
        site_clock.move(minutes=minutes)
        assert client.get("/studio/").status_code == 200  # at last 11 h 59 min
    site_clock.move(minutes=2)
    assert client.get("/studio/").status_code == 302


def test_the_limits_come_from_the_settings(tmp_path: Path, site_clock: MovableClock) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SESSION_IDLE_MINUTES=5, SESSION_LIFETIME_HOURS=1)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
        client = app.test_client()
        sign_in(client, "ed@example.org")
        site_clock.move(minutes=6)
        assert client.get("/studio/").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(studio_app: Flask, site_clock: MovableClock) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    (record,) = open_sessions(user)
    began = record.last_seen_at
    site_clock.move(seconds=30)
    client.get("/studio/")
    db.session.refresh(record)
    assert record.last_seen_at == began
    site_clock.move(seconds=31)
    client.get("/studio/")
    db.session.refresh(record)
    assert record.last_seen_at == site_clock.now


def test_the_cookie_carries_a_random_token_whose_hash_alone_is_stored(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    contents = studio_app.session_interface.get_signing_serializer(studio_app).loads(session_cookie_value(client))  # type: ignore[attr-defined]
    token = contents["_user_id"]
    assert token != str(user.id) and len(token) >= 40
    (record,) = open_sessions(user)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # No hash of the address and user agent (Flask-Login's session protection), and no remember-me.
    assert "_id" not in contents and "_remember" not in contents
    assert login_manager.session_protection is None
    assert client.get_cookie("remember_token") is None


def test_no_address_or_user_agent_is_kept_or_shown(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    client.environ_base.update(REMOTE_ADDR=MARKER_ADDRESS, HTTP_USER_AGENT=MARKER_AGENT)
    sign_in(client, "ed@example.org")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Your sessions" in page and "This one" in page
    for marker in (MARKER_ADDRESS, "MarkerBrowser", "Pyongyang"):
        assert marker not in page
    assert {column.name for column in SignInSession.__table__.columns} == {
        "id", "token_hash", "user_id", "created_at", "last_seen_at", "revoked_at"
    }
    for entry in db.session.scalars(select(AuditEntry)):
        assert MARKER_ADDRESS not in f"{entry.actor} {entry.object_label} {entry.comment}"


def test_the_sessions_page_shows_days_not_times(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    (record,) = open_sessions(user)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert f"{record.created_at:%Y-%m-%d}" in page
    assert f"{record.created_at:%H:%M}" not in page


def test_sign_out_everywhere_else(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    here, phone, tablet = studio_app.test_client(), studio_app.test_client(), studio_app.test_client()
    for client in (here, phone, tablet):
        sign_in(client, "ed@example.org")
    assert here.get("/account/sessions").get_data(as_text=True).count("Sign it out") == 2
    response = here.post("/account/sessions/others/end")
    assert response.status_code == 303
    assert "Signed out everywhere else (2 sessions)" in here.get("/account/sessions").get_data(as_text=True)
    assert phone.get("/studio/").status_code == 302 and tablet.get("/studio/").status_code == 302
    assert here.get("/studio/").status_code == 200
    assert len(open_sessions(user)) == 1
    revoked = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.SESSION_REVOKE))
    assert revoked is not None and revoked.user_id == user.id and revoked.object_id == user.id


def test_one_session_is_signed_out_from_another(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    here, lost_phone = studio_app.test_client(), studio_app.test_client()
    sign_in(lost_phone, "ed@example.org")
    sign_in(here, "ed@example.org")
    phone_session = min(open_sessions(user), key=lambda record: record.id)
    assert here.post(f"/account/sessions/{phone_session.id}/end").status_code == 303
    assert lost_phone.get("/studio/").status_code == 302
    assert here.get("/studio/").status_code == 200


def test_no_one_ends_another_accounts_session(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    _, mina = make_artist_account("mina")
    editor, artist = studio_app.test_client(), studio_app.test_client()
    sign_in(editor, "ed@example.org")
    sign_in(artist, "mina@example.org")
    (mina_session,) = open_sessions(mina)
    response = editor.post(f"/account/sessions/{mina_session.id}/end")
    assert response.status_code == 303
    assert artist.get("/studio/").status_code == 200
    db.session.refresh(mina_session)
    assert mina_session.revoked_at is None


def test_ending_this_session_from_the_list_signs_out_here(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    (record,) = open_sessions(user)
    response = client.post(f"/account/sessions/{record.id}/end")
    assert response.status_code == 303 and response.headers["Location"] == "/account/login"
    assert client.get("/studio/").status_code == 302


def test_sign_in_and_out_are_audited_by_user_id(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    client.environ_base["REMOTE_ADDR"] = MARKER_ADDRESS
    sign_in(client, "ed@example.org")
    client.post("/account/logout")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(entry.action, entry.user_id, entry.object_type, entry.object_id) for entry in entries] == [
        (AuditAction.SIGN_IN, user.id, "user", user.id),
        (AuditAction.SIGN_OUT, user.id, "user", user.id),
    ]


def test_ended_sessions_are_forgotten_at_the_next_sign_in(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    client.post("/account/logout")
    sign_in(client, "ed@example.org")
    assert len(db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id)).all()) == 1


# --- the cookie's name and flags ----------------------------------------------------------------


def test_an_https_site_names_its_cookie_with_the_host_prefix_and_marks_it_secure(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SITE_URL="https://freelines.example")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    with app.app_context():
        make_artist_account("mina")  # signed in by the password alone (no second factor to give here)
        client = app.test_client()
        response = client.post("/account/login", data={"email": "mina@example.org", "password": PASSWORD}, base_url="https://localhost")
        cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("__Host-session="))
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie and "HttpOnly" in cookie
        device = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("__Host-sign-in-device="))
        assert "Secure" in device and "Domain" not in device
        # The page cache still knows a signed-in reader by the renamed cookie: their pages stay private.
        page = client.get("/", base_url="https://localhost")
        assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"


def test_a_plain_http_site_keeps_a_plain_cookie(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, SITE_URL="http://localhost:5000")
    assert app.config["SESSION_COOKIE_SECURE"] is False and app.config["SESSION_COOKIE_NAME"] == "session"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SITE_URL": "https://freelines.example", "SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is false but SITE_URL is https://freelines.example"),
        ({"SESSION_COOKIE_NAME": "__Host-session", "SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_NAME '__Host-session' needs SESSION_COOKIE_SECURE = true"),
        ({"SESSION_COOKIE_NAME": "__Secure-session", "SESSION_COOKIE_SECURE": False}, "needs SESSION_COOKIE_SECURE = true"),
        ({"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_DOMAIN": "freelines.example"}, "needs SESSION_COOKIE_DOMAIN unset"),
        ({"SESSION_COOKIE_SECURE": "yes"}, "SESSION_COOKIE_SECURE must be true or false"),
        ({"SESSION_IDLE_MINUTES": 0}, "SESSION_IDLE_MINUTES must be a whole number of at least 1, not 0"),
        ({"SESSION_LIFETIME_HOURS": "12"}, "SESSION_LIFETIME_HOURS must be a whole number of at least 1"),
    ],
)
def test_contradictory_cookie_settings_stop_the_app(tmp_path: Path, settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as refusal:
        make_test_app(tmp_path, **settings)
    assert message in str(refusal.value)
