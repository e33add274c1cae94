"""User accounts, their roles and the single-use invitations that create them; the create-user command.

There is no open registration: an operator creates the first account with `flask create-user`, and
admins and editors invite everyone else. Passwords are hashed with scrypt (memory-hard); invitation
tokens are stored only as SHA-256 digests, so a leaked database cannot be turned into accounts.

A new password, wherever it is chosen (create-user, an invitation, a password change), is judged by one
rule, password_problem: at least 12 characters, and strong enough by zxcvbn's offline estimate (score 3
of 4, about 10^8 guesses or more) once the account's own email and names count as the first words an
attacker would try. A refusal says why, in zxcvbn's plain words.
"""
from __future__ import annotations

import functools
import hashlib
import re
import secrets
import sys
from collections.abc import Sequence
from datetime import timedelta

import click
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from artists.models import PASSWORD_METHOD, Artist, Invitation, Role, User
from comics.clock import utcnow
from extensions import db

PASSWORD_MIN_LENGTH = 12
# Long enough for any passphrase, short enough that hashing one is never a denial of service.
PASSWORD_MAX_LENGTH = 200
# zxcvbn's scores run from 0 to 4; 3 means "safely unguessable": about 10^8 guesses or more.
PASSWORD_MIN_SCORE = 3
# zxcvbn's own bound: its matching slows to seconds on 200 characters, so a longer one is judged by
# its first 72 (ample for any passphrase; more characters never make a password weaker).
PASSWORD_JUDGED_LENGTH = 72
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# zxcvbn's feedback, which it writes in English only: each sentence as the interface says it in the
# page's language. A sentence missing here (a newer zxcvbn) is shown as zxcvbn wrote it.
ZXCVBN_FEEDBACK = {
    "Use a few words, avoid common phrases.": _l("Use a few words, avoid common phrases."),
    "No need for symbols, digits, or uppercase letters.": _l("No need for symbols, digits, or uppercase letters."),
    "Add another word or two. Uncommon words are better.": _l("Add another word or two. Uncommon words are better."),
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    "Use a longer keyboard pattern with more turns.": _l("Use a longer keyboard pattern with more turns."),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'
    ),
    "Avoid repeated words and characters.": _l("Avoid repeated words and characters."),
    'Sequences like "abc" or "6543" are easy to guess.': _l('Sequences like "abc" or "6543" are easy to guess.'),
    "Avoid sequences.": _l("Avoid sequences."),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Avoid recent years.": _l("Avoid recent years."),
    "Avoid years that are associated with you.": _l("Avoid years that are associated with you."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "Avoid dates and years that are associated with you.": _l("Avoid dates and years that are associated with you."),
    "This is a top-10 common password.": _l("This is a top-10 common password."),
    "This is a top-100 common password.": _l("This is a top-100 common password."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l("This is similar to a commonly used password."),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": _l("Names and surnames by themselves are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names and surnames are easy to guess."),
    "Capitalization doesn't help very much.": _l("Capitalization doesn't help very much."),
    "All-uppercase is almost as easy to guess as all-lowercase.": _l("All-uppercase is almost as easy to guess as all-lowercase."),
    "Reversed words aren't much harder to guess.": _l("Reversed words aren't much harder to guess."),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": _l(
        "Predictable substitutions like '@' instead of 'a' don't help very much."
    ),
}



@functools.cache
def _dummy_hash() -> str:
    """Return a hash to check against when the email is unknown, so it costs as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


def normalise_email(email: str) -> str:
    """Return the email as stored and compared: trimmed and lower-cased."""
    return email.strip().lower()


def account_words(email: str, *names: str) -> list[str]:
    """Return what an attacker would try first for this account: its email, the email's parts, its names."""
    local, _, domain = normalise_email(email).partition("@")
    words = [normalise_email(email), local, *re.split(r"[._+-]", local), *domain.split(".")]
    for name in names:
        words += [name, re.sub(r"[\s._-]+", "", name), *re.split(r"[\s._-]+", name)]
    return list(dict.fromkeys(word.lower() for word in words if word.strip()))


