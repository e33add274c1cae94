"""`flask reset-factors EMAIL`: the shell's way back for an account that lost every factor and recovery code."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from artists.accounts.services.factors import make_recovery_codes
from artists.models import RecoveryCode, Role, SecondFactor, SignInSession
from comics.audit.models import AuditAction, AuditEntry
from extensions import db
from tests.forms import submit
from tests.studio_support import PASSWORD, make_account, sign_in


def count(model: type[SecondFactor] | type[RecoveryCode] | type[AuditEntry]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_reset_factors_removes_factors_and_codes_ends_sessions_and_logs_it(studio_app: Flask) -> None:
    editor = make_account("ed@example.org", Role.EDITOR)
    make_recovery_codes(editor.id)
    db.session.commit()
    client = studio_app.test_client()
    sign_in(client, "ed@example.org")
    assert client.get("/studio/").status_code == 200

    result = studio_app.test_cli_runner().invoke(args=["reset-factors", "ED@example.org", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Removed 1 second factors and 10 recovery codes of ed@example.org and ended 1 sessions" in result.output
    assert count(SecondFactor) == 0 and count(RecoveryCode) == 0
    revoked = db.session.scalars(select(SignInSession.revoked_at).where(SignInSession.user_id == editor.id)).all()
    assert revoked and all(moment is not None for moment in revoked)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.FACTOR_REMOVE)).one()
    assert (entry.actor, entry.object_id) == ("command line", editor.id)
    assert "reset-factors" in entry.comment and "ed@example.org" not in entry.object_label
    # The old session opens nothing; the password leads the owner to enrol a new factor first.
    assert client.get("/studio/").status_code != 200
    fresh = studio_app.test_client()
    response = submit(fresh, fresh.get("/account/login"), "email", {"email": "ed@example.org", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/enrol")


def test_reset_factors_refuses_an_unknown_email_and_changes_nothing(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    before = (count(SecondFactor), count(AuditEntry))
    result = studio_app.test_cli_runner().invoke(args=["reset-factors", "nobody@example.org", "--yes"])
    assert result.exit_code == 1
    assert "no account has the email nobody@example.org; nothing was changed" in result.output
    assert (count(SecondFactor), count(AuditEntry)) == before


def test_reset_factors_asks_first_and_a_no_changes_nothing(studio_app: Flask) -> None:
    make_account("ed@example.org", Role.EDITOR)
    result = studio_app.test_cli_runner().invoke(args=["reset-factors", "ed@example.org"], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert count(SecondFactor) == 1 and count(AuditEntry) == 0
