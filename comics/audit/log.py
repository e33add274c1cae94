"""The audit log: who submitted, approved, scheduled, published, unpublished or deleted what, and when.

Entries keep a snapshot of the actor's and the object's names, so the log still reads after either is
deleted; it is written in the same transaction as the change it records. Accounts are named by their
display name (User.label) and their id, never by email: artists read these names, and a copy of the
log must not become a list of the people who work here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from artists.models import User
from comics.audit.models import AuditAction, AuditEntry
from extensions import db

# How the studio's audit log names each action (the entries keep the action itself, in any language).
ACTION_LABELS: dict[str, object] = {
    AuditAction.SUBMIT: _l("submitted for review"),
    AuditAction.WITHDRAW: _l("taken back"),
    AuditAction.RETURN: _l("returned"),
    AuditAction.APPROVE: _l("approved"),
    AuditAction.SCHEDULE: _l("scheduled"),
    AuditAction.PUBLISH: _l("published"),
    AuditAction.UNPUBLISH: _l("unpublished"),
    AuditAction.EDIT_PUBLISHED: _l("published episode edited"),
    AuditAction.DELETE: _l("deleted"),
    AuditAction.INVITE: _l("invited"),
    AuditAction.DEACTIVATE: _l("account turned off"),
    AuditAction.REACTIVATE: _l("account turned on"),
    AuditAction.SIGN_IN: _l("signed in"),
    AuditAction.SIGN_OUT: _l("signed out"),
    AuditAction.PASSWORD_CHANGE: _l("password changed"),
    AuditAction.FACTOR_ADD: _l("second factor added"),
    AuditAction.FACTOR_REMOVE: _l("second factor removed"),
    AuditAction.RECOVERY_CODES: _l("recovery codes made"),
    AuditAction.SESSION_REVOKE: _l("session ended"),
    AuditAction.PROFILE_CHANGE: _l("profile changed"),
    AuditAction.LINK_CHANGE: _l("link changed"),
    AuditAction.SERIES_CHANGE: _l("series changed"),
    AuditAction.REVISION_SUBMIT: _l("changes sent for review"),
    AuditAction.REVISION_APPROVE: _l("changes approved"),
    AuditAction.REVISION_RETURN: _l("changes returned"),
    AuditAction.GIVE_PAGE_CHANGE: _l("Give page changed"),
    AuditAction.EDITION_EXPORT: _l("offline edition exported"),
    AuditAction.FLAG_DISMISS: _l("review flag dismissed"),
}


def action_label(action: AuditAction | str) -> str:
    """Return how the audit log names an action, in the page's language (its value when unknown)."""
    return str(ACTION_LABELS.get(action, action))


# What an email address looks like (artists.accounts.services.users.EMAIL_PATTERN), found anywhere in a label.
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def without_addresses(text: str) -> str:
    """Return the text with anything shaped like an email address withheld: the log names, never addresses."""
    return _ADDRESS.sub("(address withheld)", text)


def record(
    user: User | None,
    action: AuditAction,
    object_type: str,
    object_id: int,
    label: str,
    comment: str = "",
    checklist: Sequence[str] | None = None,
) -> AuditEntry:
    """Add an entry to the session; it commits with the change it describes.

    label names the object (a title, a display name, "account 12"), never an email; one that slips
    through is withheld here. checklist is the review items the actor confirmed, if any.
    """
    entry = AuditEntry(
        user=user,
        actor=without_addresses(user.label) if user is not None else "command line",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=without_addresses(label)[:400],
        comment=comment,
        checklist=list(checklist) if checklist is not None else None,
    )
    db.session.add(entry)
    return entry


def history(object_type: str, object_id: int) -> list[AuditEntry]:
    """Return one object's entries, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )


def latest_comment(object_type: str, object_id: int, action: AuditAction) -> AuditEntry | None:
    """Return the newest entry of this action on the object, e.g. the editor's last return note."""
    return db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id, AuditEntry.action == action)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
