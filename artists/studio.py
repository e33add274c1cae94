"""The studio's pages for people: artist profiles (name, bio, picture, links) and accounts.

Links are updated in place, never deleted and re-created, so their ids (which the public /go/<id>
redirect and its counts use) survive every edit. A change to a public profile by an artist who may not
publish waits as a revision for an editor (comics.publishing.revisions). Invitations are made by admins
and editors; admins alone turn accounts off and on. Signed-in accounts only, like every studio page.
"""
from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is for 3.2

from artists.accounts.services.invitations import InvitationRefused, create_invitation
from artists.accounts.services.sessions import end_sessions
from artists.forms import DisplayNameForm, InvitationForm, ProfileForm
from artists.models import Artist, Invitation, Role, User
from artists.permissions import (
    get_artist_for_edit,
    require_admin,
    require_staff,
    signed_in_user,
    studio_blueprint,
)
from comics.audit.log import AuditAction, record
from comics.clock import utcnow
from comics.publishing.language_texts import PROFILE_TEXTS, FormTexts, profile_texts, texts_from_form
from comics.publishing.reviewable import ReviewState, removed_notes, review_state, submit
from comics.publishing.revisions import profile_values
from extensions import db
from settings import site_languages
from web.absolute_urls import absolute_url_for
from web.form_answers import done, form_errors, refuse, showing_form
from web.languages import language_name

bp = studio_blueprint("artist_studio", __name__)

BLANK_LINK_ROWS = 2
LINK_LABEL_LIMIT = 80  # ArtistLink.label is String(80); each language's label keeps to the same
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


def profile_form_for(artist: Artist, values: dict[str, Any] | None = None) -> ProfileForm:
    """Return the profile form filled from a version of the profile (the live one unless given), with
    blank rows for new links."""
    values = values or profile_values(artist)
    own = {link.id for link in artist.links}
    links = [
        # A link the version names that is gone from the live profile comes back as a new one.
        {"id": str(row["id"]) if row.get("id") in own else "", "kind": row["kind"], "label": row["label"], "url": row["url"],
         "position": str(index), "primary": row["is_primary"]}
        for index, row in enumerate(values["links"], start=1)
    ]
    form = ProfileForm(formdata=None, display_name=values["display_name"], bio_markdown=values["bio_markdown"], links=links)
    for _row in range(BLANK_LINK_ROWS):
        form.links.append_entry()
    return form


def link_labels_from_form(form: ProfileForm) -> tuple[list[dict[str, str]], list[str]]:
    """Read each link row's label in each language (links-1-label-ko), empty ones left out; return them
    by row and the reasons to refuse them (too long)."""
    rows: list[dict[str, str]] = []
    reasons: list[str] = []
    for number, entry in enumerate(form.links.entries, start=1):
        labels: dict[str, str] = {}
        for language in profile_languages():
            label = (request.form.get(f"{entry.name}-label-{language}") or "").strip()
            if len(label) > LINK_LABEL_LIMIT:
                reasons.append(
                    _("Link %(number)s, label in %(language)s: keep it under %(limit)s characters.",
                      number=number, language=language_name(language), limit=LINK_LABEL_LIMIT)
                )
            if label:
                labels[language] = label
        rows.append(labels)
    return rows, reasons


def profile_context(
    artist: Artist,
    state: ReviewState,
    form: ProfileForm | None = None,
    texts: FormTexts | None = None,
    labels: list[dict[str, str]] | None = None,
) -> dict[str, object]:
    """Return what the profile page shows: the form (filled from the version waiting for review, when
    this account's changes wait), that version, and an editor's answer to the last one. A form sent
    comes back with what it held, as read once: its words (texts) and links' labels in each language."""
    if form is None:
        rows = (state.shown or profile_values(artist))["links"]
        form = profile_form_for(artist, state.shown)
        shown_texts = state.shown_texts(profile_texts(artist))
        labels = [dict(row.get("labels") or {}) for row in rows]
    else:
        shown_texts = texts.texts if texts is not None else {}
        labels = labels if labels is not None else link_labels_from_form(form)[0]
    return {
        "profile_languages": profile_languages(),
        "texts": shown_texts,
        # Each row's label in each language, by row as the form lists them (blank rows have none).
        "link_labels": labels,
        "artist": artist,
        "form": form,
        # What a shown picture's file held, told beside it for as long as it stays.
        "removed_notes": removed_notes,
        **state.page(),
    }


