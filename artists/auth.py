"""Signing in and out, accepting an invitation, changing a password; what every signed-in answer carries.

Sign-in attempts are rate-limited by address *and* email and by address alone, counting only failures:
someone hammering an email from one address gets 429 there while its owner, elsewhere, still signs in.
The answer to a failed attempt is the same whether the email exists or not.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from artists.accounts import (
    InvitationRefused,
    accept_invitation,
    authenticate,
    find_open_invitation,
    normalise_email,
)
from artists.forms import AcceptInvitationForm, LoginForm, PasswordChangeForm
from artists.models import Invitation, Role, User
from comics.clock import utcnow
from extensions import db, limiter, login_manager
from web.errors import error_answer

bp = Blueprint("auth", __name__, url_prefix="/account")

FAILED_LOGIN = "That email and password do not match an account. Check both and try again."
# Endpoints whose answers are the same for everyone and cached as immutable even for the signed-in.
SHARED_ENDPOINTS = {"static", "media.file"}


def load_user(session_token: str) -> User | None:
    """Return the active account whose current session token the cookie carries."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.active.is_(True)))


def load_user_afresh() -> None:
    """Forget the user and CSRF token an earlier request cached on g, when it shared this app context.

    A request normally gets its own app context; one pushed around several requests (tests, scripts)
    would otherwise hand one client's account and token to the next.
    """
    g.pop("_login_user", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def configure_login() -> None:
    """Tell Flask-Login how to find the signed-in account and where to send everyone else."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to open the studio."
    login_manager.login_message_category = "info"


def login_email_key() -> str:
    """Key the per-email limit by address and email together, so no one can lock an owner out."""
    return f"{get_remote_address()}|{normalise_email(request.form.get('email', ''))}"


def failed(response: Response) -> bool:
    """Count an attempt against the limits only when it did not sign in."""
    return response.status_code >= 400


def local_target(target: str | None) -> str | None:
    """Return target if it is a path on this site, so ?next= cannot send anyone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMITS"], key_func=login_email_key, methods=["POST"], deduct_when=failed)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMITS_PER_IP"], methods=["POST"], deduct_when=failed)
def login() -> Response | tuple[str, int] | str:
    """Show the sign-in form; sign in with an email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("studio.dashboard"))
    form = LoginForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/login.html", form=form), 400
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            return render_template("auth/login.html", form=form, error=FAILED_LOGIN), 401
        target = local_target(request.args.get("next"))
        # A fresh session on sign-in: nothing set before it (by anyone) survives into the account's.
        session.clear()
        login_user(user)
        user.last_login_at = utcnow()
        db.session.commit()
        return redirect(target or url_for("studio.dashboard"), code=303)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> Response | tuple[str, int] | str:
    """Create an account from an invitation link, once."""
    invitation = find_open_invitation(token)
    if invitation is None:
        return error_answer(
            "This invitation link has expired, was already used, or was withdrawn. "
            "Ask the person who invited you for a new one.",
            404,
            "Invitation not found",
        )
    if current_user.is_authenticated:
        return error_answer(
            f"You are signed in as {current_user.email}. Sign out first to accept an invitation for {invitation.email}.",
            409,
            "Already signed in",
        )
    form = AcceptInvitationForm()
    needs_name = needs_display_name(invitation)
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/accept.html", form=form, invitation=invitation, needs_name=needs_name), 400
        try:
            user = accept_invitation(invitation, form.password.data or "", form.display_name.data or "")
        except InvitationRefused as refusal:
            db.session.rollback()
            return render_template(
                "auth/accept.html", form=form, invitation=invitation, needs_name=needs_name, error=str(refusal)
            ), 400
        db.session.commit()
        session.clear()
        login_user(user)
        flash("Welcome! Your account is ready.", "success")
        return redirect(url_for("studio.dashboard"), code=303)
    return render_template("auth/accept.html", form=form, invitation=invitation, needs_name=needs_name)


def needs_display_name(invitation: Invitation) -> bool:
    """Tell whether accepting creates a new artist profile, which needs a name."""
    return invitation.role == Role.ARTIST and invitation.artist is None


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Response | tuple[str, int] | str:
    """Change the signed-in account's password, signing out its other sessions."""
    form = PasswordChangeForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/password.html", form=form), 400
        user: User = current_user._get_current_object()  # type: ignore[attr-defined]
        if not user.check_password(form.current_password.data or ""):
            form.current_password.errors = ["That is not your current password."]
            return render_template("auth/password.html", form=form), 400
        user.set_password(form.password.data or "")
        db.session.commit()
        # The token just rotated: sign this session in again under the new one.
        login_user(user)
        flash("Your password is changed. Other devices were signed out.", "success")
        return redirect(url_for("studio.dashboard"), code=303)
    return render_template("auth/password.html", form=form)


def keep_signed_in_pages_private(response: Response) -> Response:
    """Never let a shared cache keep a page rendered for a signed-in account."""
    if request.endpoint not in SHARED_ENDPOINTS and current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


