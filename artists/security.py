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

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response  # what redirect() is typed to return

from artists import passkeys, second_step
from artists.auth import current_sign_in, failed, finish_sign_in, local_target
from artists.forms import PasskeySetupForm, SecondFactorForm, TotpSetupForm
from artists.models import FactorKind, SecondFactor, User
from artists.passkeys import PasskeyRefused
from artists.permissions import signed_in_user
from artists.second_factors import (
    RECOVERY_PROOF,
    add_totp_factor,
    factor_required,
    factors_of,
    grouped_secret,
    has_factor,
    matching_step,
    may_remove,
    new_totp_secret,
    provisioning_uri,
    qr_code_svg,
    recovery_codes_left,
    remove_factor,
    seal,
    unseal,
    use_code,
)
from artists.second_factors import make_recovery_codes as new_recovery_codes
from artists.sessions import end_session
from comics.publishing.audit import AuditAction, record
from extensions import db, limiter
from web.form_answers import form_errors

bp = Blueprint("security", __name__, url_prefix="/account")


@bp.after_request
def never_store(response: Response) -> Response:
    """Keep every answer here out of every cache: they show keys and recovery codes, even before sign-in."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


# How long a new authenticator app's secret, carried sealed in its setup form, stays valid.
TOTP_SETUP_SECONDS = 15 * 60
WRONG_CODE = (
    "That code did not work. Type the code your app shows now (each works only once), "
    "or one of your recovery codes."
)
Page = Response | str | tuple[Response | str, int]
# Requests that still work for an account about to be signed out for a missing factor.
UNGUARDED_ENDPOINTS = {"static", "auth.logout"}


def second_factor_key() -> str:
    """Count second-factor failures per account: the signed-in one, or the one whose password was just right."""
    user = current_user if current_user.is_authenticated else second_step.pending_user()
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


class ProofRefused(ValueError):
    """A code or passkey answer that proved nothing, with the reason to show."""


def check_proof(user: User, form: SecondFactorForm, except_id: int | None = None) -> str:
    """Spend the code or passkey answer the form carries (from any factor but except_id's).

    Return how the account proved itself, for the audit log; raise ProofRefused otherwise.
    """
    if form.credential.data:
        try:
            factor = passkeys.authenticate(user, form.credential.data, except_id)
        except PasskeyRefused as refusal:
            raise ProofRefused(str(refusal)) from None
        return f"passkey “{factor.name}”"
    code = (form.code.data or "").strip()
    if not code:
        raise ProofRefused("Type a code, or use your passkey.")
    proof = use_code(user.id, code, except_id)
    if proof is None:
        raise ProofRefused(WRONG_CODE)
    return proof


def describe(factor: SecondFactor) -> str:
    return f"{factor.kind.label} “{factor.name}”"


def audit(user: User, action: AuditAction, label: str, comment: str = "") -> None:
    """Record a change to the account's factors, under the account's id."""
    record(user, action, "user", user.id, label, comment)


# --- the rule for sessions already open ------------------------------------------------------------


def sign_out_accounts_missing_a_factor() -> Response | None:
    """End a signed-in session whose account's role needs a second factor it has not enrolled.

    Such a session began before the rule (or before its role changed, or ARTISTS_REQUIRE_SECOND_FACTOR
    was set): it is ended on the server too, and the next sign-in leads to enrolment.
    """
    if request.endpoint in UNGUARDED_ENDPOINTS or not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    if not factor_required(user) or has_factor(user.id):
        return None
    sign_in = current_sign_in()
    if sign_in is not None:
        end_session(sign_in)
        db.session.commit()
    logout_user()
    session.clear()
    flash("Your account now needs a second factor. Sign in again to set one up.", "info")
    return redirect(url_for("auth.login"), code=303)


# --- the sign-in's second step -------------------------------------------------------------------


def restart_sign_in() -> Response:
    """Send someone whose second step has expired (or never began) back to the password."""
    second_step.forget()
    flash("Sign in again: that step took too long or was already finished.", "info")
    return redirect(url_for("auth.login"), code=303)


def render_proof(template_context: dict[str, Any], user: User, form: SecondFactorForm, except_id: int | None = None, problem: str | None = None, status: int = 200) -> Page:
    """Show a page asking for a code or a passkey (the second step, a confirmation, a removal)."""
    page = render_template(
        "security/prove.html",
        form=form,
        passkey_options=passkeys.authentication_options(user, except_id),
        problem=problem,
        **template_context,
    )
    return (page, status) if status != 200 else page


def verify_context() -> dict[str, Any]:
    return {
        "title": "Confirm it is you",
        "intro": "Your password was right. Now use your passkey, or type the code from your authenticator app.",
        "action": url_for("security.verify"),
        "submit": "Sign in",
        "cancel": url_for("auth.login"),
    }


@bp.route("/verify", methods=["GET", "POST"])
@limit_attempts
def verify() -> Page:
    """Ask the account whose password was right for its second factor; sign it in once given."""
    user = second_step.pending_user()
    if user is None:
        return restart_sign_in()
    if not has_factor(user.id):
        return redirect(url_for("security.enrol"), code=303)
    form = SecondFactorForm()
    if request.method == "POST":
        if not form.validate():
            return render_proof(verify_context(), user, form, problem=" ".join(form_errors(form)), status=400)
        try:
            proof = check_proof(user, form)
        except ProofRefused as refusal:
            db.session.rollback()
            return render_proof(verify_context(), user, form, problem=str(refusal), status=401)
        db.session.commit()
        response = finish_sign_in(user, second_step.pending_target())
        second_step.note_proof()
        if proof == RECOVERY_PROOF:
            left = recovery_codes_left(user.id)
            flash(f"You signed in with a recovery code; {left} are left. Make new ones on your Security page if you are running out.", "info")
        return response
    return render_proof(verify_context(), user, form)


# --- enrolment before the first sign-in ------------------------------------------------------------


def totp_setup(user: User, form: TotpSetupForm | None = None) -> dict[str, Any]:
    """Return what a page needs to show an authenticator app's setup: the key as QR code and as text.

    A form sent back keeps its secret (sealed in the form), so a mistyped code needs no new scan.
    """
    opened = unseal(form.secret.data or "", TOTP_SETUP_SECONDS) if form is not None else None
    secret = opened.split(":", 1)[1] if opened and opened.startswith(f"{user.id}:") else new_totp_secret()
    uri = provisioning_uri(secret, user.email, current_app.config["SITE_NAME"])
    return {
        "sealed": seal(f"{user.id}:{secret}"),
        "key": grouped_secret(secret),
        "uri": uri,
        "qr": qr_code_svg(uri, "QR code for your authenticator app"),
    }


def add_totp_from(user: User, form: TotpSetupForm) -> SecondFactor | str:
    """Add the authenticator app set up in the form once its code proves it; else return why not."""
    if not form.validate():
        return " ".join(form_errors(form))
    opened = unseal(form.secret.data or "", TOTP_SETUP_SECONDS)
    if opened is None or not opened.startswith(f"{user.id}:"):
        return "This setup page was open too long. A new key is shown below: add it to your app again."
    secret = opened.split(":", 1)[1]
    step = matching_step(secret, "".join((form.code.data or "").split()))
    if step is None:
        return "That is not the code the app shows now. Check that the app has the key below and the phone's clock is right, then try again."
    return add_totp_factor(user, secret, form.name.data or "", step)


def add_passkey_from(user: User, form: PasskeySetupForm) -> SecondFactor | str:
    """Add the passkey the browser made for the form; else return why not."""
    if not form.validate():
        return " ".join(form_errors(form))
    try:
        return passkeys.register(user, form.credential.data or "", form.name.data or "")
    except PasskeyRefused as refusal:
        return str(refusal)


def render_enrol(user: User, totp_form: TotpSetupForm | None = None, problem: str | None = None, status: int = 200) -> Page:
    page = render_template(
        "security/enrol.html",
        totp_form=totp_form or TotpSetupForm(formdata=None),
        passkey_setup=PasskeySetupForm(formdata=None, prefix="passkey"),
        totp=totp_setup(user, totp_form),
        passkey_options=passkeys.registration_options(user),
        problem=problem,
        required=factor_required(user),
    )
    return (page, status) if status != 200 else page


def enrolled(user: User, factor: SecondFactor) -> str:
    """Finish an enrolment at sign-in: audit it, make the recovery codes and show them, once."""
    audit(user, AuditAction.FACTOR_ADD, describe(factor))
    codes = new_recovery_codes(user.id)
    audit(user, AuditAction.RECOVERY_CODES, f"{len(codes)} recovery codes")
    db.session.commit()
    second_step.mark_proved()
    return render_template("security/recovery_codes.html", codes=codes, finish_action=url_for("security.finish"))


@bp.get("/enrol")
def enrol() -> Page:
    """Set up a first second factor, for an account whose password was just right."""
    user = second_step.pending_user()
    if user is None:
        return restart_sign_in()
    if has_factor(user.id):
        return redirect(url_for("security.verify"), code=303)
    return render_enrol(user)


@bp.post("/enrol/totp")
def enrol_totp() -> Page:
    user = second_step.pending_user()
    if user is None:
        return restart_sign_in()
    if has_factor(user.id):
        return redirect(url_for("security.verify"), code=303)
    form = TotpSetupForm()
    outcome = add_totp_from(user, form)
    if isinstance(outcome, str):
        db.session.rollback()
        return render_enrol(user, form, outcome, 400)
    return enrolled(user, outcome)


@bp.post("/enrol/passkey")
def enrol_passkey() -> Page:
    user = second_step.pending_user()
    if user is None:
        return restart_sign_in()
    if has_factor(user.id):
        return redirect(url_for("security.verify"), code=303)
    outcome = add_passkey_from(user, PasskeySetupForm(prefix="passkey"))
    if isinstance(outcome, str):
        db.session.rollback()
        return render_enrol(user, problem=outcome, status=400)
    return enrolled(user, outcome)


@bp.post("/enrol/finish")
def finish() -> Response:
    """Sign in the account that has just enrolled a factor and been shown its recovery codes."""
    user = second_step.pending_user()
    if user is None or not second_step.is_proved():
        return restart_sign_in()
    response = finish_sign_in(user, second_step.pending_target())
    second_step.note_proof()
    return response


# --- the Security page -----------------------------------------------------------------------------


def get_own_factor(factor_id: int) -> SecondFactor:
    """Return one of the signed-in account's factors, or answer 404 (someone else's is not found either)."""
    factor = db.session.scalar(
        select(SecondFactor).where(SecondFactor.id == factor_id, SecondFactor.user_id == signed_in_user().id)
    )
    if factor is None:
        abort(404)
    return factor


def stale_proof(user: User, then: str | None = None) -> Response | None:
    """Ask for a factor again unless this session proved one recently (or the account has none yet).

    After the proof the browser comes back to then, by default this page.
    """
    if not has_factor(user.id) or second_step.proved_recently():
        return None
    return redirect(url_for("security.confirm", next=then or request.path), code=303)


def show_new_codes_or_return(user: User, factor: SecondFactor) -> Page:
    """After adding a factor: the first one gets recovery codes, shown now; otherwise back to the list."""
    audit(user, AuditAction.FACTOR_ADD, describe(factor))
    if recovery_codes_left(user.id) == 0:
        codes = new_recovery_codes(user.id)
        audit(user, AuditAction.RECOVERY_CODES, f"{len(codes)} recovery codes")
        db.session.commit()
        second_step.note_proof()
        return render_template("security/recovery_codes.html", codes=codes, added=factor)
    db.session.commit()
    second_step.note_proof()
    flash(f"{describe(factor)} is added.", "success")
    return redirect(url_for("security.overview"), code=303)


@bp.get("/security")
@login_required
def overview() -> str:
    """List the account's second factors and recovery codes, with what can be done with them."""
    user = signed_in_user()
    return render_template(
        "security/overview.html",
        factors=factors_of(user.id),
        codes_left=recovery_codes_left(user.id),
        required=factor_required(user),
        FactorKind=FactorKind,
    )


