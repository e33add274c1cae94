"""Artist profiles in the studio: display name, bio, picture and links, in the artist's order.

Links are updated in place, never deleted and re-created, so their ids (which the public /go/<id>
redirect and its counts use) survive every edit.
"""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from artists.models import Artist, ArtistLink, LinkKind
from artists.permissions import get_artist_for_edit, require_staff, signed_in_user
from comics.imaging import RejectedImage
from comics.ingest import IngestError, discard_unreferenced, rollback_and_discard
from comics.studio import bp
from comics.studio.editing import replace_single_image
from comics.studio.forms import ProfileForm
from comics.studio.responses import done, form_errors, refuse
from extensions import db

BLANK_LINK_ROWS = 2


@bp.get("/profile")
def my_profile() -> Response:
    """Open the signed-in artist's own profile (editors without one get the list of artists)."""
    user = signed_in_user()
    if user.artist_id is not None:
        return redirect(url_for("studio.edit_profile", artist_id=user.artist_id))
    if user.is_staff:
        return redirect(url_for("studio.artists"))
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
    return done(url_for("studio.edit_profile", artist_id=artist.id), "Profile saved.")


def apply_profile(artist: Artist, form: ProfileForm, own: dict[int, ArtistLink]) -> set[str]:
    """Copy the form onto the artist and their links; return old picture files to discard after commit."""
    artist.display_name = form.display_name.data.strip()
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
        link.label = row.label.data.strip()
        link.url = row.url.data.strip()
        link.is_primary = bool(row.primary.data)
        order = float(row.position.data) if (row.position.data or "").strip() else float(len(form.links.entries) + index)
        kept.append((order, index, link))
    for position, (_, _, link) in enumerate(sorted(kept, key=lambda item: item[:2]), start=1):
        link.position = position
    artist.avatar, stale = replace_single_image(artist.avatar, form.avatar.data, bool(form.remove_avatar.data), "a profile picture")
    return stale
