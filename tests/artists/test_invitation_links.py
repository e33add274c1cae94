"""Invitation links are built from SITE_URL, never from the Host header a request brings."""
from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from artists.models import Role
from tests.conftest import make_test_app
from tests.studio_support import make_account, sign_in


def invitation_link(app: Flask, **request_options: object) -> str:
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR)
    client = app.test_client()
    sign_in(client, "ed@example.org")
    response = client.post(
        "/studio/people/invite", data={"email": "new@example.org", "role": "artist", "artist": ""}, **request_options
    )
    assert response.status_code == 201, response.get_data(as_text=True)[-500:]
    found = re.search(r'value="([^"]+/account/invitation/[^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_the_link_names_the_site_whatever_host_the_request_names(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False, SITE_URL="https://freelines.example")
    # The request names another host (as a forged Host header would): the link still names the site.
    link = invitation_link(app, base_url="https://localhost")
    assert link.startswith("https://freelines.example/account/invitation/")


def test_without_site_url_development_uses_the_request_host(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=False)
    assert invitation_link(app).startswith("http://localhost/account/invitation/")
