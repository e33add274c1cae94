"""The way back for someone who lost every second factor and recovery code (`flask reset-factors EMAIL`, cli.py).

Only an operator at the shell can do it, never a page: a form that removed factors would be the first
thing a phishing proxy asked for. It removes the account's authenticator apps, passkeys, recovery codes
and any pending proof of a second step, ends every open session (a session elsewhere may be the one
that stole the factors' place), and writes the audit log. The password stays: the owner signs in with
it and, when their role needs a factor, enrols a new one before anything else opens. Should the
password be known to someone else too, set a new one first, or they may enrol before the owner does.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from artists.accounts.services.sessions import end_sessions
from artists.models import RecoveryCode, SecondFactor, SecondStepProof, User
from comics.audit.log import record
from comics.audit.models import AuditAction
from extensions import db


@dataclass(frozen=True)
class FactorReset:
    """What a reset removed and ended."""

    factors: int
    recovery_codes: int
    sessions: int


def reset_factors(user: User) -> FactorReset:
    """Remove every factor and recovery code of the account, end its sessions and log it; the caller commits."""
    factors = db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    codes = db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    db.session.execute(delete(SecondStepProof).where(SecondStepProof.user_id == user.id))
    sessions = end_sessions(user)
    done = FactorReset(factors=int(factors or 0), recovery_codes=int(codes or 0), sessions=sessions)
    record(
        None, AuditAction.FACTOR_REMOVE, "user", user.id, user.label,
        f"every factor reset at the shell (reset-factors): {done.factors} factors, {done.recovery_codes} "
        f"recovery codes, {done.sessions} sessions ended",
    )
    return done
