"""Artist profiles and the ordered links supporters follow; the accounts that sign in, and invitations.

Passwords are hashed with scrypt (memory-hard); invitation tokens are stored only as SHA-256 digests,
so a leaked database cannot be turned into accounts.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
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
    # Set once readers have seen the profile (comics.publishing.revisions.has_been_public): from
    # then on every change to it waits for an editor, even while none of the artist's work is public. Never cleared.
    first_public_at: Mapped[datetime | None]
    # The profile as readers last saw it, kept when the last of the work left the site, so the editor
    # who puts it back sees what changed meanwhile.
    last_public_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    avatar: Mapped[StoredImage | None] = relationship()
    links: Mapped[list[ArtistLink]] = relationship(
        back_populates="artist", order_by="ArtistLink.position", cascade="all, delete-orphan"
    )
    series: Mapped[list[Series]] = relationship(back_populates="artist", order_by="Series.title")
    translations: Mapped[list[ArtistTranslation]] = relationship(
        back_populates="artist", order_by="ArtistTranslation.language", cascade="all, delete-orphan"
    )

    def name_in(self, language: str) -> str:
        """Return the artist's name as written for readers of this language (their own, if not given)."""
        translation = self._translation(language)
        return translation.display_name if translation and translation.display_name else self.display_name

    def bio_in(self, language: str) -> str:
        """Return the bio in this language, else the one they wrote first."""
        translation = self._translation(language)
        return translation.bio_markdown if translation and translation.bio_markdown else self.bio_markdown

    def _translation(self, language: str) -> ArtistTranslation | None:
        return next((each for each in self.translations if each.language == language), None)

    @property
    def primary_link(self) -> ArtistLink | None:
        """Return the link the artist marked primary, else their first support link."""
        marked = [link for link in self.links if link.is_primary]
        if marked:
            return marked[0]
        support = [link for link in self.links if link.kind == LinkKind.SUPPORT]
        return support[0] if support else None


class ArtistTranslation(Model):
    """An artist's name and bio for readers of another language (a pen name may be written in Hangul and
    in Latin letters, and a bio told twice)."""

    __tablename__ = "artist_translation"
    __table_args__ = (UniqueConstraint("artist_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artist.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    bio_markdown: Mapped[str] = mapped_column(Text, default="")

    artist: Mapped[Artist] = relationship(back_populates="translations")


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
    # The label for readers of other languages, by language ({"ko": "하늘 작가 후원하기"}); a language
    # without one is shown label, the words the artist wrote first.
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    url: Mapped[str] = mapped_column(String(2000))
    position: Mapped[int] = mapped_column(default=0)
    is_primary: Mapped[bool] = mapped_column(default=False)

    artist: Mapped[Artist] = relationship(back_populates="links")

    def label_in(self, language: str) -> str:
        """Return the label readers of this language see: theirs where the artist wrote one, else label."""
        return (self.labels or {}).get(language) or self.label


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
    # The name artists see for an editor or admin (on a returned episode, in the audit log): never the
    # email. Empty means the role's name, "An editor"; an artist is named by their profile.
    display_name: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # The language of the studio for this person (None: the site's default); the studio's pages move
    # to its URL prefix (web.languages), since the language is always in the URL.
    interface_language: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    artist: Mapped[Artist | None] = relationship()

    def set_password(self, password: str) -> None:
        """Hash and store a new password (artists.accounts.services.sessions signs out the account's other sessions)."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        """Tell whether the password is this account's."""
        return check_password_hash(self.password_hash, password)

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
        """Return how the account is named in the studio and the audit log: a name, never the email.

        Artists read these names (who sent their episode back), and the audit log outlives the accounts.
        """
        if self.artist is not None:
            return self.artist.display_name
        return self.display_name.strip() or {Role.ADMIN: "An admin", Role.EDITOR: "An editor"}.get(self.role, "An artist")


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


class SignInSession(Model):
    """One sign-in on one device, revocable on the server: the cookie carries a random token, this row its hash.

    No address, user agent or place is kept: the account's owner tells their sessions apart by the day
    each began and was last used. artists/accounts/services/sessions.py holds the rules (idle limit, lifetime, revoking).
    """

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the cookie's token: a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    # Written at most once a minute, not on every request.
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SecondStepProof(Model):
    """A pending sign-in's proof that it just enrolled a factor, kept on the server and used up once.

    The pending sign-in (in the signed session cookie) carries a random token; this row its SHA-256
    digest. Finishing the sign-in deletes the row in one conditional DELETE, so a copy of that cookie,
    replayed, opens nothing. artists/pending_sign_in.py holds the rules.
    """

    __tablename__ = "second_step_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime]


class FactorKind(enum.StrEnum):
    TOTP = "totp"
    PASSKEY = "passkey"

    @property
    def label(self) -> str:
        """Return how the studio names this kind of factor."""
        return "Authenticator app" if self is FactorKind.TOTP else "Passkey"


class SecondFactor(Model):
    """An authenticator app (TOTP) or a passkey that an account proves itself with after its password.

    artists/accounts/services/factors.py holds the rules. Neither kind stores anything a stolen copy of the
    database could sign in with: a TOTP secret is sealed with a key derived from SECRET_KEY, which lives
    outside the database, and a passkey is only its public key.
    """

    __tablename__ = "second_factor"
    # An authenticator app's key once per account: its codes are then spent once, whichever factor
    # they are typed for. Passkeys have no key digest (NULLs never collide).
    __table_args__ = (UniqueConstraint("user_id", "totp_key_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FactorKind] = mapped_column(enum_as_text(FactorKind))
    # Chosen by the account's owner ("Phone", "Blue key"); listed with the day it was added, nothing more.
    name: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    # TOTP: the sealed secret, and the last 30-second step a code was accepted for: no code is ever
    # accepted twice, nor one older than the last accepted.
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(400))
    totp_last_step: Mapped[int | None]
    # TOTP: SHA-256 of the key (160 random bits, so its digest gives nothing away), to find it enrolled.
    totp_key_digest: Mapped[str | None] = mapped_column(String(64))
    # Passkeys: the credential's id (base64url), its COSE public key and the authenticator's counter.
    credential_id: Mapped[str | None] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """A one-time code that stands in for a lost second factor, stored only as its SHA-256 digest.

    Each code carries 80 random bits, so its digest needs no slow hash to resist guessing.
    """

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
