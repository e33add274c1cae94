"""Signing in and out, accepting an invitation, changing a password, one's sessions; what every signed-in
answer carries.

Every sign-in is a session kept on the server (artists/accounts/services/sessions.py): the cookie carries only a random
token, and signing out, a password change or "sign out everywhere else" ends sessions at once.
Sign-in attempts are limited by address and email, by address, and by a growing delay per email
(artists/accounts/services/sign_in_limits.py), counting only failures. The answer to a failed attempt is the same whether
the email exists or not.
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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse  # what redirect() is typed to return

from artists.accounts import pending_sign_in
from artists.accounts.forms import AcceptInvitationForm, LoginForm, PasswordChangeForm
from artists.accounts.services.factors import needs_second_step
from artists.accounts.services.invitations import InvitationRefused, accept_invitation, find_open_invitation
from artists.accounts.services.sessions import (
    end_session,
    end_sessions,
    forget_ended_sessions,
    live_session,
    note_seen,
    open_session,
    sessions_of,
)
from artists.accounts.services.sign_in_limits import (
    address_and_email_key,
    address_key,
    delay_subject,
    note_failure,
    note_success,
    remember_device,
    take_turn,
)
from artists.accounts.services.users import account_words, authenticate
from artists.models import Invitation, Role, SignInSession, User
from comics import clock
from comics.audit.log import AuditAction, record
from extensions import db, limiter, login_manager
from web.areas import declare_area
from web.errors import error_answer

# Its forms post back: the CSRF check over HTTPS needs the page's same-origin Referer (web.areas).
bp = declare_area(Blueprint("auth", __name__, url_prefix="/account"), forms_post_back=True)

FAILED_LOGIN = _l("That email and password do not match an account. Check both and try again.")
# Endpoints whose answers are the same for everyone and cached as immutable even for the signed-in.
SHARED_ENDPOINTS = {"static", "media.file"}


def load_user(token: str) -> User | None:
    """Return the account of the open session whose token the cookie carries, noting that it was seen."""
    sign_in = live_session(token)
    if sign_in is None:
        return None
    g.sign_in_session = sign_in
    if note_seen(sign_in):
        # Safe to commit here: load_user_afresh loads the user before any view has changed anything.
        db.session.commit()
    return sign_in.user


def current_sign_in() -> SignInSession | None:
    """Return the session the signed-in account is using in this request, if any."""
    return g.get("sign_in_session") if current_user.is_authenticated else None


def load_user_afresh() -> None:
    """Forget the user and CSRF token an earlier request cached on g, then find this request's session.

    A request normally gets its own app context; one pushed around several requests (tests, scripts)
    would otherwise hand one client's account and token to the next. The session is looked up first
    thing (when the request carries a session cookie at all), so the once-a-minute note of when it was
    last seen is committed before any view begins its own changes.
    """
    g.pop("_login_user", None)
    g.pop("sign_in_session", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    has_token = current_app.config["SESSION_COOKIE_NAME"] in request.cookies and "_user_id" in session
    # Asking current_user loads the session here; one that has ended (signed out elsewhere, idle, too
    # old) has its token dropped from the cookie.
    if has_token and not current_user.is_authenticated:
        session.pop("_user_id")


def configure_login() -> None:
    """Tell Flask-Login how to find the signed-in account and where to send everyone else."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to open the studio.")
    login_manager.localize_callback = str  # flashed in the page's language, as a plain string the session can keep
    login_manager.login_message_category = "info"
    # Flask-Login's words are never shown: this one would be, should a view ever ask for a fresh sign-in.
    login_manager.needs_refresh_message = _l("Sign in again to continue.")
    login_manager.needs_refresh_message_category = "info"
    # Flask-Login's session protection compares a SHA-512 of the client's address and user agent, kept
    # in the cookie: a readable trace of where a device was. Sessions on the server do its work (a
    # stolen cookie dies at sign-out, after SESSION_IDLE_MINUTES idle, SESSION_LIFETIME_HOURS at most),
    # so it is off, and finish_sign_in drops the hash login_user still writes. No remember-me cookie
    # is ever set either.
    login_manager.session_protection = None


