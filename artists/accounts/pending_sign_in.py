"""The sign-in's second step: "the password was right, a second factor is still owed".

That state lives in the signed session under its own key, bound to the account's id, for
SECOND_FACTOR_PENDING_SECONDS; it is never a signed-in session (Flask-Login knows nothing of it), and
finish_sign_in clears it with everything else. Anyone may keep a copy of a signed cookie and send it
again, so the proof that a factor was just enrolled is not a flag in it: it is a row on the server
(SecondStepProof) that the cookie holds the token of, and finishing the sign-in deletes that row in
one conditional DELETE. A replayed cookie, or two racing requests with one, finish at most once. Signed-in sessions carry the time of their last proof
of a second factor, which adding a factor or making new recovery codes asks to be recent.

A signed-in account whose role needs a second factor it does not have is signed out by a request hook
(artists.accounts.security.sign_in.sign_out_accounts_missing_a_factor), and its next sign-in leads to enrolment.
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta
from typing import Any, cast

from flask import current_app, session, url_for
from sqlalchemy import CursorResult, delete

from artists.accounts.services.factors import has_factor
from artists.accounts.services.tokens import hash_token
from artists.models import SecondStepProof, User
from comics import clock
from extensions import db

PENDING = "second_step"
PROVED_AT = "second_factor_proved_at"


def begin(user: User, target: str | None) -> str:
    """Remember that user gave the right password; return where the second step continues.

    The session starts afresh: nothing set before (by anyone) survives into this sign-in.
    """
    session.clear()
    session[PENDING] = {
        "user": user.id,
        "until": time.time() + current_app.config["SECOND_FACTOR_PENDING_SECONDS"],
        "next": target,
    }
    return url_for(next_step(user))


def next_step(user: User) -> str:
    """Return the endpoint of the step a right password leads to: proving a factor, or enrolling a first one."""
    return "security.verify" if has_factor(user.id) else "security.enrol"


def _state() -> dict[str, Any] | None:
    state = session.get(PENDING)
    if not isinstance(state, dict) or not isinstance(state.get("until"), (int, float)) or state["until"] < time.time():
        return None
    return state


def pending_user() -> User | None:
    """Return the active account whose password was just right and whose second factor is owed, or None."""
    state = _state()
    if state is None:
        return None
    user = db.session.get(User, state.get("user"))
    return user if user is not None and user.active else None


def pending_target() -> str | None:
    """Return where the sign-in was going (already checked to be a path on this site)."""
    state = _state()
    return state.get("next") if state else None


def mark_proved() -> None:
    """Note, on the server, that the pending account has just enrolled and proved a new factor; the caller commits.

    The session keeps only the token of that proof, which finish_proof() uses up.
    """
    state = _state()
    if state is None:
        return
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    # Proofs never used (the sign-in abandoned after its recovery codes) go here, not in a sweep.
    db.session.execute(delete(SecondStepProof).where(SecondStepProof.expires_at <= now))
    lifetime = timedelta(seconds=current_app.config["SECOND_FACTOR_PENDING_SECONDS"])
    db.session.add(SecondStepProof(token_hash=hash_token(token), user_id=state["user"], expires_at=now + lifetime))
    session[PENDING] = {**state, "proof": token}


def finish_proof() -> bool:
    """Use up the pending account's proof of a new factor; tell whether it was there to use. The caller commits.

    One conditional DELETE: of two requests with the same cookie, only one finds the row.
    """
    state = _state()
    token = state.get("proof") if state else None
    if state is None or not isinstance(token, str):
        return False
    result = cast(
        "CursorResult[tuple[()]]",
        db.session.execute(
            delete(SecondStepProof)
            .where(
                SecondStepProof.token_hash == hash_token(token),
                SecondStepProof.user_id == state.get("user"),
                SecondStepProof.expires_at > clock.utcnow(),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def forget() -> None:
    """Drop the pending state (the sign-in was abandoned or has finished)."""
    session.pop(PENDING, None)


def note_proof() -> None:
    """Record, in the signed-in session, that its account proved a second factor just now."""
    session[PROVED_AT] = time.time()


def proved_recently() -> bool:
    """Tell whether this signed-in session proved a second factor within SECOND_FACTOR_FRESH_SECONDS."""
    proved_at = session.get(PROVED_AT)
    return isinstance(proved_at, (int, float)) and time.time() - proved_at < current_app.config["SECOND_FACTOR_FRESH_SECONDS"]
