"""Helpers for the studio tests: accounts, signing in, CSRF tokens, and counting what changed."""
from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from artists.accounts import create_user
from artists.models import Artist, Role, User
from comics.images.models import StoredImage
from comics.models import Episode, Panel
from extensions import db
from tests.conftest import panel_png

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_account(email: str, role: Role, artist: Artist | None = None, password: str = PASSWORD) -> User:
    user = create_user(email, role, password, artist)
    db.session.commit()
    return user


def make_artist_account(slug: str, name: str | None = None) -> tuple[Artist, User]:
    """Create an artist profile and the account that publishes as it."""
    artist = Artist(slug=slug, display_name=name or slug.capitalize())
    db.session.add(artist)
    user = make_account(f"{slug}@example.org", Role.ARTIST, artist)
    return artist, user


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    """Sign the client in, with a CSRF token if the app checks them."""
    data = {"email": email, "password": password}
    token = csrf_token(client, "/account/login")
    if token:
        data["csrf_token"] = token
    response = client.post("/account/login", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


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
