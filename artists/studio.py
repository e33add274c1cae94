"""The studio's pages for people: artist profiles (name, bio, picture, links) and accounts.

Links are updated in place, never deleted and re-created, so their ids (which the public /go/<id>
redirect and its counts use) survive every edit. Invitations are made by admins and editors; admins
alone turn accounts off and on. Signed-in accounts only, like every studio page.
"""
from __future__ import annotations

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is for 3.2

from artists.accounts import InvitationRefused, create_invitation
from artists.forms import InvitationForm, ProfileForm
from artists.models import Artist, ArtistLink, Invitation, LinkKind, Role, User
from artists.permissions import (
    get_artist_for_edit,
    require_admin,
    require_staff,
    signed_in_user,
    studio_blueprint,
)
from comics.clock import utcnow
from comics.images.ingest import (
    IngestError,
    discard_unreferenced,
    replace_single_image,
    rollback_and_discard,
)
from comics.images.opening import RejectedImage
from comics.publishing.audit import AuditAction, record
from extensions import db
from web.form_answers import done, form_errors, refuse

bp = studio_blueprint("artist_studio", __name__)

BLANK_LINK_ROWS = 2
RECENT_INVITATIONS = 30


# --- profiles ------------------------------------------------------------------------------------


@bp.get("/profile")
def my_profile() -> Response:
    """Open the signed-in artist's own profile (editors without one get the list of artists)."""
    user = signed_in_user()
    if user.artist_id is not None:
        return redirect(url_for("artist_studio.edit_profile", artist_id=user.artist_id))
    if user.is_staff:
        return redirect(url_for("artist_studio.artists"))
    abort(404)


@bp.get("/artists")
@require_staff
def artists() -> str:
    """List every artist profile, for editors."""
    return render_template("studio/artists.html", artists=db.session.scalars(select(Artist).order_by(Artist.display_name)).all())


def profile_form_for(artist: Artist) -> ProfileForm:
    """Return the profile form filled from the artist, with blank rows for new links."""
    links = [
        {"id": str(link.id), "kind": link.kind.value, "label": link.label, "url": link.url, "position": str(index), "primary": link.is_primary}
        for index, link in enumerate(artist.links, start=1)
    ]
    form = ProfileForm(formdata=None, display_name=artist.display_name, bio_markdown=artist.bio_markdown, links=links)
    for _ in range(BLANK_LINK_ROWS):
        form.links.append_entry()
    return form


@bp.route("/artists/<int:artist_id>/profile", methods=["GET", "POST"])
def edit_profile(artist_id: int) -> Response | tuple[Response | str, int] | str:
    """Edit an artist's display name, bio, picture and links."""
    artist = get_artist_for_edit(artist_id)
    if request.method == "GET":
        return render_template("studio/profile.html", artist=artist, form=profile_form_for(artist))
    form = ProfileForm()
    context = {"artist": artist, "form": form}
    if not form.validate():
        return refuse("studio/profile.html", context, form_errors(form))
    own = {link.id: link for link in artist.links}
    ids = [entry.form.id.data for entry in form.links.entries if entry.form.id.data]
    if any(not raw.isdigit() or int(raw) not in own for raw in ids):
        return refuse("studio/profile.html", context, ["The form names links that are not this artist's; reload the page and try again."])
    try:
        discard = apply_profile(artist, form, own)
        db.session.flush()
    except (IngestError, RejectedImage) as refusal:
        rollback_and_discard()
        reasons = refusal.reasons if isinstance(refusal, IngestError) else [str(refusal)]
        return refuse("studio/profile.html", {"artist": get_artist_for_edit(artist_id), "form": form}, ["Picture: " + reason for reason in reasons])
    db.session.commit()
    discard_unreferenced(discard)
    return done(url_for("artist_studio.edit_profile", artist_id=artist.id), "Profile saved.")


def apply_profile(artist: Artist, form: ProfileForm, own: dict[int, ArtistLink]) -> set[str]:
    """Copy the form onto the artist and their links; return old picture files to discard after commit."""
    artist.display_name = (form.display_name.data or "").strip()
    artist.bio_markdown = form.bio_markdown.data or ""
    kept: list[tuple[float, int, ArtistLink]] = []
    for index, entry in enumerate(form.links.entries):
        row = entry.form
        link = own.get(int(row.id.data)) if row.id.data else None
        if row.remove.data and link is not None:
            artist.links.remove(link)
            continue
        if link is None and (row.is_blank() or row.remove.data):
            continue
        if link is None:
            link = ArtistLink()
            artist.links.append(link)
        link.kind = LinkKind(row.kind.data)
        link.label = (row.label.data or "").strip()
        link.url = (row.url.data or "").strip()
        link.is_primary = bool(row.primary.data)
        typed_position = (row.position.data or "").strip()
        order = float(typed_position) if typed_position else float(len(form.links.entries) + index)
        kept.append((order, index, link))
    for position, (_, _, link) in enumerate(sorted(kept, key=lambda item: item[:2]), start=1):
        link.position = position
    artist.avatar, stale = replace_single_image(artist.avatar, form.avatar.data, bool(form.remove_avatar.data), "a profile picture")
    return stale


# --- people --------------------------------------------------------------------------------------


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
    return done(url_for("artist_studio.people"), f"The invitation for {invitation.email} no longer works.")


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
    return done(url_for("artist_studio.people"), f"{account.email} is {'active again' if active else 'turned off and signed out'}.")


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
