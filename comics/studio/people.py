"""Accounts in the studio: invitations (admins and editors) and turning accounts off and on (admins)."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from artists.accounts import Invitation, InvitationRefused, Role, User, create_invitation
from artists.forms import InvitationForm
from artists.models import Artist
from artists.permissions import require_admin, require_staff, signed_in_user
from comics.audit import AuditAction, record
from comics.clock import utcnow
from comics.studio import bp
from comics.studio.responses import done, form_errors, refuse
from extensions import db

RECENT_INVITATIONS = 30


def invitation_form() -> InvitationForm:
    """Return the invitation form with the roles and profiles this account may offer."""
    user = signed_in_user()
    form = InvitationForm()
    roles = list(Role) if user.is_admin else [Role.ARTIST]
    form.role.choices = [SelectChoice(role.value, role.value.capitalize()) for role in roles]
    taken = select(User.artist_id).where(User.artist_id.is_not(None))
    free = db.session.scalars(select(Artist).where(Artist.id.not_in(taken)).order_by(Artist.display_name)).all()
    form.artist.choices = [SelectChoice("", "A new profile, named by them")] + [SelectChoice(str(a.id), a.display_name) for a in free]
    return form


def people_context(form: InvitationForm) -> dict[str, object]:
    users = db.session.scalars(select(User).options(joinedload(User.artist)).order_by(User.role, User.email)).all()
    invitations = db.session.scalars(
        select(Invitation).options(joinedload(Invitation.artist)).order_by(Invitation.created_at.desc()).limit(RECENT_INVITATIONS)
    ).all()
    return {"form": form, "users": users, "invitations": invitations, "me": signed_in_user()}


@bp.get("/people")
@require_staff
def people() -> str:
    """List accounts and invitations, with the form to invite someone."""
    return render_template("studio/people.html", **people_context(invitation_form()))


@bp.post("/people/invite")
@require_staff
def invite() -> tuple[Response | str, int] | str:
    """Create a single-use, expiring invitation and show its link once."""
    user = signed_in_user()
    form = invitation_form()
    if not form.validate():
        return refuse("studio/people.html", people_context(form), form_errors(form))
    artist = db.session.get(Artist, int(form.artist.data)) if form.artist.data else None
    role = Role(form.role.data)
    try:
        invitation, token = create_invitation(
            form.email.data or "", role, user, artist=artist, ttl_hours=current_app.config["INVITATION_TTL_HOURS"]
        )
        db.session.flush()
    except InvitationRefused as refusal:
        db.session.rollback()
        return refuse("studio/people.html", people_context(form), [str(refusal)])
    record(user, AuditAction.INVITE, "invitation", invitation.id, f"{invitation.email} as {role.value}")
    db.session.commit()
    link = url_for("auth.accept", token=token, _external=True)
    return render_template("studio/invitation_created.html", invitation=invitation, link=link), 201


@bp.post("/invitations/<int:invitation_id>/revoke")
@require_staff
def revoke_invitation(invitation_id: int) -> Response:
    """Withdraw an invitation that has not been used."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    if invitation.is_open:
        invitation.revoked_at = utcnow()
        db.session.commit()
    return done(url_for("studio.people"), f"The invitation for {invitation.email} no longer works.")


def _set_active(user_id: int, active: bool) -> Response | tuple[Response | str, int]:
    me = signed_in_user()
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    if account.id == me.id:
        return refuse("studio/people.html", people_context(invitation_form()), ["You cannot turn off your own account."])
    account.active = active
    account.rotate_session_token()
    record(me, AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE, "user", account.id, account.email)
    db.session.commit()
    return done(url_for("studio.people"), f"{account.email} is {'active again' if active else 'turned off and signed out'}.")


@bp.post("/people/<int:user_id>/deactivate")
@require_admin
def deactivate(user_id: int) -> Response | tuple[Response | str, int]:
    """Turn an account off and sign it out everywhere."""
    return _set_active(user_id, False)


@bp.post("/people/<int:user_id>/reactivate")
@require_admin
def reactivate(user_id: int) -> Response | tuple[Response | str, int]:
    """Let a turned-off account sign in again."""
    return _set_active(user_id, True)
