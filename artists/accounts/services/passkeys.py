"""Passkeys (WebAuthn) as a second factor: the options a page hands the browser, and checking its answer.

The relying party is the site itself: its id and origin come from SITE_URL when set, else from the
request's host, so a passkey made here answers only here; a look-alike phishing site gets nothing it
can use. Each ceremony's challenge waits in the signed session until its answer comes back, and is
spent by it. An answer is refused when its passkey was used after the challenge was made: a copy of
an old cookie and an old answer cannot sign in again.

The browser's side is static/js/passkeys.js.
"""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import request, session
from flask_babel import gettext as _
from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from artists.accounts.services.factors import claim_use, clean_name
from artists.models import FactorKind, SecondFactor, User
from extensions import db
from settings import site_name, site_url

REGISTRATION = "passkey_registration"
AUTHENTICATION = "passkey_authentication"
# How long the browser may take to answer, in milliseconds; the challenge dies with the page.
CEREMONY_TIMEOUT_MS = 5 * 60 * 1000
# What a malformed answer can raise inside the library, besides its own exceptions.
MALFORMED = (WebAuthnException, ValueError, KeyError, TypeError)


class PasskeyRefused(ValueError):
    """A passkey answer that does not prove what it should, with the reason to show."""


def relying_party() -> tuple[str, str]:
    """Return the relying party's id (a host name) and the origin answers must come from."""
    configured = site_url()
    origin = configured.rstrip("/") if configured else request.host_url.rstrip("/")
    return urlsplit(origin).hostname or "", origin


def _descriptors(passkeys: list[SecondFactor]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id or "")) for p in passkeys]


def passkeys_of(user_id: int, except_id: int | None = None) -> list[SecondFactor]:
    """Return the account's passkeys, but except_id's."""
    return list(
        db.session.scalars(
            select(SecondFactor).where(
                SecondFactor.user_id == user_id, SecondFactor.kind == FactorKind.PASSKEY, SecondFactor.id != (except_id or 0)
            )
        )
    )


def registration_options(user: User) -> str:
    """Start adding a passkey to the account: return the options for navigator.credentials.create()."""
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=site_name(),
        # The handle the authenticator keeps: the account's number, never its email.
        user_id=str(user.id).encode(),
        user_name=user.email,
        user_display_name=user.artist.display_name if user.artist else user.email,
        timeout=CEREMONY_TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
        exclude_credentials=_descriptors(passkeys_of(user.id)),
    )
    session[REGISTRATION] = {"user": user.id, "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options)


def register(user: User, credential_json: str, name: str) -> SecondFactor:
    """Check the browser's answer to registration_options() and add the passkey it made."""
    started = session.pop(REGISTRATION, None)
    if not isinstance(started, dict) or started.get("user") != user.id:
        raise PasskeyRefused(_("This page was open too long or in another tab. Reload it and try again."))
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=credential_json,
            expected_challenge=base64url_to_bytes(started["challenge"]),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except MALFORMED:
        raise PasskeyRefused(_("Your browser's answer could not be checked. Try again, or use another passkey.")) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(SecondFactor.id).where(SecondFactor.credential_id == credential_id)) is not None:
        raise PasskeyRefused(_("This passkey is already added."))
    factor = SecondFactor(
        user_id=user.id,
        kind=FactorKind.PASSKEY,
        name=clean_name(name, FactorKind.PASSKEY),
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    db.session.add(factor)
    return factor


def authentication_options(user: User, except_id: int | None = None) -> str | None:
    """Ask for any of the account's passkeys (but except_id's): options for navigator.credentials.get().

    None when there is no such passkey.
    """
    passkeys = passkeys_of(user.id, except_id)
    if not passkeys:
        return None
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=_descriptors(passkeys),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    session[AUTHENTICATION] = {"user": user.id, "challenge": bytes_to_base64url(options.challenge), "issued": time.time()}
    return options_to_json(options)


def authenticate(user: User, credential_json: str, except_id: int | None = None) -> SecondFactor:
    """Check the browser's answer to authentication_options(); return the passkey that answered."""
    started = session.pop(AUTHENTICATION, None)
    if not isinstance(started, dict) or started.get("user") != user.id:
        raise PasskeyRefused(_("This page was open too long or in another tab. Reload it and try again."))
    refused = PasskeyRefused(_("That passkey did not prove it is yours. Try again, or use a code."))
    try:
        answer = json.loads(credential_json)
        # In the form the id was stored in, whatever padding the browser's encoding had.
        credential_id = bytes_to_base64url(base64url_to_bytes(answer["rawId"]))
        factor = next((p for p in passkeys_of(user.id, except_id) if p.credential_id == credential_id), None)
        if factor is None or factor.public_key is None:
            raise refused
        rp_id, origin = relying_party()
        verified = verify_authentication_response(
            credential=credential_json,
            expected_challenge=base64url_to_bytes(started["challenge"]),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=factor.public_key,
            credential_current_sign_count=factor.sign_count,
        )
    except MALFORMED:
        raise refused from None
    if not _claim_use(factor, verified.new_sign_count, float(started["issued"])):
        raise refused
    return factor


def _claim_use(factor: SecondFactor, sign_count: int, issued: float) -> bool:
    """Record the passkey's use, unless it was used after this challenge was issued (a replay)."""
    issued_at = datetime.fromtimestamp(issued, UTC).replace(tzinfo=None)
    unused = SecondFactor.last_used_at.is_(None) | (SecondFactor.last_used_at < issued_at)
    return claim_use(factor, unused, sign_count=sign_count)
