"""The pages of second factors: the sign-in's second step, enrolment, and the account's Security page.

- /account/verify: after a right password, a code (an authenticator app's or a recovery code) or a
  passkey, before finish_sign_in opens the session.
- /account/enrol: an account whose role needs a factor and has none sets one up, sees its recovery
  codes once, and only then is signed in.
- /account/security: the signed-in account's factors, by name and the day each was added; adding one
  or making new recovery codes needs a recent proof of a factor (a sign-in or /account/security/confirm
  within SECOND_FACTOR_FRESH_SECONDS); removing one needs another factor or a recovery code, and the
  last one cannot go while the role needs it. Each change is written to the audit log.

Every POST that checks a code or a passkey counts its failures against SECOND_FACTOR_RATE_LIMITS per
account, whichever address they come from, so no one can guess a six-digit code. Setting up a new
factor is not counted: its code proves only a key the page itself has just shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response  # what redirect() is typed to return

from artists.accounts import pending_sign_in
from artists.accounts.auth import failed
from artists.accounts.forms import SecondFactorForm
from artists.accounts.services import passkeys
from artists.accounts.services.proofs import ProofRefused, prove_factor
from artists.models import FactorKind, SecondFactor, User
from comics.audit.log import AuditAction, record
from extensions import db, limiter
from web.areas import declare_area
from web.form_answers import form_errors

# The signed-in person's own pages, in the language they chose, whose forms post back: the CSRF check
# over HTTPS needs the page's same-origin Referer (web.areas).
bp = declare_area(Blueprint("security", __name__, url_prefix="/account"), personal=True, forms_post_back=True)


@bp.after_request
def never_store(response: Response) -> Response:
    """Keep every answer here out of every cache: they show keys and recovery codes, even before sign-in."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


# How long a new authenticator app's secret, carried sealed in its setup form, stays valid.
TOTP_SETUP_SECONDS = 15 * 60
Page = Response | str | tuple[Response | str, int]
# Requests that still work for an account about to be signed out for a missing factor.
UNGUARDED_ENDPOINTS = {"static", "auth.logout"}


def second_factor_key() -> str:
    """Count second-factor failures per account: the signed-in one, or the one whose password was just right."""
    user = current_user if current_user.is_authenticated else pending_sign_in.pending_user()
    # Flask-Limiter keeps the key prefix of the first app a process makes; this app's own keeps apart the
    # accounts of several apps sharing one Redis (the tests make one app, each with an account 1, per test).
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return f"{prefix}second-factor|{user.id if user is not None else get_remote_address()}"


limit_attempts = limiter.shared_limit(
    lambda: current_app.config["SECOND_FACTOR_RATE_LIMITS"],
    scope="second-factor",
    key_func=second_factor_key,
    methods=["POST"],
    deduct_when=failed,
)


@dataclass(frozen=True)
class Proved:
    """A factor proved in this request: how, in the audit log's words ("a recovery code")."""

    how: str


def render_proof(page: dict[str, Any], user: User, form: SecondFactorForm, except_id: int | None = None, problem: str | None = None, status: int = 200) -> Page:
    """Show a page asking for a code or a passkey (the second step, a confirmation, a removal)."""
    answer = render_template(
        "security/prove.html",
        form=form,
        passkey_options=passkeys.authentication_options(user, except_id),
        problem=problem,
        **page,
    )
    return (answer, status) if status != 200 else answer


def prove(user: User, page: dict[str, Any], except_id: int | None = None) -> Proved | Page:
    """The one prove-a-factor step of the second step, a confirmation and a removal.

    Show the page (its title, intro, action, submit and cancel) on GET; on POST spend the code or
    passkey answer the form carries (from any factor but except_id's) and return Proved, uncommitted.
    A refusal rolls back and shows the page again with why: 400 for a form that does not hold, 401
    for a proof that failed (counted by limit_attempts).
    """
    form = SecondFactorForm()
    if request.method != "POST":
        return render_proof(page, user, form, except_id)
    if not form.validate():
        return render_proof(page, user, form, except_id, " ".join(form_errors(form)), 400)
    try:
        how = prove_factor(user, form.code.data or "", form.credential.data or "", except_id)
    except ProofRefused as refusal:
        db.session.rollback()
        return render_proof(page, user, form, except_id, str(refusal), 401)
    return Proved(how)


def describe(factor: SecondFactor) -> str:
    """Name a factor for the audit log, in English like the rest of the log."""
    return f"{factor.kind.label} “{factor.name}”"


def kind_label(kind: FactorKind) -> str:
    """Name a kind of factor as the interface does, in the page's language."""
    return str(_("Passkey") if kind is FactorKind.PASSKEY else _("Authenticator app"))


def audit(user: User, action: AuditAction, label: str, comment: str = "") -> None:
    """Record a change to the account's factors, under the account's id."""
    record(user, action, "user", user.id, label, comment)


from artists.accounts.security import factors_page, sign_in  # noqa: E402,F401  (views register on bp)
