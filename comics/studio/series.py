"""Series in the studio: create, edit (cover, and a cover per other language, through the image
pipeline), list episodes, delete."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is for 3.2

from artists.permissions import editable_artists, get_series_for_edit, signed_in_user
from comics.images.ingest import IngestError
from comics.images.models import StoredImage
from comics.models import Episode, Series
from comics.publishing.language_covers import Covers
from comics.publishing.language_texts import SERIES_TEXTS, FormTexts, series_texts, texts_from_form
from comics.publishing.live_versions import series_problems
from comics.publishing.models import Revision
from comics.publishing.reviewable import NOT_SAVED, ReviewState, removed_notes, review_state, submit
from comics.publishing.workflow import delete_series, stage
from comics.site_images import single_image_from
from comics.studio import bp
from comics.studio.forms import ConfirmForm, SeriesForm, slugify
from extensions import db
from settings import site_languages
from web.form_answers import done, form_errors, refuse, showing_form
from web.languages import language_name


def series_form(series: Series | None = None, values: dict[str, Any] | None = None) -> SeriesForm:
    """Return the series form with the artists this account may choose from, filled when shown from a
    version of the series (the live one unless given)."""
    user = signed_in_user()
    form = SeriesForm(obj=SimpleNamespace(**values) if values is not None and showing_form() else series)
    artists = editable_artists(user)
    if not artists:
        abort(409, _("There is no artist profile to create a series for yet: invite an artist first (People)."))
    form.artist.choices = [SelectChoice(artist.id, artist.display_name) for artist in artists]
    if showing_form() or form.artist.data is None:
        # A form sent without the field (one artist to choose from) keeps the series' artist.
        form.artist.data = series.artist_id if series is not None else (user.artist_id or artists[0].id)
    if series is not None and showing_form():
        form.status.data = values["status"] if values is not None else series.status.value
    return form


def series_context(series: Series | None, form: SeriesForm, state: ReviewState, texts: FormTexts | None) -> dict[str, Any]:
    """Return what the series form page shows besides the form: where the series stands (the version
    waiting for review, if any, and an editor's answer to the last one), and its words and covers in
    other languages: as the form sent them (texts, read once), else as the shown version holds them."""
    if texts is not None:
        shown_texts = texts.texts
    elif series is not None:
        shown_texts = state.shown_texts(series_texts(series))
    else:
        shown_texts = {}
    return {
        "form": form,
        "series": series,
        **state.page(),
        "language_covers": language_cover_images(series, state),
        # What a shown picture's file held, told beside it for as long as it stays.
        "removed_notes": removed_notes,
        "other_languages": other_languages(form),
        "texts": shown_texts,
    }


def other_languages(form: SeriesForm) -> list[str]:
    """Return the site's languages besides the series' own, which take a translated title and summary."""
    own = (form.language.data or "").strip()
    return [code for code in site_languages() if code != own]


def form_texts(form: SeriesForm) -> FormTexts | None:
    """Read the words in each other language the form sent, once a request; None when only showing it."""
    return None if showing_form() else texts_from_form(request.form, other_languages(form), SERIES_TEXTS)


def series_proposal(form: SeriesForm, texts: FormTexts) -> dict[str, Any]:
    """Return the series the form asks for, as a revision holds it."""
    return {
        "title": (form.title.data or "").strip(),
        "slug": form.slug.data or slugify(form.title.data or ""),
        "summary": form.summary.data or "",
        "language": (form.language.data or "").strip(),
        "status": form.status.data,
        "content_warning": (form.content_warning.data or "").strip() or None,
        "artist_id": form.artist.data,
        "translations": texts.texts,
        "picture": "remove" if form.remove_cover.data else "keep",
    }


def language_covers_from_form(form: SeriesForm) -> Covers:
    """Store each other language's new cover the form sent (cover-ko) through the image pipeline, and
    note each one it asks to remove (remove-cover-ko); a refused file raises IngestError, naming it."""
    covers: Covers = {}
    for language in other_languages(form):
        try:
            image = single_image_from(request.files.get(f"cover-{language}"), "a cover")
        except IngestError as refusal:
            named = [_("Cover in %(language)s: %(reason)s", language=language_name(language), reason=reason) for reason in refusal.reasons]
            raise IngestError(named) from refusal
        if image is not None:
            db.session.add(image)  # so a refusal below discards its files
            covers[language] = image
        elif request.form.get(f"remove-cover-{language}"):
            covers[language] = None
    return covers


def language_cover_images(series: Series | None, state: ReviewState) -> dict[str, StoredImage]:
    """Return the cover the form shows for each other language: the one waiting for review where this
    account's changes wait, else the live one."""
    shown = {row.language: row.cover for row in series.translations if row.cover is not None} if series is not None else {}
    pending: Revision | None = state.pending
    if pending is not None and state.reviewed:
        held = {each.language: each.image for each in pending.language_images}
        for language, cover_state in (pending.proposed.get("covers") or {}).items():
            if cover_state == "remove":
                shown.pop(language, None)
            elif language in held:
                shown[language] = held[language]
    return shown


def save_series(
    series: Series, form: SeriesForm, state: ReviewState, texts: FormTexts, context: dict[str, Any]
) -> Response | tuple[Response | str, int]:
    """Save a new or changed series, or keep an artist's change to a public one for review; or refuse
    it having changed nothing."""
    template = "studio/series_form.html"
    if not form.validate():
        return refuse(template, context, form_errors(form))
    proposed = series_proposal(form, texts)
    reasons = series_problems(series, proposed) + texts.reasons
    if reasons:
        return refuse(template, context, reasons)
    creating = series.id is None
    submitted = submit(
        series, proposed, signed_in_user(), state, picture=form.cover.data, what="a cover", covers=lambda: language_covers_from_form(form)
    )
    if submitted.change is None:
        return refuse(template, context, submitted.reasons)
    message = _("Series created. Add its first episode.") if creating else submitted.change.message("series")
    notes = [_("Cover: %(note)s", note=note) for note in removed_notes(submitted.picture)]
    for language, cover in sorted(submitted.covers.items()):
        named = language_name(language)
        notes.extend(_("Cover in %(language)s: %(reason)s", language=named, reason=note) for note in removed_notes(cover))
    return done(url_for("studio.series_overview", series_id=series.id), " ".join([message, *notes]))


@bp.route("/series/new", methods=["GET", "POST"])
def new_series() -> Response | tuple[Response | str, int] | str:
    """Create a series."""
    form = series_form()
    texts = form_texts(form)
    context = series_context(None, form, NOT_SAVED, texts)
    if texts is None:
        return render_template("studio/series_form.html", **context)
    return save_series(Series(), form, NOT_SAVED, texts, context)


@bp.route("/series/<row_id:series_id>/edit", methods=["GET", "POST"])
def edit_series(series_id: int) -> Response | tuple[Response | str, int] | str:
    """Edit a series' title, address, summary, language, status, warning and cover; on a public series
    an artist's change waits for an editor."""
    series = get_series_for_edit(series_id)
    state = review_state(signed_in_user(), series)
    form = series_form(series, state.shown)
    texts = form_texts(form)
    context = series_context(series, form, state, texts)
    if texts is None:
        return render_template("studio/series_form.html", **context)
    return save_series(series, form, state, texts, context)


@bp.get("/series/<row_id:series_id>/")
def series_overview(series_id: int) -> str:
    """List a series' episodes with where each stands."""
    series = get_series_for_edit(series_id)
    episodes = db.session.scalars(
        select(Episode).where(Episode.series_id == series.id, Episode.original_id.is_(None)).options(joinedload(Episode.thumbnail)).order_by(Episode.number.desc())
    ).unique().all()
    return render_template("studio/series.html", series=series, episodes=episodes, stage=stage)


@bp.route("/series/<row_id:series_id>/delete", methods=["GET", "POST"])
def delete_series_view(series_id: int) -> Response | tuple[Response | str, int] | str:
    """Ask for confirmation, then unpublish every episode, delete the rows, and remove the files."""
    series = get_series_for_edit(series_id)
    form = ConfirmForm()
    if showing_form() or not form.validate():
        return render_template("studio/series_delete.html", series=series, form=form, stage=stage)
    title = series.title
    delete_series(series, signed_in_user())
    return done(url_for("studio.dashboard"), _("Deleted the series “%(title)s”, its episodes and their images.", title=title))