def password_problem(password: str, account: Sequence[str] = ()) -> str | None:
    """Return why a new password is refused, in words its owner can act on, or None when it is strong enough.

    account: the words of the account it is for (account_words), which count as easy to guess.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return str(_("Use at least %(count)s characters; a few words in a row make a good password.", count=PASSWORD_MIN_LENGTH))
    if len(password) > PASSWORD_MAX_LENGTH:
        return str(_("Use at most %(count)s characters.", count=PASSWORD_MAX_LENGTH))
    judged = zxcvbn(password[:PASSWORD_JUDGED_LENGTH], user_inputs=list(account))
    if judged["score"] >= PASSWORD_MIN_SCORE:
        return None
    feedback = judged["feedback"]
    advice = " ".join(str(ZXCVBN_FEEDBACK.get(part, part)) for part in [feedback["warning"], *feedback["suggestions"]] if part)
    return str(_("This password would be easy to guess. %(advice)s", advice=advice or _("Add another word or two; uncommon words are better.")))


def find_user_by_email(email: str) -> User | None:
    """Return the account with this email, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active account these credentials belong to, or None.

    An unknown email costs one scrypt hash like a wrong password does, so timing tells nothing.
    """
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def hash_token(token: str) -> str:
    """Return the digest a secret is stored and looked up under: invitation and session tokens, recovery codes."""
    return hashlib.sha256(token.encode()).hexdigest()


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


def accept_invitation(invitation: Invitation, password: str, display_name: str = "") -> User:
    """Create the invited account (and its new artist profile) and spend the invitation; the caller commits."""
    names = [display_name.strip(), invitation.artist.display_name if invitation.artist else ""]
    problem = password_problem(password, account_words(invitation.email, *names))
    if problem:
        raise InvitationRefused(problem)
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
    user.set_password(password)
    invitation.used_at = utcnow()
    db.session.add(user)
    return user


def create_user(email: str, role: Role, password: str, artist: Artist | None = None, display_name: str = "") -> User:
    """Add an account to the session, refusing a bad email, a weak password or a taken email.

    display_name is how artists see an editor or admin without a profile (User.label).
    """
    email = normalise_email(email)
    if not EMAIL_PATTERN.fullmatch(email):
        raise ValueError(f"not an email address: {email!r}")
    problem = password_problem(password, account_words(email, artist.display_name if artist else "", artist.slug if artist else ""))
    if problem:
        raise ValueError(problem)
    if find_user_by_email(email) is not None:
        raise ValueError(f"an account with the email {email} already exists")
    if role == Role.ARTIST and artist is None:
        raise ValueError("an artist account needs --artist SLUG")
    user = User(email=email, role=role, artist=artist, display_name="" if artist else display_name.strip()[:120])
    user.set_password(password)
    db.session.add(user)
    return user


@click.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]), help="What the account may do.")
@click.option("--artist", "artist_slug", help="The artist profile the account publishes as (created if missing).")
@click.option(
    "--name", "artist_name", help="Display name for a new artist profile (default: from the slug), or the name artists see for an editor or admin."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create_user_command(email: str, role: str, artist_slug: str | None, artist_name: str | None, password_stdin: bool) -> None:
    """Create an account; the password is read from standard input or asked for, never taken as an argument."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    artist = None
    if artist_slug:
        if not SLUG_PATTERN.fullmatch(artist_slug):
            raise click.ClickException("an artist slug is lower-case letters, digits and single hyphens")
        artist = db.session.scalar(select(Artist).where(Artist.slug == artist_slug))
        if artist is None:
            artist = Artist(slug=artist_slug, display_name=artist_name or artist_slug.replace("-", " ").title())
            db.session.add(artist)
            click.echo(f"Created the artist profile {artist_slug}.", err=True)
        elif db.session.scalar(select(User.id).where(User.artist_id == artist.id)) is not None:
            raise click.ClickException(f"the artist {artist_slug} already has an account")
    try:
        user = create_user(email, Role(role), password, artist, display_name=artist_name or "")
        db.session.commit()
    except ValueError as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Created the {user.role.value} account {user.email}.")
