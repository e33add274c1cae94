"""Second factors: the sign-in's second step, enrolment, replays, recovery codes, removal and the limits."""
from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.test import TestResponse

from artists.accounts import pending_sign_in
from artists.accounts.services.factors import add_totp_factor, make_recovery_codes, use_recovery_code
from artists.accounts.services.invitations import create_invitation
from artists.models import Artist, FactorKind, RecoveryCode, Role, SecondFactor, SecondStepProof, SignInSession, User
from comics.audit.models import AuditAction, AuditEntry
from extensions import db
from tests.conftest import make_test_app
from tests.studio_support import (
    PASSWORD,
    TOTP_SECRET,
    make_account,
    make_artist_account,
    pass_second_step,
    problems,
    sign_in,
    totp_code,
)

OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
SETUP_KEY = re.compile(r'<code class="setup-key">([A-Z2-7 ]+)</code>')
RECOVERY_CODES = re.compile(r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>")


def password_step(client: FlaskClient, email: str, target: str = "") -> TestResponse:
    query = f"?next={target}" if target else ""
    return client.post(f"/account/login{query}", data={"email": email, "password": PASSWORD})


def studio_status(client: FlaskClient) -> int:
    return client.get("/studio/").status_code


FACTOR_ACTIONS = (AuditAction.FACTOR_ADD, AuditAction.FACTOR_REMOVE, AuditAction.RECOVERY_CODES)


def audit_actions(user: User) -> list[AuditAction]:
    """Return what the audit log recorded of the account's factors and recovery codes, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "user", AuditEntry.object_id == user.id, AuditEntry.action.in_(FACTOR_ACTIONS))
            .order_by(AuditEntry.id)
        )
    )


def codes_for(user: User) -> list[str]:
    codes = make_recovery_codes(user.id)
    db.session.commit()
    return codes


# --- a password alone never opens a staff studio --------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_a_staff_password_alone_leads_to_the_second_step_not_the_studio(studio_app: Flask, role: Role) -> None:
    make_account("staff@example.org", role)
    client = studio_app.test_client()
    response = password_step(client, "staff@example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/account/verify"
    assert studio_status(client) == 302
    assert client.get("/account/security").status_code == 302
    assert client.get("/studio/people").status_code == 302


@pytest.mark.parametrize("role", [Role.ADMIN, Role.EDITOR])
def test_a_staff_account_without_a_factor_is_led_to_enrolment_and_gets_no_studio(studio_app: Flask, role: Role) -> None:
    make_account("staff@example.org", role, second_factor=False)
    client = studio_app.test_client()
    response = password_step(client, "staff@example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/account/enrol"
    assert client.get("/account/verify").headers["Location"] == "/account/enrol"
    assert studio_status(client) == 302
    # Nothing to finish before a factor is set up and proved.
    assert client.post("/account/enrol/finish").headers["Location"] == "/account/login"
    assert studio_status(client) == 302


def test_the_authenticator_code_signs_in_and_goes_on_to_the_target(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    assert password_step(client, "ed@example.org", "/studio/people").headers["Location"] == "/account/verify"
    page = client.get("/account/verify")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    response = client.post("/account/verify", data={"code": totp_code()})
    assert response.status_code == 303 and response.headers["Location"] == "/studio/people"
    assert studio_status(client) == 200
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == editor.id))
    assert factor is not None and factor.last_used_at is not None


def test_a_wrong_code_is_refused(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    wrong = f"{(int(totp_code()) + 1) % 1_000_000:06d}"
    for code in [wrong, "12345", "abcdef", "0" * 64]:
        response = client.post("/account/verify", data={"code": code})
        assert response.status_code in (400, 401), code
        assert "did not work" in problems(response) or "longer than any code" in problems(response)
    assert studio_status(client) == 302


def test_a_code_from_another_accounts_app_is_refused(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR, second_factor=False)
    editor = db.session.scalar(select(User).where(User.email == "ed@example.org"))
    assert editor is not None
    add_totp_factor(editor, OTHER_SECRET, "Phone", 0)
    db.session.commit()
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": totp_code(TOTP_SECRET)}).status_code == 401
    assert client.post("/account/verify", data={"code": totp_code(OTHER_SECRET)}).status_code == 303


def test_a_used_code_is_refused_when_replayed(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    code = totp_code()
    first = studio_app.test_client()
    password_step(first, "ed@example.org")
    assert first.post("/account/verify", data={"code": code}).status_code == 303
    # The same code, seen over a shoulder or caught by a phishing page, a moment later.
    second = studio_app.test_client()
    password_step(second, "ed@example.org")
    replay = second.post("/account/verify", data={"code": code})
    assert replay.status_code == 401
    assert studio_status(second) == 302


def test_an_older_code_is_refused_after_a_newer_one(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    totp = pyotp.TOTP(TOTP_SECRET)
    now = time.time()
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": totp.at(now + 30)}).status_code == 303
    client.post("/account/logout")
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": totp.at(now)}).status_code == 401


def test_a_recovery_code_signs_in_once(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    codes = codes_for(editor)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    # Typed as people type: upper case, spaces for hyphens.
    response = client.post("/account/verify", data={"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 303
    assert "9 are left" in client.get("/studio/").get_data(as_text=True)
    client.post("/account/logout")
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": codes[0]}).status_code == 401
    assert client.post("/account/verify", data={"code": codes[1]}).status_code == 303


def test_recovery_codes_and_totp_secrets_are_not_stored_in_clear(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    codes = codes_for(editor)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    for code in codes:
        assert all(code not in digest and code.replace("-", "") not in digest for digest in stored)
    sealed = db.session.scalar(select(SecondFactor.totp_secret_sealed))
    assert sealed and TOTP_SECRET not in sealed


def test_another_site_key_cannot_read_the_totp_secret(tmp_path: Path) -> None:
    # A copy of the database without the instance's key yields no codes.
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    app.config["SECRET_KEY"] = "another key"
    client = app.test_client()
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": totp_code()}).status_code == 401


def test_the_second_step_expires(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    with client.session_transaction() as session:
        session[pending_sign_in.PENDING] = {**session[pending_sign_in.PENDING], "until": time.time() - 1}
    response = client.post("/account/verify", data={"code": totp_code()})
    assert response.status_code == 303 and response.headers["Location"] == "/account/login"
    assert studio_status(client) == 302


def test_the_second_step_is_bound_to_the_account_whose_password_was_right(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    other = make_account("other@example.org", Role.EDITOR, second_factor=False)
    add_totp_factor(other, OTHER_SECRET, "Phone", 0)
    db.session.commit()
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    # other's code does not sign ed in, nor other (whose password was never given).
    assert client.post("/account/verify", data={"code": totp_code(OTHER_SECRET)}).status_code == 401
    assert studio_status(client) == 302


def test_second_factor_attempts_are_limited_per_account(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SECOND_FACTOR_RATE_LIMITS="3 per hour")
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    password_step(attacker, "ed@example.org")
    statuses = [attacker.post("/account/verify", data={"code": "000000"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # From another address, the same account is still held back: the count is the account's.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    password_step(elsewhere, "ed@example.org")
    assert elsewhere.post("/account/verify", data={"code": totp_code()}).status_code == 429


def test_a_right_code_does_not_use_up_the_limit(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SECOND_FACTOR_RATE_LIMITS="2 per hour")
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = app.test_client()
    for _ in range(3):
        password_step(client, "ed@example.org")
        assert pass_second_step(client, "ed@example.org").status_code == 303
        client.post("/account/logout")


def test_a_malformed_passkey_answer_is_refused_not_an_error(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    client.get("/account/verify")
    for answer in ["not json", "[]", '{"rawId": "!!"}', '{"id": "a", "rawId": "YQ", "response": {}, "type": "public-key"}']:
        response = client.post("/account/verify", data={"credential": answer})
        assert response.status_code == 401, answer
    assert studio_status(client) == 302


# --- enrolment --------------------------------------------------------------------------------------


def enrol_with_totp(client: FlaskClient) -> tuple[str, TestResponse]:
    """Read the key off the enrolment page and send the code it gives; return that code and the answer."""
    page = client.get("/account/enrol").get_data(as_text=True)
    key = SETUP_KEY.search(page)
    assert key is not None
    code = pyotp.TOTP(key.group(1).replace(" ", "")).now()
    sealed = re.search(r'name="secret" type="hidden" value="([^"]+)"', page)
    assert sealed is not None
    response = client.post("/account/enrol/totp", data={"name": "My phone", "code": code, "secret": html.unescape(sealed.group(1))})
    return code, response


def test_enrolling_an_authenticator_app_shows_recovery_codes_then_opens_the_studio(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR, second_factor=False)
    client = studio_app.test_client()
    password_step(client, "ed@example.org", "/studio/people")
    answer = client.get("/account/enrol")
    assert answer.headers["Cache-Control"] == "private, no-store"  # a key is on it, before any sign-in
    page = answer.get_data(as_text=True)
    # The QR code is drawn here, as markup the CSP allows; the key is shown as text too.
    assert "<svg" in page and 'class="qr-code"' in page and "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "otpauth://totp/" in page
    code, response = enrol_with_totp(client)
    assert response.status_code == 200
    codes = RECOVERY_CODES.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    assert studio_status(client) == 302  # not before the codes were seen and the step finished
    finish = client.post("/account/enrol/finish")
    assert finish.status_code == 303 and finish.headers["Location"] == "/studio/people"
    assert studio_status(client) == 200
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == editor.id))
    assert factor is not None and factor.kind == FactorKind.TOTP and factor.name == "My phone"
    assert audit_actions(editor) == [AuditAction.FACTOR_ADD, AuditAction.RECOVERY_CODES]
    # The code typed at enrolment is spent: it cannot sign in a second device.
    client.post("/account/logout")
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": code}).status_code == 401


def test_a_replayed_enrolment_cookie_opens_no_second_session(studio_app: Flask) -> None:
    """The proof of a new factor is used up on the server: a copy of the cookie that carried it finishes nothing."""
    editor = make_account("ed@example.org", Role.EDITOR, second_factor=False)
    client = studio_app.test_client()
    password_step(client, "ed@example.org", "/studio/people")
    _, enrolled = enrol_with_totp(client)
    assert enrolled.status_code == 200
    name = studio_app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    assert client.post("/account/enrol/finish").headers["Location"] == "/studio/people"

    def open_sessions() -> int:
        return db.session.scalar(select(func.count(SignInSession.id)).where(SignInSession.user_id == editor.id)) or 0

    assert open_sessions() == 1
    for _ in range(2):  # a phishing proxy that kept the cookie, sending it again
        replay = studio_app.test_client()
        replay.set_cookie(name, cookie.value)
        refused = replay.post("/account/enrol/finish")
        assert refused.status_code == 303 and refused.headers["Location"] == "/account/login"
        assert "already finished" in replay.get("/account/login").get_data(as_text=True)
        assert studio_status(replay) == 302 and replay.get("/studio/people").status_code == 302
    assert open_sessions() == 1
    assert db.session.scalar(select(func.count(SecondStepProof.id))) == 0


def test_an_enrolment_proof_is_bound_to_its_own_pending_sign_in(studio_app: Flask) -> None:
    """Another pending sign-in's cookie, with its proof token pasted in, finds no proof of its own."""
    make_account("ed@example.org", Role.EDITOR, second_factor=False)
    make_account("eve@example.org", Role.EDITOR, second_factor=False)
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    enrol_with_totp(client)
    with client.session_transaction() as session:
        token = session[pending_sign_in.PENDING]["proof"]
    other = studio_app.test_client()
    password_step(other, "eve@example.org")
    with other.session_transaction() as session:
        session[pending_sign_in.PENDING] = {**session[pending_sign_in.PENDING], "proof": token}
    assert other.post("/account/enrol/finish").headers["Location"] == "/account/login"
    assert client.post("/account/enrol/finish").headers["Location"] == "/studio/"


def test_enrolment_refuses_a_wrong_code_and_keeps_the_key(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR, second_factor=False)
    client = studio_app.test_client()
    password_step(client, "ed@example.org")
    page = client.get("/account/enrol").get_data(as_text=True)
    key = SETUP_KEY.search(page)
    sealed = re.search(r'name="secret" type="hidden" value="([^"]+)"', page)
    assert key is not None and sealed is not None
    response = client.post("/account/enrol/totp", data={"code": "000000", "secret": html.unescape(sealed.group(1))})
    assert response.status_code == 400 and "not the code the app shows" in problems(response)
    assert key.group(1) in response.get_data(as_text=True)  # no new scan needed
    assert db.session.scalar(select(func.count(SecondFactor.id))) == 0
    # A forged key (not sealed by the site) is refused.
    forged = client.post("/account/enrol/totp", data={"code": pyotp.TOTP(OTHER_SECRET).now(), "secret": OTHER_SECRET})
    assert forged.status_code == 400 and db.session.scalar(select(func.count(SecondFactor.id))) == 0


def test_an_invited_editor_enrols_before_the_studio_opens(studio_app: Flask) -> None:
    admin = make_account("admin@example.org", Role.ADMIN)
    _, token = create_invitation("new@example.org", Role.EDITOR, admin)
    db.session.commit()
    client = studio_app.test_client()
    response = client.post(f"/account/invitation/{token}", data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/account/enrol"
    assert studio_status(client) == 302
    _, enrolled = enrol_with_totp(client)
    assert enrolled.status_code == 200
    assert client.post("/account/enrol/finish").headers["Location"] == "/studio/"
    assert studio_status(client) == 200


def test_a_signed_in_staff_account_that_lost_its_factors_is_signed_out(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    assert studio_status(client) == 200
    # Say, a session from before second factors were required.
    for factor in db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == editor.id)):
        db.session.delete(factor)
    db.session.commit()
    response = client.get("/studio/")
    assert response.status_code == 303 and response.headers["Location"] == "/account/login"
    assert studio_status(client) == 302
    # Ended on the server too: a copy of the cookie opens nothing.
    ended = db.session.scalars(select(SignInSession.revoked_at).where(SignInSession.user_id == editor.id)).all()
    assert ended and all(revoked is not None for revoked in ended)
    assert password_step(client, "ed@example.org").headers["Location"] == "/account/enrol"


# --- artists ----------------------------------------------------------------------------------------


def test_an_artist_without_a_factor_signs_in_with_a_password(studio_app: Flask) -> None:
    make_artist_account("mina")
    client = studio_app.test_client()
    response = password_step(client, "mina@example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/studio/"
    assert studio_status(client) == 200


def test_an_artist_with_a_factor_is_asked_for_it(studio_app: Flask) -> None:
    _, mina = make_artist_account("mina")
    add_totp_factor(mina, TOTP_SECRET, "Phone", 0)
    db.session.commit()
    client = studio_app.test_client()
    assert password_step(client, "mina@example.org").headers["Location"] == "/account/verify"
    assert studio_status(client) == 302
    assert client.post("/account/verify", data={"code": totp_code()}).status_code == 303
    assert studio_status(client) == 200


def test_artists_need_a_factor_when_the_setting_says_so(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, ARTISTS_REQUIRE_SECOND_FACTOR=True)
    with app.app_context():
        mina = Artist(slug="mina", display_name="Mina")
        db.session.add(mina)
        make_account("mina@example.org", Role.ARTIST, mina, second_factor=False)
    client = app.test_client()
    assert password_step(client, "mina@example.org").headers["Location"] == "/account/enrol"
    assert studio_status(client) == 302


# --- the Security page ------------------------------------------------------------------------------


def test_the_security_page_lists_factors_by_name_and_day(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    assert 'href="/account/security"' in client.get("/studio/").get_data(as_text=True)
    page = client.get("/account/security").get_data(as_text=True)
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == editor.id))
    assert factor is not None
    assert "Test phone" in page and "Authenticator app" in page and factor.created_at.strftime("%Y-%m-%d") in page
    assert f"/account/security/factors/{factor.id}/remove" in page


def two_factor_editor(client: FlaskClient) -> tuple[User, SecondFactor, SecondFactor]:
    """An editor with two authenticator apps (TOTP_SECRET, then OTHER_SECRET), signed in on client."""
    editor = make_account("ed@example.org", Role.EDITOR)
    second = add_totp_factor(editor, OTHER_SECRET, "Tablet", 0)
    db.session.commit()
    first = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == editor.id).order_by(SecondFactor.id))
    assert first is not None
    sign_in(client, "ed@example.org")
    return editor, first, second


