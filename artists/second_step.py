"""The sign-in's second step: "the password was right, a second factor is still owed".

That state lives in the signed session under its own key, bound to the account's id, for
SECOND_FACTOR_PENDING_SECONDS; it is never a signed-in session (Flask-Login knows nothing of it), and
finish_sign_in clears it with everything else. Signed-in sessions carry the time of their last proof
of a second factor, which adding a factor or making new recovery codes asks to be recent.

A signed-in account whose role needs a second factor it does not have is signed out by a request hook
(artists.security.sign_in.sign_out_accounts_missing_a_factor), and its next sign-in leads to enrolment.
"""
from __future__ import annotations

import time
from typing import Any

from flask import current_app, session, url_for

from artists.models import User
from artists.second_factors import has_factor
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
        "proved": False,
    }
    return url_for("security.verify" if has_factor(user.id) else "security.enrol")


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
    """Note that the pending account has just enrolled and proved a new factor."""
    state = _state()
    if state is not None:
        session[PENDING] = {**state, "proved": True}


def is_proved() -> bool:
    """Tell whether the pending account enrolled and proved a factor in this sign-in."""
    state = _state()
    return bool(state and state.get("proved"))


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
