"""The audit log: who submitted, approved, scheduled, published, unpublished or deleted what, and when.

Entries keep a snapshot of the actor's and the object's names, so the log still reads after either is
deleted; it is written in the same transaction as the change it records.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comics.clock import utcnow
from extensions import db, enum_as_text

if TYPE_CHECKING:
    from artists.accounts import User


class AuditAction(enum.StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"
    APPROVE = "approve"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    EDIT_PUBLISHED = "edit-published"
    DELETE = "delete"
    INVITE = "invite"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"


class AuditEntry(db.Model):
    """One action on one object, by one account, at one time, with an optional comment."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(400))
    action: Mapped[AuditAction] = mapped_column(
        enum_as_text(AuditAction)
    )
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    object_label: Mapped[str] = mapped_column(String(400))
    comment: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()


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