def factor_exists(factor_id: int) -> bool:
    return db.session.scalar(select(SecondFactor.id).where(SecondFactor.id == factor_id)) is not None


def test_removing_a_factor_needs_another_factor(studio_app: Flask) -> None:
    client = studio_app.test_client()
    editor, first, second = two_factor_editor(client)
    path = f"/account/security/factors/{first.id}/remove"
    assert client.get(path).status_code == 200
    # Neither nothing nor the code of the app being removed will do.
    assert client.post(path, data={}).status_code == 401
    assert client.post(path, data={"code": pyotp.TOTP(TOTP_SECRET).at(time.time() + 30)}).status_code == 401
    assert factor_exists(first.id)
    response = client.post(path, data={"code": totp_code(OTHER_SECRET)})
    assert response.status_code == 303 and response.headers["Location"] == "/account/security"
    assert not factor_exists(first.id) and factor_exists(second.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.FACTOR_REMOVE))
    assert entry is not None and entry.object_id == editor.id and "Test phone" in entry.object_label and "Tablet" in entry.comment


def test_removing_a_factor_with_a_recovery_code(studio_app: Flask) -> None:
    client = studio_app.test_client()
    editor, first, _ = two_factor_editor(client)
    codes = codes_for(editor)
    path = f"/account/security/factors/{first.id}/remove"
    assert client.post(path, data={"code": "aaaa-bbbb-cccc-dddd"}).status_code == 401
    assert factor_exists(first.id)
    assert client.post(path, data={"code": codes[3]}).status_code == 303
    assert not factor_exists(first.id)
    assert not use_recovery_code(editor.id, codes[3])  # spent


