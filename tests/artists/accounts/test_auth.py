"""Accounts: hashing, the create-user command, invitations, signing in and out, limits and cookies."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from artists.accounts.services.invitations import create_invitation
from artists.accounts.services.sign_in_limits import FIRST_DELAY_SECONDS
from artists.accounts.services.tokens import hash_token
from artists.accounts.services.users import find_user_by_email
from artists.models import Artist, Invitation, Role, User
from comics.clock import utcnow
from extensions import db
from tests.conftest import MovableClock, SiteBuilder, make_test_app
from tests.forms import submit
from tests.studio_support import (
    PASSWORD,
    https_client,
    make_account,
    make_artist_account,
    pass_second_step,
    sign_in,
    totp_code,
)

CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')


def test_passwords_are_hashed_with_scrypt(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "!")


def test_create_user_reads_the_password_from_stdin(studio_app: Flask) -> None:
    runner = studio_app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Admin@Example.org", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = find_user_by_email("admin@example.org")
    assert user is not None and user.role == Role.ADMIN and user.check_password(PASSWORD)


def test_create_user_links_an_artist_creating_the_profile(studio_app: Flask) -> None:
    runner = studio_app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "mina@example.org", "--role", "artist", "--artist", "mina", "--password-stdin"], input=PASSWORD
    )
    assert result.exit_code == 0, result.output
    user = find_user_by_email("mina@example.org")
    assert user is not None and user.artist is not None and user.artist.slug == "mina"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["nobody", "--role", "editor"], PASSWORD, "not an email address"),
        (["a@example.org", "--role", "editor"], "short", "at least 12 characters"),
        (["a@example.org", "--role", "editor"], "aaaaaaaaaaaa", 'easy to guess. Repeats like "aaa" are easy to guess.'),
        (["a@example.org", "--role", "editor"], "passwordpassword", "easy to guess. Repeats like"),
        # Strong for anyone else, weak for this account: it is made of its own email.
        (["ed.kim@example.org", "--role", "editor"], "ed.kim@example.org 2024", "easy to guess"),
        (["a@example.org", "--role", "artist"], PASSWORD, "needs --artist"),
        (["a@example.org", "--role", "artist", "--artist", "Bad Slug"], PASSWORD, "lower-case"),
        (["a@example.org", "--role", "overlord"], PASSWORD, "Invalid value for '--role'"),
    ],
)
def test_create_user_refuses_bad_input_and_creates_nothing(studio_app: Flask, args: list[str], password: str, message: str) -> None:
    result = studio_app.test_cli_runner().invoke(args=["create-user", *args, "--password-stdin"], input=password)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Artist.id))) == 0


def test_create_user_refuses_a_taken_email(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    result = studio_app.test_cli_runner().invoke(args=["create-user", "ED@example.org", "--role", "admin", "--password-stdin"], input=PASSWORD)
    assert result.exit_code != 0 and "already exists" in result.output


def test_login_and_logout(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    assert client.get("/studio/").status_code == 302
    sign_in(client, "ED@example.org ")
    assert client.get("/studio/").status_code == 200
    assert client.get("/account/logout").status_code == 405  # no state change on GET
    assert client.post("/account/logout").status_code == 303
    assert client.get("/studio/").status_code == 302


@pytest.mark.parametrize("language", ["", "/ko"])
def test_signing_in_over_https_with_the_page_form_in_each_language(tmp_path: Path, site_clock: MovableClock, language: str) -> None:
    """The sign-in form as a browser sends it from its page, with the Referer that page's policy allows:
    Flask-WTF refuses a form sent over https without a same-origin Referer, in every language."""
    app = make_test_app(tmp_path, SITE_URL="https://freelines.example", WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = https_client(app)
    page = client.get(f"{language}/account/login")
    assert page.request.url == f"https://freelines.example{language}/account/login"
    wrong = submit(client, page, "email", {"email": "ed@example.org", "password": "wrong password!"})
    assert wrong.status_code == 401, wrong.get_data(as_text=True)
    site_clock.move(seconds=FIRST_DELAY_SECONDS + 1)  # the wait after a failed attempt (artists.accounts.services.sign_in_limits)
    right = submit(client, wrong, "email", {"email": "ed@example.org", "password": PASSWORD})
    assert right.status_code == 303 and right.headers["Location"] == f"{language}/account/verify"
    with app.app_context():
        signed_in = submit(client, client.get(right.headers["Location"]), "code", {"code": totp_code()})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == f"{language}/studio/"
    assert client.get(f"{language}/studio/").status_code == 200


def strip_token(html: str) -> str:
    return CSRF_VALUE.sub("", html)


def test_failed_login_answer_is_the_same_for_unknown_email_and_wrong_password(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = app.test_client()
    wrong_password = client.post("/account/login", data={"email": "ed@example.org", "password": "wrong password!"})
    unknown_email = client.post("/account/login", data={"email": "nobody@example.org", "password": "wrong password!"})
    assert wrong_password.status_code == unknown_email.status_code == 401
    # The pages differ only in the email typed back into the form.
    assert strip_token(wrong_password.get_data(as_text=True)).replace("ed@example.org", "X") == strip_token(
        unknown_email.get_data(as_text=True)
    ).replace("nobody@example.org", "X")
    assert "do not match an account" in wrong_password.get_data(as_text=True)


def test_a_turned_off_account_cannot_sign_in(studio_app: Flask) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    user.active = False
    db.session.commit()
    response = studio_app.test_client().post("/account/login", data={"email": "ed@example.org", "password": PASSWORD})
    assert response.status_code == 401


def test_login_redirects_only_to_local_paths(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    for target, expected in [("/studio/people", "/studio/people"), ("https://evil.example/", "/studio/"), ("//evil.example/", "/studio/")]:
        client.post(f"/account/login?next={target}", data={"email": "ed@example.org", "password": PASSWORD})
        # The target waits through the second factor (tests/artists/test_second_factors.py).
        response = pass_second_step(client, "ed@example.org")
        assert response.headers["Location"] == expected
        client.post("/account/logout")


def test_login_is_rate_limited_without_locking_the_owner_out(tmp_path: Path, site_clock: MovableClock) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMITS="3 per hour", LOGIN_RATE_LIMITS_PER_IP="50 per hour")
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    attacker = app.test_client()
    attacker_ip = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = []
    for _ in range(4):
        site_clock.move(minutes=2)  # past the email's growing delay (test_sign_in_limits), to meet this limit
        statuses.append(attacker.post("/account/login", data={"email": "ed@example.org", "password": "guess"}, environ_base=attacker_ip).status_code)
    assert statuses == [401, 401, 401, 429]
    blocked = attacker.post("/account/login", data={"email": "ed@example.org", "password": PASSWORD}, environ_base=attacker_ip)
    assert blocked.status_code == 429
    assert "Too many sign-in attempts" in blocked.get_data(as_text=True)
    assert "Retry-After" in blocked.headers
    # The owner, from their own connection, still signs in.
    owner = app.test_client()
    response = owner.post("/account/login", data={"email": "ed@example.org", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 303


def test_the_per_address_limit_stops_spraying_many_emails(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMITS="3 per hour", LOGIN_RATE_LIMITS_PER_IP="5 per hour")
    client = app.test_client()
    # Addresses of their own in each limit test: under Redis, counters outlive one test's app.
    spray = {"REMOTE_ADDR": "192.0.2.55"}
    statuses = [
        client.post("/account/login", data={"email": f"u{i}@example.org", "password": "guess"}, environ_base=spray).status_code
        for i in range(6)
    ]
    assert statuses == [401] * 5 + [429]


def test_successful_logins_do_not_use_up_the_limit(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMITS="2 per hour")
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.56"
    for _ in range(4):
        assert client.post("/account/login", data={"email": "ed@example.org", "password": PASSWORD}).status_code == 303
        client.post("/account/logout")


@pytest.mark.redis
def test_the_limit_is_shared_through_redis_when_configured(tmp_path: Path, site_clock: MovableClock) -> None:
    from tests.engines import redis_url_or_skip

    url = redis_url_or_skip()
    address = {"REMOTE_ADDR": "192.0.2.57"}
    email = f"{secrets.token_hex(6)}@example.org"  # counters in Redis outlive this test: start clean
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = make_test_app(tmp_path / "a", WTF_CSRF_ENABLED=False, RATELIMIT_STORAGE_URI=url, LOGIN_RATE_LIMITS="2 per hour")
    second = make_test_app(tmp_path / "b", WTF_CSRF_ENABLED=False, RATELIMIT_STORAGE_URI=url, LOGIN_RATE_LIMITS="2 per hour")
    # Two workers, one count: failures on the first make the second answer 429.
    for _ in range(2):
        site_clock.move(minutes=2)  # past the email's growing delay
        assert first.test_client().post("/account/login", data={"email": email, "password": "guess"}, environ_base=address).status_code == 401
    site_clock.move(minutes=2)
    assert second.test_client().post("/account/login", data={"email": email, "password": "guess"}, environ_base=address).status_code == 429


def test_an_unknown_email_costs_a_password_hash_too(studio_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from artists.accounts.services import users

    checked: list[str] = []
    real = users.check_password_hash

    def counting_check(hashed: str, password: str) -> bool:
        checked.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(users, "check_password_hash", counting_check)
    assert users.authenticate("nobody@example.org", "whatever password") is None
    assert len(checked) == 1 and checked[0].startswith("scrypt:")


def session_cookie(response: TestResponse, name: str = "session") -> str:
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}="))


def test_session_cookie_is_httponly_and_lax(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    response = studio_app.test_client().post("/account/login", data={"email": "ed@example.org", "password": PASSWORD})
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    response = app.test_client().post("/account/login", data={"email": "ed@example.org", "password": PASSWORD}, base_url="https://localhost")
    # Secure, so named with the __Host- prefix: only this host, over https, may set it (test_sessions).
    assert "Secure" in session_cookie(response, "__Host-session")


def test_signed_in_pages_are_private_and_never_stored(studio_app: Flask, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series)
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    for path in ["/studio/", "/", "/series/river/1/", "/artists/mina/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_anonymous_reader_gets_no_cookie(studio_app: Flask, site: SiteBuilder) -> None:
    series = site.series()
    site.episode(series)
    client = studio_app.test_client()
    for path in ["/", "/series/river/", "/series/river/1/"]:
        assert "Set-Cookie" not in client.get(path).headers, path


def test_changing_the_password_signs_out_other_sessions(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    laptop, phone = studio_app.test_client(), studio_app.test_client()
    sign_in(laptop, "ed@example.org")
    sign_in(phone, "ed@example.org")
    new_password = "a whole new passphrase here"
    response = laptop.post(
        "/account/password", data={"current_password": PASSWORD, "password": new_password, "confirm": new_password}
    )
    assert response.status_code == 303
    assert laptop.get("/studio/").status_code == 200
    assert phone.get("/studio/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "wrong one", "password": "a whole new passphrase", "confirm": "a whole new passphrase"}, "not your current password"),
        ({"current_password": PASSWORD, "password": "short", "confirm": "short"}, "at least 12 characters"),
        ({"current_password": PASSWORD, "password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "easy to guess. Repeats like &#34;aaa&#34;"),
        ({"current_password": PASSWORD, "password": "passwordpassword", "confirm": "passwordpassword"}, "easy to guess. Repeats like"),
        # Strong for anyone else, weak for this account: it is made of its own email.
        ({"current_password": PASSWORD, "password": "ed@example.org 2024", "confirm": "ed@example.org 2024"}, "easy to guess"),
        ({"current_password": PASSWORD, "password": "a whole new passphrase", "confirm": "something else entirely"}, "not the same"),
    ],
)
def test_password_change_refusals(studio_app: Flask, data: dict[str, str], message: str) -> None:
    user = make_account("ed@example.org", Role.EDITOR)
    old_hash = user.password_hash
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post("/account/password", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


# ----- invitations ---------------------------------------------------------------------------------

def test_invitation_token_is_stored_hashed_and_works_once(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    invitation, token = create_invitation("new@example.org", Role.ARTIST, editor)
    db.session.commit()
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    client = studio_app.test_client()
    page = client.get(f"/account/invitation/{token}")
    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    response = client.post(
        f"/account/invitation/{token}", data={"display_name": "Hana Park", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 303
    user = find_user_by_email("new@example.org")
    assert user is not None and user.role == Role.ARTIST and user.artist is not None
    assert user.artist.display_name == "Hana Park" and user.artist.slug == "hana-park"
    assert client.get("/studio/").status_code == 200
    # Used: the same link now fails, for anyone.
    again = studio_app.test_client().post(
        f"/account/invitation/{token}", data={"display_name": "Other", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert again.status_code == 404 and "expired, was already used" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_expired_and_unknown_invitations_are_refused(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    invitation, token = create_invitation("new@example.org", Role.EDITOR, editor)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client = studio_app.test_client()
    assert client.get(f"/account/invitation/{token}").status_code == 404
    assert client.post(f"/account/invitation/{token}", data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 404
    assert client.get("/account/invitation/not-a-token").status_code == 404
    assert find_user_by_email("new@example.org") is None


def test_accepting_needs_a_strong_password_and_a_name(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    _, token = create_invitation("new@example.org", Role.ARTIST, editor)
    db.session.commit()
    client = studio_app.test_client()
    short = client.post(f"/account/invitation/{token}", data={"display_name": "Hana", "password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    for weak in ("aaaaaaaaaaaa", "passwordpassword", "hanapark19901990"):  # the last: strong, but for Hana Park
        refused = client.post(f"/account/invitation/{token}", data={"display_name": "Hana Park", "password": weak, "confirm": weak})
        assert refused.status_code == 400 and "easy to guess" in refused.get_data(as_text=True), weak
    nameless = client.post(f"/account/invitation/{token}", data={"display_name": "", "password": PASSWORD, "confirm": PASSWORD})
    assert nameless.status_code == 400 and "Choose the name readers will see" in nameless.get_data(as_text=True)
    assert find_user_by_email("new@example.org") is None
    assert db.session.scalar(select(Invitation.used_at)) is None


def test_an_invitation_can_hand_over_an_existing_profile(studio_app: Flask) -> None:
    admin = make_account("admin@example.org", Role.ADMIN)
    artist = Artist(slug="mina", display_name="Mina")
    db.session.add(artist)
    _, token = create_invitation("mina@example.org", Role.ARTIST, admin, artist=artist)
    db.session.commit()
    response = studio_app.test_client().post(f"/account/invitation/{token}", data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303
    user = find_user_by_email("mina@example.org")
    assert user is not None and user.artist_id == artist.id


def test_studio_invite_page_shows_the_link_once(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post("/studio/people/invite", data={"email": "new@example.org", "role": "artist", "artist": ""})
    assert response.status_code == 201
    link = re.search(r'value="(http://localhost/account/invitation/[^"]+)"', response.get_data(as_text=True))
    assert link is not None
    token = link.group(1).rsplit("/", 1)[1]
    assert token not in client.get("/studio/people").get_data(as_text=True)
    assert db.session.scalar(select(Invitation.token_hash)) == hash_token(token)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an email", "role": "artist", "artist": ""}, "Enter an email address"),
        ({"email": "ed@example.org", "role": "artist", "artist": ""}, "already exists"),
        ({"email": "x@example.org", "role": "admin", "artist": ""}, "Choose a role."),
    ],
)
def test_editor_invitation_refusals(studio_app: Flask, data: dict[str, str], message: str) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post("/studio/people/invite", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


def test_admin_may_invite_an_editor_and_revoke_it(studio_app: Flask) -> None:
    make_account("admin@example.org", Role.ADMIN)
    client = studio_app.test_client()
    sign_in(client, "admin@example.org")
    assert client.post("/studio/people/invite", data={"email": "new@example.org", "role": "editor", "artist": ""}).status_code == 201
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None and invitation.role == Role.EDITOR
    assert client.post(f"/studio/invitations/{invitation.id}/revoke").status_code == 303
    db.session.refresh(invitation)
    assert invitation.state == "revoked"


def test_admin_turns_an_account_off_and_it_is_signed_out(studio_app: Flask) -> None:
    make_account("admin@example.org", Role.ADMIN)
    _, mina = make_artist_account("mina")
    admin, artist = studio_app.test_client(), studio_app.test_client()
    sign_in(admin, "admin@example.org")
    sign_in(artist, "mina@example.org")
    assert admin.post(f"/studio/people/{mina.id}/deactivate").status_code == 303
    assert artist.get("/studio/").status_code == 302
    refused = admin.post(f"/studio/people/{db.session.scalar(select(User.id).where(User.email == 'admin@example.org'))}/deactivate")
    assert refused.status_code == 400 and "your own account" in refused.get_data(as_text=True)
