"""The audit log's rows: one action on one object, by one account, at one time."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comics.clock import utcnow
from extensions import Model, enum_as_text

if TYPE_CHECKING:
    from artists.models import User


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
    # Accounts and their security (issue 11): recorded by user id, never by address.
    SIGN_IN = "sign-in"
    SIGN_OUT = "sign-out"
    PASSWORD_CHANGE = "password-change"
    FACTOR_ADD = "factor-add"
    FACTOR_REMOVE = "factor-remove"
    RECOVERY_CODES = "recovery-codes"
    SESSION_REVOKE = "session-revoke"
    # Public words and pictures outside episodes: profiles, links and series (issue 11).
    PROFILE_CHANGE = "profile-change"
    LINK_CHANGE = "link-change"
    SERIES_CHANGE = "series-change"
    REVISION_SUBMIT = "revision-submit"
    REVISION_APPROVE = "revision-approve"
    REVISION_RETURN = "revision-return"
    # The organisation's Give page (comics.giving).
    GIVE_PAGE_CHANGE = "give-page-change"
    # Offline editions built in the studio (comics.studio.editions): who exported which series and languages.
    EDITION_EXPORT = "edition-export"
    # A review flag the editor looked at and set aside, with the reason (comics.publishing.flags).
    FLAG_DISMISS = "flag-dismiss"


class AuditEntry(Model):
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
    # The review checklist's items the editor confirmed, word for word, on an approval or a publication.
    checklist: Mapped[list[str] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
