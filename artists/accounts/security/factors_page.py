"""The signed-in account's Security page: its factors, adding and removing them, new recovery codes."""
from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response  # what redirect() is typed to return

from artists.accounts import pending_sign_in
from artists.accounts.auth import local_target
from artists.accounts.forms import PasskeySetupForm, TotpSetupForm
from artists.accounts.security import Page, Proved, audit, bp, describe, kind_label, limit_attempts, prove
from artists.accounts.security.sign_in import add_passkey_from, add_totp_from, totp_setup
from artists.accounts.services import passkeys
from artists.accounts.services.factors import (
    factor_required,
    factors_of,
    has_factor,
    may_remove,
    recovery_codes_left,
    remove_factor,
)
from artists.accounts.services.factors import make_recovery_codes as new_recovery_codes
from artists.models import FactorKind, SecondFactor, User
from artists.permissions import signed_in_user
from comics.audit.log import AuditAction
from extensions import db

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
    if not has_factor(user.id) or pending_sign_in.proved_recently():
        return None
    return redirect(url_for("security.confirm", next=then or request.path), code=303)


def show_new_codes_or_return(user: User, factor: SecondFactor) -> Page:
    """After adding a factor: the first one gets recovery codes, shown now; otherwise back to the list."""
    audit(user, AuditAction.FACTOR_ADD, describe(factor))
    if recovery_codes_left(user.id) == 0:
        codes = new_recovery_codes(user.id)
        audit(user, AuditAction.RECOVERY_CODES, f"{len(codes)} recovery codes")
        db.session.commit()
        pending_sign_in.note_proof()
        return render_template("security/recovery_codes.html", codes=codes, added=factor)
    db.session.commit()
    pending_sign_in.note_proof()
    flash(_("%(kind)s “%(name)s” is added.", kind=kind_label(factor.kind), name=factor.name), "success")
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
        "title": _("Confirm it is you"),
        "intro": _("Before changing how you sign in, use your passkey or type a code from your authenticator app."),
        "action": url_for("security.confirm", next=target),
        "submit": _("Confirm"),
        "cancel": url_for("security.overview"),
    }
    proved = prove(user, context)
    if not isinstance(proved, Proved):
        return proved
    db.session.commit()
    pending_sign_in.note_proof()
    return redirect(target, code=303)


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
        "title": _("Remove %(kind)s “%(name)s”", kind=kind_label(factor.kind), name=factor.name),
        "intro": _(
            "To remove %(kind)s “%(name)s”, prove it is you with another of your factors or a recovery code. "
            "A code from the app you are removing does not count.",
            kind=kind_label(factor.kind),
            name=factor.name,
        ),
        "action": url_for("security.remove", factor_id=factor.id),
        "submit": _("Remove it"),
        "cancel": url_for("security.overview"),
        "removing": factor,
    }
    proved = prove(user, context, except_id=factor.id)
    if not isinstance(proved, Proved):
        return proved
    label = describe(factor)
    removed = _("%(kind)s “%(name)s” is removed.", kind=kind_label(factor.kind), name=factor.name)
    remove_factor(factor)
    audit(user, AuditAction.FACTOR_REMOVE, label, f"confirmed with {proved.how}")
    db.session.commit()
    pending_sign_in.note_proof()
    flash(removed, "success")
    return redirect(url_for("security.overview"), code=303)


@bp.post("/security/recovery-codes")
@login_required
def recovery_codes() -> Page:
    """Replace the account's recovery codes with new ones, shown once."""
    user = signed_in_user()
    if not has_factor(user.id):
        flash(_("Add a passkey or an authenticator app first: recovery codes stand in for one."), "info")
        return redirect(url_for("security.overview"), code=303)
    stale = stale_proof(user, then=url_for("security.overview"))
    if stale is not None:
        return stale
    codes = new_recovery_codes(user.id)
    audit(user, AuditAction.RECOVERY_CODES, f"{len(codes)} recovery codes", "the earlier codes stopped working")
    db.session.commit()
    return render_template("security/recovery_codes.html", codes=codes)
