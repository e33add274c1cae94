"""Sign-in sessions kept on the server: opened at sign-in, found on each request, ended by time or revocation.

The session cookie carries a random token; the database keeps only its SHA-256 digest (SignInSession),
so neither a copy of the database nor a copy of a cookie taken before its session ended opens anything.
A session ends when it is revoked (signing out, a password change, the account turned off, "sign out
everywhere else"), after SESSION_IDLE_MINUTES without a request, or SESSION_LIFETIME_HOURS after it
began, whichever comes first. No address or user agent is stored: the owner tells their sessions apart
by the day each began and the day it was last used. Nothing here needs a request.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, not_, select, update
from sqlalchemy.orm import contains_eager

from artists.accounts.services.tokens import hash_token
from artists.models import SignInSession, User
from comics import clock
from extensions import db

# last_seen_at is written at most this often, so a signed-in page costs no write; the idle limit is
# exact to within it.
SEEN_INTERVAL = timedelta(minutes=1)


def _live(now: datetime) -> ColumnElement[bool]:
    """Return the one rule for a session still open at now: not revoked, not idle too long, not too old."""
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    return and_(
        SignInSession.revoked_at.is_(None),
        SignInSession.last_seen_at > now - idle,
        SignInSession.created_at > now - lifetime,
    )


def open_session(user: User) -> str:
    """Add a new session for the account and return the token its cookie is to carry; the caller commits.

    The token is shown to no one else and never stored.
    """
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    db.session.add(SignInSession(token_hash=hash_token(token), user=user, created_at=now, last_seen_at=now))
    return token


def live_session(token: str) -> SignInSession | None:
    """Return the open session of an active account that this token belongs to, or None."""
    return db.session.scalar(
        select(SignInSession)
        .join(SignInSession.user)
        .options(contains_eager(SignInSession.user))
        .where(SignInSession.token_hash == hash_token(token), _live(clock.utcnow()), User.active.is_(True))
    )


def note_seen(sign_in: SignInSession) -> bool:
    """Move the session's last-seen time to now if it is a minute old; tell whether there is a write to commit."""
    now = clock.utcnow()
    if now - sign_in.last_seen_at < SEEN_INTERVAL:
        return False
    sign_in.last_seen_at = now
    return True


def sessions_of(user: User) -> list[SignInSession]:
    """Return the account's open sessions, the newest first."""
    return list(
        db.session.scalars(
            select(SignInSession)
            .where(SignInSession.user_id == user.id, _live(clock.utcnow()))
            .order_by(SignInSession.created_at.desc(), SignInSession.id.desc())
        )
    )


def end_session(sign_in: SignInSession) -> None:
    """Revoke one session at once; the caller commits."""
    sign_in.revoked_at = clock.utcnow()


def end_sessions(user: User, keep: SignInSession | None = None) -> int:
    """Revoke every open session of the account but keep (if given), and return how many; the caller commits."""
    now = clock.utcnow()
    query = update(SignInSession).where(SignInSession.user_id == user.id, _live(now))
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=now), execution_options={"synchronize_session": "fetch"})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # an UPDATE's result has a row count


def forget_ended_sessions() -> None:
    """Delete the rows of sessions that ended, so the database keeps no history of them; the caller commits.

    The audit log keeps the sign-ins and sign-outs themselves.
    """
    db.session.execute(delete(SignInSession).where(not_(_live(clock.utcnow()))), execution_options={"synchronize_session": False})