def test_someone_elses_factor_is_not_found(studio_app: Flask) -> None:
    other = make_account("other@example.org", Role.EDITOR)
    other_factor = db.session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == other.id))
    client = studio_app.test_client()
    two_factor_editor(client)
    assert client.get(f"/account/security/factors/{other_factor}/remove").status_code == 404
    assert client.get("/account/security/factors/99999999999999999999/remove").status_code == 404


def test_the_last_factor_of_a_staff_account_cannot_be_removed(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    codes = codes_for(editor)
    factor_id = db.session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == editor.id))
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    path = f"/account/security/factors/{factor_id}/remove"
    assert client.get(path).status_code == 409
    assert client.post(path, data={"code": codes[0]}).status_code == 409
    assert factor_id is not None and factor_exists(factor_id)


def test_an_artist_may_remove_a_last_factor_with_a_recovery_code(studio_app: Flask) -> None:
    _, mina = make_artist_account("mina")
    factor = add_totp_factor(mina, TOTP_SECRET, "Phone", 0)
    db.session.commit()
    codes = codes_for(mina)
    client = studio_app.test_client()
    sign_in(client, "mina@example.org")
    assert client.post(f"/account/security/factors/{factor.id}/remove", data={"code": codes[0]}).status_code == 303
    assert not factor_exists(factor.id)
    # The codes stood in for the factor: they go with it, and the password alone signs in again.
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == mina.id)) == 0
    client.post("/account/logout")
    assert password_step(client, "mina@example.org").headers["Location"] == "/studio/"