@bp.route("/artists/<row_id:artist_id>/profile", methods=["GET", "POST"])
def edit_profile(artist_id: int) -> Response | tuple[Response | str, int] | str:
    """Edit an artist's display name, bio, picture and links; on a public profile an artist's change
    waits for an editor."""
    artist = get_artist_for_edit(artist_id)
    user = signed_in_user()
    state = review_state(user, artist)
    if showing_form():
        return render_template("studio/profile.html", **profile_context(artist, state))
    form = ProfileForm()
    texts = texts_from_form(request.form, profile_languages(), PROFILE_TEXTS)
    labels, label_problems = link_labels_from_form(form)
    if not form.validate():
        return refuse("studio/profile.html", profile_context(artist, state, form, texts, labels), form_errors(form))
    own = {link.id: link for link in artist.links}
    ids = [entry.form.id.data for entry in form.links.entries if entry.form.id.data]
    word_problems = texts.reasons + label_problems
    if word_problems:
        return refuse("studio/profile.html", profile_context(artist, state, form, texts, labels), word_problems)
    if any(not raw.isdigit() or int(raw) not in own for raw in ids):
        return refuse(
            "studio/profile.html",
            profile_context(artist, state, form, texts, labels),
            [_("The form names links that are not this artist's; reload the page and try again.")],
        )
    submitted = submit(
        artist,
        profile_proposal(form, texts, labels),
        user,
        state,
        picture=form.avatar.data,
        what="a profile picture",
        name_refusal=lambda reason: _("Picture: %(reason)s", reason=reason),
    )
    if submitted.change is None:
        # The rollback let go of the rows loaded before it: the page is drawn from the live profile again.
        artist = get_artist_for_edit(artist_id)
        return refuse("studio/profile.html", profile_context(artist, state, form, texts, labels), submitted.reasons)
    notes = [_("Picture: %(reason)s", reason=note) for note in removed_notes(submitted.picture)]
    return done(url_for("artist_studio.edit_profile", artist_id=artist.id), " ".join([submitted.change.message("profile"), *notes]))


def profile_proposal(form: ProfileForm, texts: FormTexts, labels: list[dict[str, str]]) -> dict[str, Any]:
    """Return the profile the form asks for, as a revision holds it: links in their new order, each with
    its label in other languages (labels, by row)."""
    rows: list[tuple[float, int, dict[str, Any]]] = []
    entries = form.links.entries
    for index, entry in enumerate(entries):
        row = entry.form
        link_id = int(row.id.data) if row.id.data else None
        if row.remove.data or (link_id is None and row.is_blank()):
            continue
        typed_position = (row.position.data or "").strip()
        order = float(typed_position) if typed_position else float(len(entries) + index)
        link = {
            "id": link_id,
            "kind": row.kind.data,
            "label": (row.label.data or "").strip(),
            "url": (row.url.data or "").strip(),
            "is_primary": bool(row.primary.data),
        }
        if labels[index]:
            link["labels"] = labels[index]  # as comics.publishing.revisions.link_values holds them
        rows.append((order, index, link))
    return {
        "display_name": (form.display_name.data or "").strip(),
        "bio_markdown": form.bio_markdown.data or "",
        "links": [link for _, _, link in sorted(rows, key=lambda item: item[:2])],
        "translations": texts.texts,
        "picture": "remove" if form.remove_avatar.data else "keep",
    }


def profile_languages() -> list[str]:
    """Return the languages a profile's name and bio may be given in besides the ones every reader
    sees where none is given: all the site's (an artist's own words carry no language tag)."""
    return site_languages()


# --- people --------------------------------------------------------------------------------------


def account_label(account: User) -> str:
    """Name an account in the audit log: its display name and id, never its email."""
    return f"{account.label} (account {account.id})"


def invitation_label(invitation: Invitation) -> str:
    """Name an invitation in the audit log: its id, role and profile, never the address it went to."""
    profile = f" for {invitation.artist.display_name}" if invitation.artist is not None else ""
    return f"invitation {invitation.id}: {invitation.role.value}{profile}"


