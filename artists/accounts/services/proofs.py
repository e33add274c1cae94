"""Proving a second factor: spending an authenticator-app code, a recovery code or a passkey's answer, once.

The one proof behind the sign-in's second step, a fresh confirmation before changing one's factors, and a
factor's removal (which excludes the factor being removed, so it never vouches for itself). Each code
and each passkey answer works once (factors.py, passkeys.py); the caller commits, or rolls back on a
refusal.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from artists.accounts.services import passkeys
from artists.accounts.services.factors import use_code
from artists.accounts.services.passkeys import PasskeyRefused
from artists.models import User

WRONG_CODE = _l(
    "That code did not work. Type the code your app shows now (each works only once), "
    "or one of your recovery codes."
)


class ProofRefused(ValueError):
    """A code or passkey answer that proved nothing, with the reason to show."""


def prove_factor(user: User, code: str, passkey_answer: str, except_id: int | None = None) -> str:
    """Spend the passkey answer, if one was sent, else the code (from any factor but except_id's).

    Return how the account proved itself, for the audit log; raise ProofRefused otherwise.
    """
    if passkey_answer:
        try:
            factor = passkeys.authenticate(user, passkey_answer, except_id)
        except PasskeyRefused as refusal:
            raise ProofRefused(str(refusal)) from None
        return f"passkey “{factor.name}”"
    code = code.strip()
    if not code:
        raise ProofRefused(_("Type a code, or use your passkey."))
    proof = use_code(user.id, code, except_id)
    if proof is None:
        raise ProofRefused(str(WRONG_CODE))
    return proof