def test_adding_a_factor_needs_a_recent_proof(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    assert client.get("/account/security/totp").status_code == 200
    with client.session_transaction() as session:
        session[pending_sign_in.PROVED_AT] = time.time() - 3600
    response = client.get("/account/security/totp")
    assert response.status_code == 303 and response.headers["Location"] == "/account/security/confirm?next=/account/security/totp"
    assert client.post(response.headers["Location"], data={"code": "000000"}).status_code == 401
    confirmed = client.post(response.headers["Location"], data={"code": pyotp.TOTP(TOTP_SECRET).at(time.time() + 30)})
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/account/security/totp"
    page = client.get("/account/security/totp").get_data(as_text=True)
    key = SETUP_KEY.search(page)
    sealed = re.search(r'name="secret" type="hidden" value="([^"]+)"', page)
    assert key is not None and sealed is not None
    added = client.post(
        "/account/security/totp",
        data={"name": "Tablet", "code": pyotp.TOTP(key.group(1).replace(" ", "")).now(), "secret": html.unescape(sealed.group(1))},
    )
    # The account had no recovery codes yet: they come with the new factor, shown once.
    assert added.status_code == 200 and len(RECOVERY_CODES.findall(added.get_data(as_text=True))) == 10
    assert [f.name for f in db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == editor.id))] == ["Test phone", "Tablet"]
    assert audit_actions(editor) == [AuditAction.FACTOR_ADD, AuditAction.RECOVERY_CODES]


