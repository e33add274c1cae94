"""Second factors in a real Chromium: a passkey through its virtual authenticator, and an authenticator app.

WebAuthn needs a secure context and a relying party id that is a host name, so these pages are opened
at http://localhost (a secure context, like 127.0.0.1, which is no host name).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyotp
import pytest
from sqlalchemy import select

from artists.models import FactorKind, Role, SecondFactor
from extensions import db
from tests.browser import add_virtual_authenticator, chromium_page, live_server
from tests.conftest import make_test_app
from tests.studio_support import PASSWORD, make_account, totp_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def password_step(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_passkey_added_on_the_security_page_signs_in_with_the_password(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        editor = make_account("ed@example.org", Role.EDITOR)
        editor_id = editor.id

    with live_server(app) as server_url, chromium_page() as page:
        base_url = server_url.replace("127.0.0.1", "localhost")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        cdp, authenticator = add_virtual_authenticator(page)

        # The editor signs in with the password and the authenticator app, as usual.
        password_step(page, base_url, "ed@example.org")
        page.wait_for_url(f"{base_url}/account/verify")
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base_url}/studio/")

        # Security → Add a passkey: the browser makes one in the virtual authenticator.
        page.get_by_role("link", name="Security").click()
        page.get_by_role("link", name="Add a passkey").click()
        page.get_by_label("Name").fill("Laptop")
        page.get_by_role("button", name="Add a passkey").click()
        # Its first factor besides the app: no recovery codes yet, so they are shown now.
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        assert page.locator(".recovery-codes li").count() == 10
        page.get_by_role("link", name="I have saved them").click()
        page.wait_for_url(f"{base_url}/account/security")
        assert page.get_by_role("cell", name="Laptop", exact=True).is_visible()
        assert page.get_by_role("cell", name="Passkey", exact=True).is_visible()
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
        assert len(credentials) == 1

        # Signed out, the password leads to the second step, and the passkey finishes it.
        page.get_by_role("button", name="Sign out").click()
        password_step(page, base_url, "ed@example.org")
        page.wait_for_url(f"{base_url}/account/verify")
        page.get_by_role("button", name="Use my passkey").click()
        page.wait_for_url(f"{base_url}/studio/")
        assert page.get_by_role("link", name="Security").is_visible()  # the studio's own navigation
        assert errors == []

    with app.app_context():
        passkey = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == editor_id, SecondFactor.kind == FactorKind.PASSKEY))
        assert passkey is not None and passkey.name == "Laptop" and passkey.last_used_at is not None


def test_a_first_sign_in_enrols_an_authenticator_app(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_account("ed@example.org", Role.EDITOR, second_factor=False)

    with live_server(app) as base_url, chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        password_step(page, base_url, "ed@example.org")
        page.wait_for_url(f"{base_url}/account/enrol")
        # The QR code is drawn by the server, in the page; the key is there as text too.
        assert page.locator("svg.qr-code").is_visible()
        secret = page.locator(".setup-key").inner_text().replace(" ", "")
        page.get_by_label("Name", exact=True).last.fill("Phone")
        page.get_by_label("Code the app shows").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Add the app").click()
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        assert page.locator(".recovery-codes li").count() == 10
        page.get_by_role("button", name="I have saved them: open the studio").click()
        page.wait_for_url(f"{base_url}/studio/")
        page.get_by_role("link", name="Security").click()
        page.wait_for_url(f"{base_url}/account/security")  # a click waits for the new page to begin, not to load
        assert page.get_by_role("cell", name="Phone", exact=True).is_visible()
        assert errors == []
