"""The operators' account commands: `flask create-user` and `flask reset-factors`.

Thin faces on the services: they read the shell's arguments and input, call one service step, commit and
say what was done.
"""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from artists.accounts.services.factor_reset import reset_factors
from artists.accounts.services.users import SLUG_PATTERN, create_user, find_user_by_email
from artists.models import Artist, Role, User
from extensions import db


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


@click.command("reset-factors")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_factors_command(email: str, yes: bool) -> None:
    """Remove an account's second factors and recovery codes and end its sessions; it enrols again at its next sign-in."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account has the email {email}; nothing was changed")
    if not yes:
        click.confirm(f"Remove every second factor and recovery code of {user.email} and sign it out everywhere?", abort=True)
    done = reset_factors(user)
    db.session.commit()
    click.echo(
        f"Removed {done.factors} second factors and {done.recovery_codes} recovery codes of {user.email} and ended "
        f"{done.sessions} sessions. At the next sign-in with the password, a new factor is enrolled first "
        "where the role needs one."
    )