@bp.route("/security/confirm", methods=["GET", "POST"])
@login_required
@limit_attempts
def confirm() -> Page:
    """Prove a factor again before a change to the account's factors, then go on to it."""
    user = signed_in_user()
    target = local_target(request.args.get("next")) or url_for("security.overview")
    if not has_factor(user.id):
        return redirect(target, code=303)
    context = {
        "title": "Confirm it is you",
        "intro": "Before changing how you sign in, use your passkey or type a code from your authenticator app.",
        "action": url_for("security.confirm", next=target),
        "submit": "Confirm",
        "cancel": url_for("security.overview"),
    }
    form = SecondFactorForm()
    if request.method == "POST":
        if not form.validate():
            return render_proof(context, user, form, problem=" ".join(form_errors(form)), status=400)
        try:
            check_proof(user, form)
        except ProofRefused as refusal:
            db.session.rollback()
            return render_proof(context, user, form, problem=str(refusal), status=401)
        db.session.commit()
        second_step.note_proof()
        return redirect(target, code=303)
    return render_proof(context, user, form)


@bp.route("/security/totp", methods=["GET", "POST"])
@login_required
def add_totp() -> Page:
    """Add an authenticator app: scan its key, type the code it shows."""
    user = signed_in_user()
    stale = stale_proof(user)
    if stale is not None:
        return stale
    if request.method == "POST":
        form = TotpSetupForm()
        outcome = add_totp_from(user, form)
        if isinstance(outcome, str):
            db.session.rollback()
            return render_template("security/add_totp.html", form=form, totp=totp_setup(user, form), problem=outcome), 400
        return show_new_codes_or_return(user, outcome)
    return render_template("security/add_totp.html", form=TotpSetupForm(formdata=None), totp=totp_setup(user))