def invitation_form() -> InvitationForm:
    """Return the invitation form with the roles and profiles this account may offer."""
    user = signed_in_user()
    form = InvitationForm()
    roles = list(Role) if user.is_admin else [Role.ARTIST]
    # The role as the studio names it everywhere (people.html's role_names), in the page's language.
    role_names = {Role.ADMIN: _("admin"), Role.EDITOR: _("editor"), Role.ARTIST: _("artist")}
    form.role.choices = [SelectChoice(role.value, role_names[role]) for role in roles]
    taken = select(User.artist_id).where(User.artist_id.is_not(None))
    free = db.session.scalars(select(Artist).where(Artist.id.not_in(taken)).order_by(Artist.display_name)).all()
    form.artist.choices = [SelectChoice("", _("A new profile, named by them"))] + [SelectChoice(str(a.id), a.display_name) for a in free]
    return form


def people_context(form: InvitationForm) -> dict[str, object]:
    users = db.session.scalars(select(User).options(joinedload(User.artist)).order_by(User.role, User.email)).all()
    invitations = db.session.scalars(
        select(Invitation).options(joinedload(Invitation.artist)).order_by(Invitation.created_at.desc()).limit(RECENT_INVITATIONS)
    ).all()
    me = signed_in_user()
    return {
        "form": form,
        "users": users,
        "invitations": invitations,
        "me": me,
        "name_form": DisplayNameForm(formdata=None, display_name=me.display_name),
    }


@bp.get("/people")
@require_staff
def people() -> str:
    """List accounts and invitations, with the form to invite someone."""
    return render_template("studio/people.html", **people_context(invitation_form()))


@bp.post("/people/name")
@require_staff
def set_display_name() -> Response | tuple[Response | str, int]:
    """Set the name artists see for the signed-in editor or admin, instead of their email."""
    me = signed_in_user()
    form = DisplayNameForm()
    if not form.validate():
        return refuse("studio/people.html", people_context(invitation_form()) | {"name_form": form}, form_errors(form))
    me.display_name = (form.display_name.data or "").strip()
    record(me, AuditAction.PROFILE_CHANGE, "user", me.id, account_label(me), "name shown to artists changed")
    db.session.commit()
    return done(url_for("artist_studio.people"), _("Artists now see you as “%(name)s”.", name=me.label))


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
    # Named by role and profile, never by the address it was sent to: the log keeps no emails.
    record(user, AuditAction.INVITE, "invitation", invitation.id, invitation_label(invitation))
    db.session.commit()
    # From SITE_URL, never from the request's Host header, which whoever sends the request chooses.
    link = absolute_url_for("auth.accept", token=token)
    return render_template("studio/invitation_created.html", invitation=invitation, link=link), 201


@bp.post("/invitations/<row_id:invitation_id>/revoke")
@require_staff
def revoke_invitation(invitation_id: int) -> Response:
    """Withdraw an invitation that has not been used."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    if invitation.is_open:
        invitation.revoked_at = utcnow()
        db.session.commit()
    return done(url_for("artist_studio.people"), _("The invitation for %(email)s no longer works.", email=invitation.email))


def _set_active(user_id: int, active: bool) -> Response | tuple[Response | str, int]:
    me = signed_in_user()
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    if account.id == me.id:
        return refuse("studio/people.html", people_context(invitation_form()), [_("You cannot turn off your own account.")])
    account.active = active
    # Off means signed out everywhere at once, not merely refused at the next sign-in.
    ended = end_sessions(account)
    record(me, AuditAction.REACTIVATE if active else AuditAction.DEACTIVATE, "user", account.id, account_label(account))
    if ended:
        record(me, AuditAction.SESSION_REVOKE, "user", account.id, account_label(account), f"{ended} session(s), with the account turned off")
    db.session.commit()
    return done(url_for("artist_studio.people"), f"{account.email} is {'active again' if active else 'turned off and signed out'}.")


@bp.post("/people/<row_id:user_id>/deactivate")
@require_admin
def deactivate(user_id: int) -> Response | tuple[Response | str, int]:
    """Turn an account off and sign it out everywhere."""
    return _set_active(user_id, False)


@bp.post("/people/<row_id:user_id>/reactivate")
@require_admin
def reactivate(user_id: int) -> Response | tuple[Response | str, int]:
    """Let a turned-off account sign in again."""
    return _set_active(user_id, True)
