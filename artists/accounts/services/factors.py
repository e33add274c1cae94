"""Second factors: who must have one, authenticator-app codes, one-time recovery codes, and the seal.

A password alone never opens the studio of an admin or editor, nor an artist's where
ARTISTS_REQUIRE_SECOND_FACTOR is set. Passkeys are artists.accounts.services.passkeys; the sign-in's second step, which
asks for any of these, is artists.accounts.pending_sign_in. Nothing here needs a request.

- An authenticator-app code is accepted for the 30-second step before, at or after the server's, and
  only for a step later than the last one accepted for that key: a code seen once (phished, or
  read over a shoulder) never works again. The claim is one conditional UPDATE, so two requests
  racing with the same code cannot both win. A key is enrolled once per account (unique on the
  account and the key's digest), so the last step kept on its one factor is the key's.
- The TOTP secret is stored sealed (Fernet, with a key derived from SECRET_KEY): a copy of the
  database alone yields no codes. Changing SECRET_KEY therefore stops authenticator apps working;
  passkeys and recovery codes still do.
- Recovery codes carry 80 random bits each and are stored as SHA-256 digests; each works once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from typing import cast

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import ColumnElement, CursorResult, delete, func, or_, select, update

from artists.accounts.services.tokens import hash_token
from artists.models import FactorKind, RecoveryCode, Role, SecondFactor, User
from comics.clock import utcnow
from extensions import db

TOTP_INTERVAL = 30
TOTP_DIGITS = 6
# Codes from the step before and after the server's are accepted too: phones' clocks drift.
TOTP_DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# Crockford's base32 alphabet, lower case: no i, l, o or u to misread. 16 characters carry 80 bits.
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_CODE_LENGTH = 16
FACTOR_NAME_MAX = 60
TOTP_CODE = re.compile(rf"\d{{{TOTP_DIGITS}}}")
# How use_code() says a recovery code was spent.
RECOVERY_PROOF = "a recovery code"


# --- who needs one --------------------------------------------------------------------------------


def factor_required(user: User) -> bool:
    """Tell whether this account's role needs a second factor before its studio opens."""
    if user.role in (Role.ADMIN, Role.EDITOR):
        return True
    return bool(current_app.config["ARTISTS_REQUIRE_SECOND_FACTOR"])


def factors_of(user_id: int) -> list[SecondFactor]:
    """Return an account's second factors, oldest first."""
    return list(
        db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == user_id).order_by(SecondFactor.created_at, SecondFactor.id))
    )


def has_factor(user_id: int) -> bool:
    """Tell whether the account has at least one second factor."""
    return db.session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == user_id).limit(1)) is not None


def needs_second_step(user: User) -> bool:
    """Tell whether a correct password must be followed by a second factor (or by enrolling one)."""
    return factor_required(user) or has_factor(user.id)


def may_remove(user: User, factor: SecondFactor) -> bool:
    """Tell whether removing this factor leaves the account with what its role requires."""
    others = db.session.scalar(
        select(func.count(SecondFactor.id)).where(SecondFactor.user_id == user.id, SecondFactor.id != factor.id)
    )
    return bool(others) or not factor_required(user)


def clean_name(name: str, kind: FactorKind) -> str:
    """Return the factor's name as stored: trimmed, bounded, and the kind's own when left blank."""
    return " ".join(name.split())[:FACTOR_NAME_MAX] or kind.label


def remove_factor(factor: SecondFactor) -> None:
    """Delete a factor; with the account's last one go its recovery codes, which stood in for it."""
    user_id = factor.user_id
    db.session.delete(factor)
    db.session.flush()
    if not has_factor(user_id):
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))


# --- sealing secrets ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    secret_key = current_app.config["SECRET_KEY"]
    key_material = secret_key.encode() if isinstance(secret_key, str) else bytes(secret_key)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"free-lines second-factor secrets").derive(key_material)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    """Encrypt and authenticate text with the site's key, for the database or a hidden form field."""
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str, max_age: int | None = None) -> str | None:
    """Return what seal() sealed, or None if it was altered, made with another key or is older than max_age."""
    try:
        return _fernet().decrypt(token.encode(), ttl=max_age).decode()
    except (InvalidToken, ValueError):
        return None


# --- authenticator apps (TOTP) --------------------------------------------------------------------


def new_totp_secret() -> str:
    """Return a new random TOTP secret (160 bits, base32, as authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code or the text."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).provisioning_uri(name=account, issuer_name=issuer)


def grouped_secret(secret: str) -> str:
    """Return the secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(text: str, title: str) -> Markup:
    """Draw text as a QR code in SVG markup, here on the server: no other site ever sees the secret.

    Presentation attributes only, no style attribute, so the page's Content-Security-Policy allows it.
    """
    code = segno.make(text, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None, omitsize=True, title=title))