@bp.route("/security/passkey", methods=["GET", "POST"])
@login_required
def add_passkey() -> Page:
    """Add a passkey made by this device, a phone nearby or a security key."""
    user = signed_in_user()
    stale = stale_proof(user)
    if stale is not None:
        return stale
    form = PasskeySetupForm(prefix="passkey")
    if request.method == "POST":
        outcome = add_passkey_from(user, form)
        if isinstance(outcome, str):
            db.session.rollback()
            return render_template(
                "security/add_passkey.html", form=form, passkey_options=passkeys.registration_options(user), problem=outcome
            ), 400
        return show_new_codes_or_return(user, outcome)
    return render_template("security/add_passkey.html", form=form, passkey_options=passkeys.registration_options(user))


@bp.route("/security/factors/<row_id:factor_id>/remove", methods=["GET", "POST"])
@login_required
@limit_attempts
def remove(factor_id: int) -> Page:
    """Remove a factor, proved by another one or a recovery code; never the last one a role needs."""
    user = signed_in_user()
    factor = get_own_factor(factor_id)
    if not may_remove(user, factor):
        return render_template("security/remove_refused.html", factor=factor), 409
    context = {
        "title": f"Remove {describe(factor)}",
        "intro": (
            f"To remove {describe(factor)}, prove it is you with another of your factors or a recovery code. "
            "A code from the app you are removing does not count."
        ),
        "action": url_for("security.remove", factor_id=factor.id),
        "submit": "Remove it",
        "cancel": url_for("security.overview"),
        "removing": factor,
    }
    form = SecondFactorForm()
    if request.method == "POST":
        if not form.validate():
            return render_proof(context, user, form, factor.id, " ".join(form_errors(form)), 400)
        try:
            proof = check_proof(user, form, except_id=factor.id)
        except ProofRefused as refusal:
            db.session.rollback()
            return render_proof(context, user, form, factor.id, str(refusal), 401)
        label = describe(factor)
        remove_factor(factor)
        audit(user, AuditAction.FACTOR_REMOVE, label, f"confirmed with {proof}")
        db.session.commit()
        second_step.note_proof()
        flash(f"{label} is removed.", "success")
        return redirect(url_for("security.overview"), code=303)
    return render_proof(context, user, form, factor.id)


@bp.post("/security/recovery-codes")
@login_required
def recovery_codes() -> Page:
    """Replace the account's recovery codes with new ones, shown once."""
    user = signed_in_user()
    if not has_factor(user.id):
        flash("Add a passkey or an authenticator app first: recovery codes stand in for one.", "info")
        return redirect(url_for("security.overview"), code=303)
    stale = stale_proof(user, then=url_for("security.overview"))
    if stale is not None:
        return stale
    codes = new_recovery_codes(user.id)
    audit(user, AuditAction.RECOVERY_CODES, f"{len(codes)} recovery codes", "the earlier codes stopped working")
    db.session.commit()
    return render_template("security/recovery_codes.html", codes=codes)