def test_the_setup_form_posted_twice_adds_the_key_once(studio_app: Flask) -> None:
    """A double click on "Add" finds the key enrolled: one factor, so one code signs in once."""
    editor = make_account("ed@example.org", Role.EDITOR)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    page = client.get("/account/security/totp").get_data(as_text=True)
    key = SETUP_KEY.search(page)
    sealed = re.search(r'name="secret" type="hidden" value="([^"]+)"', page)
    assert key is not None and sealed is not None
    secret = key.group(1).replace(" ", "")
    form = {"name": "Tablet", "code": pyotp.TOTP(secret).now(), "secret": html.unescape(sealed.group(1))}
    assert client.post("/account/security/totp", data=form).status_code == 200
    again = client.post("/account/security/totp", data=form)
    assert again.status_code == 400 and "already set up on your account" in problems(again)
    names = list(db.session.scalars(select(SecondFactor.name).where(SecondFactor.user_id == editor.id).order_by(SecondFactor.id)))
    assert names == ["Test phone", "Tablet"]
    assert audit_actions(editor) == [AuditAction.FACTOR_ADD, AuditAction.RECOVERY_CODES]
    # The code typed to add the app is spent for the key, not for one of two copies of it.
    client.post("/account/logout")
    password_step(client, "ed@example.org")
    assert client.post("/account/verify", data={"code": form["code"]}).status_code == 401