def is_totp_code(code: str) -> bool:
    """Tell whether what was typed has the shape of an authenticator-app code."""
    return TOTP_CODE.fullmatch(code) is not None


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """Return the 30-second step, within the drift allowed, for which code is secret's code, or None."""
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)
    current = int((time.time() if now is None else now) // TOTP_INTERVAL)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_key_digest(secret: str) -> str:
    """Return the digest that tells one authenticator-app key from another, stored beside the sealed key."""
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def totp_factor_with_key(user_id: int, secret: str) -> SecondFactor | None:
    """Return the account's factor that already holds this authenticator-app key, or None."""
    return db.session.scalar(
        select(SecondFactor).where(SecondFactor.user_id == user_id, SecondFactor.totp_key_digest == totp_key_digest(secret))
    )


def add_totp_factor(user: User, secret: str, name: str, accepted_step: int) -> SecondFactor:
    """Add an authenticator app whose code for accepted_step was just typed (so that code is spent).

    The flush raises IntegrityError if the account holds this key already (two posts of one form racing).
    """
    factor = SecondFactor(
        user_id=user.id,
        kind=FactorKind.TOTP,
        name=clean_name(name, FactorKind.TOTP),
        totp_secret_sealed=seal(secret),
        totp_last_step=accepted_step,
        totp_key_digest=totp_key_digest(secret),
    )
    db.session.add(factor)
    db.session.flush()
    return factor


def use_totp_code(user_id: int, code: str, except_id: int | None = None) -> SecondFactor | None:
    """Spend a code from one of the account's authenticator apps (but except_id's); return that factor.

    None when no app's code matches, or when the code's step was already used: a replay.
    """
    keys = [(f, unseal(f.totp_secret_sealed or "")) for f in factors_of(user_id) if f.kind == FactorKind.TOTP]
    # The app being removed never vouches for itself, not even as another factor holding its key.
    excepted = {secret for f, secret in keys if f.id == except_id}
    for factor, secret in keys:
        if factor.id == except_id or secret in excepted:
            continue
        step = matching_step(secret, code) if secret else None
        if step is not None and _claim_step(factor, step):
            return factor
    return None


def _claim_step(factor: SecondFactor, step: int) -> bool:
    """Record step as the factor's last accepted one, unless it (or a later one) already was."""
    unused = or_(SecondFactor.totp_last_step.is_(None), SecondFactor.totp_last_step < step)
    return claim_use(factor, unused, totp_last_step=step)


def claim_use(factor: SecondFactor, still_unused: ColumnElement[bool], **values: object) -> bool:
    """Record a use of the factor in one conditional UPDATE, only while still_unused holds.

    Two requests racing with the same code or passkey answer: exactly one of them matches a row.
    """
    result = cast(
        "CursorResult[tuple[()]]",
        db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.id == factor.id, still_unused)
            .values(last_used_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(factor)
    return True


# --- recovery codes -------------------------------------------------------------------------------


def normalise_recovery_code(code: str) -> str:
    """Return a typed recovery code as it was made: lower case, no spaces or hyphens, o as 0, i and l as 1."""
    cleaned = re.sub(r"[\s-]+", "", code).lower()
    return cleaned.translate(str.maketrans("oil", "011"))


def format_recovery_code(code: str) -> str:
    """Return a recovery code in groups of four, as shown."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def make_recovery_codes(user_id: int) -> list[str]:
    """Replace the account's recovery codes with new ones and return them, the only time they exist in clear."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=hash_token(code)) for code in codes)
    return [format_recovery_code(code) for code in codes]


def recovery_codes_left(user_id: int) -> int:
    """Count the account's unused recovery codes."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ) or 0


def use_recovery_code(user_id: int, code: str) -> bool:
    """Spend one of the account's unused recovery codes; False if it is not one, or was used before."""
    cleaned = normalise_recovery_code(code)
    if len(cleaned) != RECOVERY_CODE_LENGTH or set(cleaned) - set(RECOVERY_ALPHABET):
        return False
    result = cast(
        "CursorResult[tuple[()]]",
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == hash_token(cleaned), RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def use_code(user_id: int, code: str, except_id: int | None = None) -> str | None:
    """Spend an authenticator-app code (from any app but except_id) or a recovery code.

    Return how the account proved itself ("authenticator app “Phone”", "a recovery code"), or None.
    """
    code = code.strip()
    compact = re.sub(r"\s+", "", code)
    if is_totp_code(compact):
        factor = use_totp_code(user_id, compact, except_id)
        return f"authenticator app “{factor.name}”" if factor is not None else None
    return RECOVERY_PROOF if use_recovery_code(user_id, code) else None
