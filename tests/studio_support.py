"""Helpers for the studio tests: accounts, signing in, CSRF tokens, and counting what changed."""
from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from artists.accounts.services.factors import add_totp_factor, factor_required
from artists.accounts.services.users import create_user
from artists.models import Artist, Role, SecondFactor, User
from comics.images.models import StoredImage
from comics.models import Episode, Panel
from extensions import db
from tests.conftest import panel_png
from tests.forms import submit

PASSWORD = "correct horse battery staple"
# The key of the authenticator app that make_account gives every account whose role needs one.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_account(
    email: str, role: Role, artist: Artist | None = None, password: str = PASSWORD, second_factor: bool | None = None
) -> User:
    """Create an account; with an authenticator app (TOTP_SECRET) when its role needs one, or when asked."""
    user = create_user(email, role, password, artist)
    db.session.flush()
    if factor_required(user) if second_factor is None else second_factor:
        add_totp_factor(user, TOTP_SECRET, "Test phone", accepted_step=0)
    db.session.commit()
    return user


def totp_code(secret: str = TOTP_SECRET) -> str:
    """Return the code an authenticator app with this key shows now."""
    return pyotp.TOTP(secret).now()


def make_artist_account(slug: str, name: str | None = None) -> tuple[Artist, User]:
    """Create an artist profile and the account that publishes as it."""
    artist = Artist(slug=slug, display_name=name or slug.capitalize())
    db.session.add(artist)
    user = make_account(f"{slug}@example.org", Role.ARTIST, artist)
    return artist, user


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Sign the client in through the sign-in page's own form (and the second step's, when asked for)."""
    response = submit(client, client.get("/account/login"), "email", {"email": email, "password": password})
    if response.status_code == 303 and response.headers["Location"].endswith("/account/verify"):
        response = pass_second_step(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)


class SiteClient(FlaskClient):
    """A test client that asks for paths at the app's SITE_URL (https in production), as browsers do."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if args and isinstance(args[0], str) and args[0].startswith("/") and "base_url" not in kwargs:
            kwargs["base_url"] = self.application.config["SITE_URL"]
        return super().open(*args, **kwargs)


def https_client(app: Flask) -> FlaskClient:
    """Return a client that reaches the site as browsers do in production: over https, at SITE_URL's host."""
    assert urlsplit(app.config["SITE_URL"]).scheme == "https"
    return SiteClient(app, app.response_class, use_cookies=True)


def pass_second_step(client: FlaskClient, email: str) -> TestResponse:
    """Give the sign-in's second step the code of the account's authenticator app (TOTP_SECRET)."""
    with client.application.app_context():
        # A person's app shows a new code every 30 seconds; a test signs in many times a second, so
        # it forgets the step last used (a used code is otherwise refused, as it should be).
        db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.user_id == select(User.id).where(User.email == email.strip().lower()).scalar_subquery())
            .values(totp_last_step=None)
        )
        db.session.commit()
    return submit(client, client.get("/account/verify"), "code", {"code": totp_code()})


def csrf_token(client: FlaskClient, path: str) -> str | None:
    """Return the CSRF token a page's form carries, or None when the form has none."""
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    return match.group(1) if match else None


def png_file(name: str = "panel.png", **options: Any) -> tuple[io.BytesIO, str]:
    return io.BytesIO(panel_png(**options)), name


def counts() -> dict[str, int]:
    """Count the rows that an upload or a delete changes."""
    return {
        "episodes": db.session.scalar(select(func.count(Episode.id))) or 0,
        "panels": db.session.scalar(select(func.count(Panel.id))) or 0,
        "images": db.session.scalar(select(func.count(StoredImage.id))) or 0,
    }


def media_files(app: Flask) -> set[str]:
    """Return every file in the media store."""
    root = Path(app.config["MEDIA_ROOT"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def json_post(client: FlaskClient, path: str, data: Mapping[str, object]) -> TestResponse:
    """Post a form as the studio's script does, asking for JSON."""
    return client.post(path, data=data, headers={"Accept": "application/json"})


def problems(response: TestResponse) -> str:
    """Return the text of the messages a refused form shows (or the JSON errors), for asserts."""
    if response.is_json:
        answer = response.get_json()
        return " ".join(answer.get("errors") or [answer.get("error", "")])
    page = response.get_data(as_text=True)
    found = re.findall(r'class="(?:error-message|notice notice-error)"[^>]*>(.*?)</(?:p|div)>', page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", text) for text in found))


def fetch_status(client: FlaskClient, path: str) -> int:
    """GET a path and return its status, closing the (possibly streamed) file response."""
    response = client.get(path)
    response.close()
    return response.status_code


def profile_form_data(artist: Artist, **changes: object) -> dict[str, object]:
    """Return the profile form as the page sends it, with some fields changed (a file is a (stream, name) pair)."""
    data: dict[str, object] = {"display_name": artist.display_name, "bio_markdown": artist.bio_markdown}
    for index, link in enumerate(artist.links):
        data |= {
            f"links-{index}-id": str(link.id), f"links-{index}-kind": link.kind.value, f"links-{index}-label": link.label,
            f"links-{index}-url": link.url, f"links-{index}-position": str(index + 1),
        }
        if link.is_primary:
            data[f"links-{index}-primary"] = "y"
    return data | changes