def state_the_real_wait(response: Response) -> Response:
    """Give a sign-in answer's Retry-After the wait the per-email delay set (g.sign_in_wait), and no other.

    Flask-Limiter sets Retry-After on every answer of a limited view to the end of its own window (15
    minutes with the default LOGIN_RATE_LIMITS), raising any the view set: a refusal whose page said
    "1 second" told clients to wait 900. This hook is registered before the limiter's own (app.py,
    configure_extensions), so Flask, which runs them in reverse, runs it after. An answer the limiter
    itself refused never reaches the view, so it keeps the limiter's wait, which is then the real one.
    """
    wait = g.pop("sign_in_wait", 0)
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


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
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMITS"], key_func=address_and_email_key, methods=["POST"], deduct_when=failed)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMITS_PER_IP"], key_func=address_key, methods=["POST"], deduct_when=failed)
def login() -> BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]] | str:
    """Show the sign-in form; sign in with an email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("studio.dashboard"))
    form = LoginForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/login.html", form=form), 400
        email = form.email.data or ""
        # The attempt takes its turn before its password is checked: parallel ones find it taken.
        turn = take_turn(delay_subject(email))
        if wait := turn.wait:
            # Refused unread: no password is checked while the wait lasts.
            error = ngettext(
                "The last attempt for this email failed, so the next one waits a little longer each time. "
                "Try again in %(num)d second.",
                "The last attempt for this email failed, so the next one waits a little longer each time. "
                "Try again in %(num)d seconds.",
                wait,
            )
            g.sign_in_wait = wait
            return render_template("auth/login.html", form=form, error=error), 429
        user = authenticate(email, form.password.data or "")
        if user is None:
            # The next attempt for this email waits this long: the answer says so (state_the_real_wait).
            g.sign_in_wait = note_failure(turn)
            return render_template("auth/login.html", form=form, error=FAILED_LOGIN), 401
        note_success(turn)
        target = local_target(request.args.get("next"))
        if needs_second_step(user):
            # The password alone opens nothing: a second factor (or enrolling one) comes first.
            return redirect(pending_sign_in.begin(user, target), code=303)
        return finish_sign_in(user, target)
    return render_template("auth/login.html", form=form)


def finish_sign_in(user: User, target: str | None) -> BaseResponse:
    """Open a new session for an account whose every sign-in step has passed, and go on to target.

    The one place a sign-in session begins: the password form, a second factor and an accepted
    invitation all end here.
    """
    token = open_session(user)
    user.last_login_at = clock.utcnow()
    record(user, AuditAction.SIGN_IN, "user", user.id, user.label)
    forget_ended_sessions()
    db.session.commit()
    # A fresh cookie on sign-in: nothing set before it (by anyone) survives into the account's.
    session.clear()
    login_user(user)
    # The cookie carries the session's random token, not the account's id, and no hash of the
    # client's address and user agent (which login_user writes whatever session_protection says).
    session["_user_id"] = token
    session.pop("_id", None)
    response = redirect(target or url_for("studio.dashboard"), code=303)
    remember_device(response, user)
    return response


@bp.post("/logout")
def logout() -> BaseResponse:
    """Sign out: end this session on the server, then forget the cookie."""
    sign_in = current_sign_in()
    if sign_in is not None:
        end_session(sign_in)
        record(sign_in.user, AuditAction.SIGN_OUT, "user", sign_in.user_id, sign_in.user.label)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept(token: str) -> BaseResponse | tuple[BaseResponse | str, int] | str:
    """Create an account from an invitation link, once."""
    invitation = find_open_invitation(token)
    if invitation is None:
        return error_answer(
            _(
                "This invitation link has expired, was already used, or was withdrawn. "
                "Ask the person who invited you for a new one."
            ),
            404,
            _("Invitation not found"),
        )
    if current_user.is_authenticated:
        return error_answer(
            _(
                "You are signed in as %(email)s. Sign out first to accept an invitation for %(invited)s.",
                email=current_user.email,
                invited=invitation.email,
            ),
            409,
            _("Already signed in"),
        )
    form = AcceptInvitationForm(invitation=invitation)
    needs_name = needs_display_name(invitation)
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/accept.html", form=form, invitation=invitation, needs_name=needs_name), 400
        try:
            user = accept_invitation(invitation, form.judged_password(), form.display_name.data or "")
        except InvitationRefused as refusal:
            db.session.rollback()
            return render_template(
                "auth/accept.html", form=form, invitation=invitation, needs_name=needs_name, error=str(refusal)
            ), 400
        db.session.flush()
        if needs_second_step(user):
            # An admin's or editor's first sign-in enrols a second factor before the studio opens.
            db.session.commit()
            return redirect(pending_sign_in.begin(user, url_for("studio.dashboard")), code=303)
        response = finish_sign_in(user, url_for("studio.dashboard"))
        flash(_("Welcome! Your account is ready."), "success")
        return response
    return render_template("auth/accept.html", form=form, invitation=invitation, needs_name=needs_name)


def needs_display_name(invitation: Invitation) -> bool:
    """Tell whether accepting creates a new artist profile, which needs a name."""
    return invitation.role == Role.ARTIST and invitation.artist is None


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> BaseResponse | tuple[str, int] | str:
    """Change the signed-in account's password, signing out its other sessions."""
    user: User = current_user._get_current_object()
    form = PasswordChangeForm(account=account_words(user.email, *([user.artist.display_name] if user.artist else [])))
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/password.html", form=form), 400
        if not user.check_password(form.current_password.data or ""):
            form.current_password.errors = [_("That is not your current password.")]
            return render_template("auth/password.html", form=form), 400
        user.set_password(form.judged_password().text)
        ended = end_sessions(user, keep=current_sign_in())
        record(user, AuditAction.PASSWORD_CHANGE, "user", user.id, user.label)
        if ended:
            record(user, AuditAction.SESSION_REVOKE, "user", user.id, user.label, f"{ended} other session(s), at the password change")
        db.session.commit()
        flash(_("Your password is changed. Other devices were signed out."), "success")
        return redirect(url_for("studio.dashboard"), code=303)
    return render_template("auth/password.html", form=form)


