"""Series in the studio: create, edit (cover through the image pipeline), list episodes, delete."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass
from wtforms import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is for 3.2

from artists.permissions import editable_artists, get_series_for_edit, signed_in_user
from comics.images.ingest import (
    IngestError,
    discard_unreferenced,
    replace_single_image,
    rollback_and_discard,
)
from comics.images.opening import RejectedImage
from comics.models import Episode, Series, SeriesStatus
from comics.publishing.workflow import delete_series, stage
from comics.studio import bp
from comics.studio.forms import ConfirmForm, SeriesForm, slugify
from extensions import db
from web.form_answers import done, form_errors, refuse


def series_form(series: Series | None = None) -> SeriesForm:
    """Return the series form with the artists this account may choose from."""
    user = signed_in_user()
    form = SeriesForm(obj=series)
    artists = editable_artists(user)
    if not artists:
        abort(409, "There is no artist profile to create a series for yet: invite an artist first (People).")
    form.artist.choices = [SelectChoice(artist.id, artist.display_name) for artist in artists]
    if request.method == "GET" or form.artist.data is None:
        # A form sent without the field (one artist to choose from) keeps the series' artist.
        form.artist.data = series.artist_id if series is not None else (user.artist_id or artists[0].id)
    if series is not None and request.method == "GET":
        form.status.data = series.status.value
    return form


def apply_series_form(series: Series, form: SeriesForm) -> set[str]:
    """Copy the form onto the series, storing a new cover; return old cover files to discard after commit."""
    reasons = []
    slug = form.slug.data or slugify(form.title.data or "")
    if not slug:
        reasons.append("Web address: make one from letters or digits, like the-lantern-road.")
    taken = db.session.scalar(select(Series.id).where(Series.slug == slug, Series.id != series.id)) if slug else None
    if taken is not None:
        reasons.append(f"Web address: /series/{slug}/ is taken by another series; choose another.")
    if reasons:
        raise IngestError(reasons)
    series.title = (form.title.data or "").strip()
    series.slug = slug
    series.summary = form.summary.data or ""
    series.language = (form.language.data or "").strip()
    series.status = SeriesStatus(form.status.data)
    series.content_warning = (form.content_warning.data or "").strip() or None
    series.artist_id = form.artist.data
    series.cover, stale = replace_single_image(series.cover, form.cover.data, bool(form.remove_cover.data), "a cover")
    return stale


def save_series(series: Series, form: SeriesForm, template: str, context: dict[str, Any], message: str) -> Response | tuple[Response | str, int]:
    """Validate and save a new or changed series, or refuse it having changed nothing."""
    if not form.validate():
        return refuse(template, context, form_errors(form))
    try:
        discard = apply_series_form(series, form)
        # Added only now: the slug check above must not flush a half-filled new series.
        db.session.add(series)
        db.session.flush()
    except (IngestError, RejectedImage) as refusal:
        rollback_and_discard()
        reasons = refusal.reasons if isinstance(refusal, IngestError) else [str(refusal)]
        return refuse(template, context, reasons)
    db.session.commit()
    discard_unreferenced(discard)
    return done(url_for("studio.series_overview", series_id=series.id), message)


@bp.route("/series/new", methods=["GET", "POST"])
def new_series() -> Response | tuple[Response | str, int] | str:
    """Create a series."""
    form = series_form()
    context = {"form": form, "series": None}
    if request.method == "GET":
        return render_template("studio/series_form.html", **context)
    return save_series(Series(), form, "studio/series_form.html", context, "Series created. Add its first episode.")


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
def edit_series(series_id: int) -> Response | tuple[Response | str, int] | str:
    """Edit a series' title, address, summary, language, status, warning and cover."""
    series = get_series_for_edit(series_id)
    form = series_form(series)
    context = {"form": form, "series": series}
    if request.method == "GET":
        return render_template("studio/series_form.html", **context)
    return save_series(series, form, "studio/series_form.html", context, "Series saved.")


@bp.get("/series/<int:series_id>/")
def series_overview(series_id: int) -> str:
    """List a series' episodes with where each stands."""
    series = get_series_for_edit(series_id)
    episodes = db.session.scalars(
        select(Episode).where(Episode.series_id == series.id).options(joinedload(Episode.thumbnail)).order_by(Episode.number.desc())
    ).unique().all()
    return render_template("studio/series.html", series=series, episodes=episodes, stage=stage)


@bp.route("/series/<int:series_id>/delete", methods=["GET", "POST"])
def delete_series_view(series_id: int) -> Response | tuple[Response | str, int] | str:
    """Ask for confirmation, then unpublish every episode, delete the rows, and remove the files."""
    series = get_series_for_edit(series_id)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("studio/series_delete.html", series=series, form=form, stage=stage)
    title = series.title
    delete_series(series, signed_in_user())
    return done(url_for("studio.dashboard"), f"Deleted the series “{title}”, its episodes and their images.")
