"""The audit log: who submitted, approved, scheduled, published, unpublished or deleted what, and when.

Entries keep a snapshot of the actor's and the object's names, so the log still reads after either is
deleted; it is written in the same transaction as the change it records.
"""
from __future__ import annotations

from sqlalchemy import select

from artists.models import User
from comics.publishing.models import AuditAction, AuditEntry
from extensions import db


def record(user: User | None, action: AuditAction, object_type: str, object_id: int, label: str, comment: str = "") -> AuditEntry:
    """Add an entry to the session; it commits with the change it describes."""
    entry = AuditEntry(
        user=user,
        actor=user.label if user is not None else "command line",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:400],
        comment=comment,
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
