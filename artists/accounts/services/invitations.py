"""Single-use invitations: the only way into the site after the first account.

Admins and editors invite someone by email; the link's token is shown once and stored only as its
digest (tokens.py), and accepting it creates the account (with a new artist profile when needed) and
spends the invitation. Nothing here needs a request.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from artists.accounts.services.passwords import JudgedPassword
from artists.accounts.services.tokens import hash_token
from artists.accounts.services.users import EMAIL_PATTERN, account_words, find_user_by_email, normalise_email
from artists.models import Artist, Invitation, Role, User
from comics.clock import utcnow
from extensions import db


class InvitationRefused(ValueError):
    """An invitation that cannot be created or accepted, with the reason to show."""


def create_invitation(
    email: str, role: Role, created_by: User | None, *, artist: Artist | None = None, ttl_hours: int = 72
) -> tuple[Invitation, str]:
    """Add an invitation to the session and return it with its token, which is shown once and never stored."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.fullmatch(email):
        raise InvitationRefused(_("Enter an email address such as name@example.org."))
    if find_user_by_email(email) is not None:
        raise InvitationRefused(_("An account with this email already exists."))
    if artist is not None and db.session.scalar(select(User.id).where(User.artist_id == artist.id)) is not None:
        raise InvitationRefused(_("%(artist)s already has an account.", artist=artist.display_name))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        email=email,
        role=role,
        artist=artist,
        created_by=created_by,
        expires_at=utcnow() + timedelta(hours=ttl_hours),
    )
    db.session.add(invitation)
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    """Return the unused, unexpired, unrevoked invitation with this token, or None."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def unique_artist_slug(name: str) -> str:
    """Return a free profile slug made from a display name."""
    base = "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:60] or "artist"
    slug, n = base, 1
    while db.session.scalar(select(Artist.id).where(Artist.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def invitation_words(invitation: Invitation, display_name: str = "") -> list[str]:
    """Return the words of the account an invitation makes: its email, the name chosen, the profile's name."""
    return account_words(invitation.email, display_name.strip(), invitation.artist.display_name if invitation.artist else "")


def accept_invitation(invitation: Invitation, password: JudgedPassword, display_name: str = "") -> User:
    """Create the invited account (and its new artist profile) and spend the invitation; the caller commits.

    password: judged against invitation_words(invitation, display_name), as the invitation's form does.
    """
    if password.account != tuple(invitation_words(invitation, display_name)):
        raise ValueError("the password was judged against another account's words")
    if find_user_by_email(invitation.email) is not None:
        raise InvitationRefused(_("An account with this email already exists."))
    artist = invitation.artist
    if invitation.role == Role.ARTIST and artist is None:
        name = display_name.strip()
        if not name:
            raise InvitationRefused(_("Choose the name readers will see (a pen name is fine)."))
        artist = Artist(slug=unique_artist_slug(name), display_name=name[:120])
        db.session.add(artist)
    # An editor or admin names themselves for the artists (never shown their email); empty: "An editor".
    user = User(email=invitation.email, role=invitation.role, artist=artist, display_name="" if artist else display_name.strip()[:120])
    user.set_password(password.text)
    invitation.used_at = utcnow()
    db.session.add(user)
    return user
