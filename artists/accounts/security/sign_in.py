"""The sign-in's second step and the enrolment of a first factor, and the rule for sessions already open."""
from __future__ import annotations

from typing import Any

from flask import (
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response  # what redirect() is typed to return

from artists.accounts import pending_sign_in
from artists.accounts.auth import current_sign_in, finish_sign_in
from artists.accounts.forms import PasskeySetupForm, TotpSetupForm
from artists.accounts.security import (
    TOTP_SETUP_SECONDS,
    UNGUARDED_ENDPOINTS,
    Page,
    Proved,
    audit,
    bp,
    describe,
    limit_attempts,
    prove,
)
from artists.accounts.services import passkeys
from artists.accounts.services.factors import (
    RECOVERY_PROOF,
    add_totp_factor,
    factor_required,
    grouped_secret,
    has_factor,
    matching_step,
    new_totp_secret,
    provisioning_uri,
    qr_code_svg,
    recovery_codes_left,
    seal,
    totp_factor_with_key,
    unseal,
)
from artists.accounts.services.factors import make_recovery_codes as new_recovery_codes
from artists.accounts.services.passkeys import PasskeyRefused
from artists.accounts.services.sessions import end_session
from artists.models import SecondFactor, User
from comics.audit.log import AuditAction
from extensions import db
from settings import site_name
from web.form_answers import form_errors

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
    flash(_("Your account now needs a second factor. Sign in again to set one up."), "info")
    return redirect(url_for("auth.login"), code=303)


# --- the sign-in's second step -------------------------------------------------------------------


def restart_sign_in() -> Response:
    """Send someone whose second step has expired (or never began) back to the password."""
    pending_sign_in.forget()
    flash(_("Sign in again: that step took too long or was already finished."), "info")
    return redirect(url_for("auth.login"), code=303)


def verify_context() -> dict[str, Any]:
    return {
        "title": _("Confirm it is you"),
        "intro": _("Your password was right. Now use your passkey, or type the code from your authenticator app."),
        "action": url_for("security.verify"),
        "submit": _("Sign in"),
        "cancel": url_for("auth.login"),
    }


def pending_user_for(step: str) -> User | Response:
    """Return the account whose password was just right, when step is the one it is due for; else go there.

    step: "security.verify" (it has a factor to prove) or "security.enrol" (it has none yet).
    """
    user = pending_sign_in.pending_user()
    if user is None:
        return restart_sign_in()
    due = pending_sign_in.next_step(user)
    if step != due:
        return redirect(url_for(due), code=303)
    return user


@bp.route("/verify", methods=["GET", "POST"])
@limit_attempts
def verify() -> Page:
    """Ask the account whose password was right for its second factor; sign it in once given."""
    user = pending_user_for("security.verify")
    if not isinstance(user, User):
        return user
    proved = prove(user, verify_context())
    if not isinstance(proved, Proved):
        return proved
    db.session.commit()
    response = finish_sign_in(user, pending_sign_in.pending_target())
    pending_sign_in.note_proof()
    if proved.how == RECOVERY_PROOF:
        left = recovery_codes_left(user.id)
        flash(
            ngettext(
                "You signed in with a recovery code; %(num)d is left. Make new ones on your Security page if you are running out.",
                "You signed in with a recovery code; %(num)d are left. Make new ones on your Security page if you are running out.",
                left,
            ),
            "info",
        )
    return response


# --- enrolment before the first sign-in ------------------------------------------------------------

ALREADY_ENROLLED = _l("This authenticator app is already set up on your account: nothing was added. Its codes work as they are.")


def totp_setup(user: User, form: TotpSetupForm | None = None) -> dict[str, Any]:
    """Return what a page needs to show an authenticator app's setup: the key as QR code and as text.

    A form sent back keeps its secret (sealed in the form), so a mistyped code needs no new scan.
    """
    opened = unseal(form.secret.data or "", TOTP_SETUP_SECONDS) if form is not None else None
    secret = opened.split(":", 1)[1] if opened and opened.startswith(f"{user.id}:") else new_totp_secret()
    uri = provisioning_uri(secret, user.email, site_name())
    return {
        "sealed": seal(f"{user.id}:{secret}"),
        "key": grouped_secret(secret),
        "uri": uri,
        "qr": qr_code_svg(uri, _("QR code for your authenticator app")),
    }


def add_totp_from(user: User, form: TotpSetupForm) -> SecondFactor | str:
    """Add the authenticator app set up in the form once its code proves it; else return why not."""
    if not form.validate():
        return " ".join(form_errors(form))
    opened = unseal(form.secret.data or "", TOTP_SETUP_SECONDS)
    if opened is None or not opened.startswith(f"{user.id}:"):
        return str(_("This setup page was open too long. A new key is shown below: add it to your app again."))
    secret = opened.split(":", 1)[1]
    step = matching_step(secret, "".join((form.code.data or "").split()))
    if step is None:
        return str(_("That is not the code the app shows now. Check that the app has the key below and the phone's clock is right, then try again."))
    # The same form posted twice (a double click) finds its key enrolled, and adds nothing.
    if totp_factor_with_key(user.id, secret) is not None:
        return str(ALREADY_ENROLLED)
    try:
        return add_totp_factor(user, secret, form.name.data or "", step)
    except IntegrityError:  # the other post won the race; the caller rolls back
        return str(ALREADY_ENROLLED)


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
    pending_sign_in.mark_proved()
    db.session.commit()
    return render_template("security/recovery_codes.html", codes=codes, finish_action=url_for("security.finish"))


@bp.get("/enrol")
def enrol() -> Page:
    """Set up a first second factor, for an account whose password was just right."""
    user = pending_user_for("security.enrol")
    if not isinstance(user, User):
        return user
    return render_enrol(user)


@bp.post("/enrol/totp")
def enrol_totp() -> Page:
    user = pending_user_for("security.enrol")
    if not isinstance(user, User):
        return user
    form = TotpSetupForm()
    outcome = add_totp_from(user, form)
    if isinstance(outcome, str):
        db.session.rollback()
        return render_enrol(user, form, outcome, 400)
    return enrolled(user, outcome)


@bp.post("/enrol/passkey")
def enrol_passkey() -> Page:
    user = pending_user_for("security.enrol")
    if not isinstance(user, User):
        return user
    outcome = add_passkey_from(user, PasskeySetupForm(prefix="passkey"))
    if isinstance(outcome, str):
        db.session.rollback()
        return render_enrol(user, problem=outcome, status=400)
    return enrolled(user, outcome)


@bp.post("/enrol/finish")
def finish() -> Response:
    """Sign in the account that has just enrolled a factor and been shown its recovery codes.

    The proof is used up in the same transaction that opens the session: a replayed cookie opens none.
    """
    user = pending_sign_in.pending_user()
    if user is None or not pending_sign_in.finish_proof():
        db.session.rollback()
        return restart_sign_in()
    response = finish_sign_in(user, pending_sign_in.pending_target())
    pending_sign_in.note_proof()
    return response

