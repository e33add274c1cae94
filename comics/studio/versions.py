"""An episode's versions in other languages, in the studio: add one to an original.

A version is an Episode of its own (comics.models), so once made it has the same studio page, editor,
preview and workflow as any episode (comics.studio.episodes); its page shows it beside its original.
Who may touch it is its series' artist and the editors, as for the original (artists.permissions).
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass

from artists.permissions import get_episode_for_edit
from comics.catalogue import create_version, missing_alt_text
from comics.images.ingest import IngestError
from comics.models import Episode
from comics.studio import bp
from comics.studio.episodes import uploads_from
from comics.studio.forms import VersionForm
from settings import site_languages
from web.form_answers import done, form_errors, refuse, showing_form

TEMPLATE = "studio/version_new.html"


def languages_to_add(episode: Episode) -> list[str]:
    """Return the site's languages an original has no version in yet (none for a version)."""
    if not episode.is_original:
        return []
    present = {version.language for version in episode.versions()}
    return [code for code in site_languages() if code not in present]


@bp.route("/episodes/<row_id:episode_id>/versions/<language>/new", methods=["GET", "POST"])
def new_version(episode_id: int, language: str) -> Response | tuple[Response | str, int] | str:
    """Add a version of an original episode in another of the site's languages: its title, translator,
    note and lettered panels (with alt texts and transcripts, or described afterwards in its editor)."""
    original = get_episode_for_edit(episode_id)
    existing = next((version for version in original.translations if version.language == language), None)
    if existing is not None:
        return redirect(url_for("studio.edit_episode", episode_id=existing.id), code=303)
    if language not in languages_to_add(original):
        abort(404)
    form = VersionForm()
    context = {"form": form, "original": original, "series": original.series, "language": language}
    if showing_form():
        return render_template(TEMPLATE, **context)
    uploads = uploads_from(request.files.getlist("files"), request.form.getlist("alt_text"), request.form.getlist("transcript"))
    reasons = form_errors(form) if not form.validate() else []
    if not uploads:
        reasons.append(_("Choose at least one image file (PNG, JPEG, WebP, GIF or AVIF)."))
    if reasons:
        return refuse(TEMPLATE, context, reasons)
    try:
        version, _notes = create_version(
            original,
            language,
            form.title.data or "",
            uploads,
            translator=form.translator.data or "",
            author_note=form.author_note.data or "",
        )
    except IngestError as refusal:
        original = get_episode_for_edit(episode_id)
        context |= {"original": original, "series": original.series}
        return refuse(TEMPLATE, context, [_("Nothing was saved: fix or remove these files and send them again."), *refusal.reasons])
    missing = missing_alt_text(version)
    message = _("Saved “%(title)s” as a draft with %(panels)s panels.", title=version.title, panels=len(version.panels))
    if missing:
        message += " " + _("Describe the panels without alt text before you submit it.")
    return done(url_for("studio.edit_episode", episode_id=version.id), message)