@bp.get("/sessions")
@login_required
def sessions() -> str:
    """List the account's open sessions by the day each began and was last used: never by address."""
    current = current_sign_in()
    rows = [
        {
            "id": sign_in.id,
            "began": sign_in.created_at,
            "last_seen": sign_in.last_seen_at,
            "current": current is not None and sign_in.id == current.id,
        }
        for sign_in in sessions_of(current_user._get_current_object())
    ]
    return render_template("auth/sessions.html", sessions=rows)


@bp.post("/sessions/others/end")
@login_required
def end_other_sessions() -> BaseResponse:
    """Sign out everywhere but here."""
    user: User = current_user._get_current_object()
    ended = end_sessions(user, keep=current_sign_in())
    if ended:
        record(user, AuditAction.SESSION_REVOKE, "user", user.id, user.label, f"{ended} other session(s), signed out by their owner")
    db.session.commit()
    flash(ngettext("Signed out everywhere else (%(num)d session).", "Signed out everywhere else (%(num)d sessions).", ended), "success")
    return redirect(url_for("auth.sessions"), code=303)


@bp.post("/sessions/<row_id:session_id>/end")
@login_required
def end_one_session(session_id: int) -> BaseResponse:
    """Sign out one of the account's sessions; ending this one signs out here."""
    user: User = current_user._get_current_object()
    sign_in = next((each for each in sessions_of(user) if each.id == session_id), None)
    if sign_in is None:
        # Another account's session, or one already ended: the same answer, nothing changed.
        flash(_("That session had already ended."), "info")
        return redirect(url_for("auth.sessions"), code=303)
    current = current_sign_in()
    if current is not None and sign_in.id == current.id:
        return logout()
    end_session(sign_in)
    record(user, AuditAction.SESSION_REVOKE, "user", user.id, user.label, "1 other session, signed out by its owner")
    db.session.commit()
    flash(_("That session is signed out."), "success")
    return redirect(url_for("auth.sessions"), code=303)


def keep_signed_in_pages_private(response: Response) -> Response:
    """Never let a shared cache keep a page rendered for a signed-in account."""
    if request.endpoint not in SHARED_ENDPOINTS and current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
    return response


