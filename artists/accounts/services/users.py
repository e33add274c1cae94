"""Accounts: finding one by its email, checking its password, and creating one (the create-user command's rule).

There is no open registration: an operator creates the first account with `flask create-user`
(artists/accounts/cli.py), and admins and editors invite everyone else (invitations.py). Passwords are
hashed with scrypt (memory-hard), and a new one must pass password_problem (passwords.py) against the
account's own words (account_words). Nothing here needs a request.
"""
from __future__ import annotations

import functools
import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from artists.accounts.services.passwords import password_problem
from artists.models import PASSWORD_METHOD, Artist, Role, User
from extensions import db

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
