"""Artist profiles and the ordered links supporters follow; the accounts that sign in, and invitations.

Passwords are hashed with scrypt (memory-hard); invitation tokens are stored only as SHA-256 digests,
so a leaked database cannot be turned into accounts.
"""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from comics.clock import utcnow
from extensions import Model, enum_as_text

if TYPE_CHECKING:
    from comics.images.models import StoredImage
    from comics.models import Series

PASSWORD_METHOD = "scrypt"


class Artist(Model):
    """A person who publishes here, under a pen name if they wish: no legal name is ever asked."""

    __tablename__ = "artist"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    bio_markdown: Mapped[str] = mapped_column(Text, default="")
    avatar_id: Mapped[int | None] = mapped_column(ForeignKey("stored_image.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    avatar: Mapped[StoredImage | None] = relationship()
    links: Mapped[list[ArtistLink]] = relationship(
        back_populates="artist", order_by="ArtistLink.position", cascade="all, delete-orphan"
    )
    series: Mapped[list[Series]] = relationship(back_populates="artist", order_by="Series.title")

    @property
    def primary_link(self) -> ArtistLink | None:
        """Return the link the artist marked primary, else their first support link."""
        marked = [link for link in self.links if link.is_primary]
        if marked:
            return marked[0]
        support = [link for link in self.links if link.kind == LinkKind.SUPPORT]
        return support[0] if support else None


class LinkKind(enum.StrEnum):
    SUPPORT = "support"
    SOCIAL = "social"
    WEBSITE = "website"
    SHOP = "shop"


class ArtistLink(Model):
    """A support, social, website or shop link, in the order the artist chose."""

    __tablename__ = "artist_link"
    __table_args__ = (Index("ix_artist_link_artist_id_position", "artist_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"))
    kind: Mapped[LinkKind] = mapped_column(
        enum_as_text(LinkKind)
    )
    label: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(2000))
    position: Mapped[int] = mapped_column(default=0)
    is_primary: Mapped[bool] = mapped_column(default=False)

    artist: Mapped[Artist] = relationship(back_populates="links")


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    ARTIST = "artist"


class User(UserMixin, Model):
    """A person who signs in: an admin, an editor, or an artist linked to their profile."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_as_text(Role))
    # Admins and editors may also publish as an artist (a single-artist site run by its artist).
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artist.id", ondelete="SET NULL"), unique=True)
    # What the session cookie carries instead of the id: rotating it signs out every session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_hex(32))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    artist: Mapped[Artist | None] = relationship()

    def set_password(self, password: str) -> None:
        """Hash and store a new password, signing out the account's other sessions."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        """Tell whether the password is this account's."""
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Invalidate every session signed in as this account."""
        self.session_token = secrets.token_hex(32)

    def get_id(self) -> str:
        """Return what Flask-Login keeps in the session: the rotating token, never the plain id."""
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        """Tell whether this account reviews and publishes everyone's work."""
        return self.role in (Role.ADMIN, Role.EDITOR)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def label(self) -> str:
        """Return how the account is named in the studio and the audit log."""
        return f"{self.artist.display_name} ({self.email})" if self.artist else self.email


class Invitation(Model):
    """A single-use, expiring link that lets one person create an account with a given role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(enum_as_text(Role))
    # An existing profile the new account takes over; None for an artist means a new profile.
    artist_id: Mapped[int | None] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    artist: Mapped[Artist | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def state(self) -> str:
        """Return "used", "revoked", "expired" or "open"."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state == "open"