def test_a_key_is_held_once_per_account_even_when_two_posts_race(studio_app: Flask) -> None:
    """The database refuses a second copy of a key, so two posts that both passed the check add one."""
    editor = make_account("ed@example.org", Role.EDITOR)
    add_totp_factor(editor, OTHER_SECRET, "Tablet", 0)
    db.session.commit()
    with pytest.raises(IntegrityError):
        add_totp_factor(editor, OTHER_SECRET, "Tablet again", 0)
    db.session.rollback()
    # Another account may hold the same key: each account's codes are its own.
    other = make_account("other@example.org", Role.EDITOR)
    add_totp_factor(other, OTHER_SECRET, "Tablet", 0)
    db.session.commit()


def test_an_app_never_vouches_for_removing_itself(studio_app: Flask) -> None:
    """A key stored twice before keys were unique: its code cannot remove "another" factor that is itself."""
    client = studio_app.test_client()
    editor, first, _ = two_factor_editor(client)
    # A copy as an older double post left it (the migration keeps one per key; this one it could not read).
    db.session.add(SecondFactor(user_id=editor.id, kind=FactorKind.TOTP, name="Copy", totp_secret_sealed=first.totp_secret_sealed))
    db.session.commit()
    path = f"/account/security/factors/{first.id}/remove"
    assert client.post(path, data={"code": pyotp.TOTP(TOTP_SECRET).at(time.time() + 30)}).status_code == 401
    assert factor_exists(first.id)


def test_new_recovery_codes_replace_the_old_ones(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    old = codes_for(editor)
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post("/account/security/recovery-codes")
    assert response.status_code == 200
    new = RECOVERY_CODES.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert not use_recovery_code(editor.id, old[0])
    assert use_recovery_code(editor.id, new[0])
    assert audit_actions(editor) == [AuditAction.RECOVERY_CODES]
    # Never on a stale proof.
    with client.session_transaction() as session:
        session[pending_sign_in.PROVED_AT] = time.time() - 3600
    stale = client.post("/account/security/recovery-codes")
    assert stale.status_code == 303 and stale.headers["Location"].startswith("/account/security/confirm")


def test_the_relying_party_comes_from_site_url_else_the_request(tmp_path: Path) -> None:
    from artists.accounts.services.passkeys import relying_party

    app = make_test_app(tmp_path)
    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert relying_party() == ("localhost", "http://localhost:5000")
    app.config["SITE_URL"] = "https://freelines.example"
    with app.test_request_context("/", base_url="http://evil.example"):
        assert relying_party() == ("freelines.example", "https://freelines.example")
