"""What readers see: the home page, a series, an episode, each in the page's language.

An episode page shows the version in the page's language where one is public, and otherwise the
original with a notice (Episode.version_in); series, artists and episode titles in lists are shown in
the page's language where they have been written in it.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, make_response, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from artists.models import Artist
from comics.data_saver import data_saver_source, episode_cost, prefetch_sources
from comics.giving.page import give_words
from comics.images.models import StoredImage
from comics.models import Episode, Panel, Series, SeriesTranslation
from comics.stats.counting import counts_episode_views
from extensions import db
from web.converters import page_arg
from web.languages import page_language, root_url_for
from web.page_cache import cached_page

bp = Blueprint("comics", __name__)

LATEST_EPISODES = 12


def public_series() -> list[Series]:
    """Return the series that have at least one public episode, by title."""
    query = (
        Series.public()
        .options(
            joinedload(Series.artist).selectinload(Artist.translations),
            joinedload(Series.cover).selectinload(StoredImage.renditions),
            # Each translation's own cover too, which its language's pages show (Series.cover_in).
            selectinload(Series.translations).joinedload(SeriesTranslation.cover).selectinload(StoredImage.renditions),
        )
        .order_by(Series.title)
    )
    return list(db.session.scalars(query).unique())


def get_series_or_404(slug: str) -> Series:
    """Return the series with this slug, or answer 404."""
    series = db.session.scalar(
        select(Series)
        .where(Series.slug == slug)
        .options(
            joinedload(Series.artist).selectinload(Artist.translations),
            selectinload(Series.translations),
        )
    )
    if series is None:
        abort(404)
    return series


def get_public_episode_or_404(series: Series, number: int) -> Episode:
    """Return a public episode of the series with its panels and images, or answer 404."""
    episode = db.session.scalar(
        Episode.public()
        .where(Episode.series_id == series.id, Episode.number == number)
        .options(
            selectinload(Episode.panels)
            .joinedload(Panel.image)
            .selectinload(StoredImage.renditions)
        )
    )
    if episode is None:
        abort(404)
    return episode


def version_to_show(original: Episode, language: str) -> Episode:
    """Return the version of a public original that readers of this language see, panels loaded."""
    if original.language == language:
        return original
    version = db.session.scalar(
        select(Episode)
        .where(Episode.original_id == original.id, Episode.language == language, Episode.is_public)
        .options(selectinload(Episode.panels).joinedload(Panel.image).selectinload(StoredImage.renditions))
    )
    return version or original


def other_versions(original: Episode, shown: Episode) -> list[Episode]:
    """Return the public versions of an episode other than the one shown, the original first."""
    return [version for version in original.versions() if version is not shown and version.is_public]


def neighbour(series: Series, number: int, *, after: bool) -> Episode | None:
    """Return the public episode just before or after this number, if any."""
    query = Episode.public().where(Episode.series_id == series.id)
    if after:
        query = query.where(Episode.number > number).order_by(Episode.number)
    else:
        query = query.where(Episode.number < number).order_by(Episode.number.desc())
    return db.session.scalar(query.limit(1))


@bp.get("/")
@cached_page
def home() -> str:
    """Show the latest episodes and every series."""
    latest = db.session.scalars(
        Episode.public()
        .options(
            joinedload(Episode.series).joinedload(Series.artist),
            joinedload(Episode.series).selectinload(Series.translations),
            joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
            # Each version's own thumbnail, lettered in its language, which that language's cards show.
            selectinload(Episode.translations).joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
        )
        .order_by(Episode.published_at.desc(), Episode.id.desc())
        .limit(LATEST_EPISODES)
    ).all()
    return render_template(
        "comics/home.html",
        latest=latest,
        series_list=public_series(),
        # One address in every language, so a browser keeps one copy (static/js/follow.js).
        latest_numbers_url=root_url_for("comics.latest_numbers"),
    )


@bp.get("/series/<slug>/")
@cached_page
def series_detail(slug: str) -> str:
    """Show a series: its cover, summary, artist and a page of its episodes."""
    series = get_series_or_404(slug)
    order = "oldest" if request.args.get("order") == "oldest" else "newest"
    sort = Episode.number.asc() if order == "oldest" else Episode.number.desc()
    episodes = db.paginate(
        Episode.public()
        .where(Episode.series_id == series.id)
        .options(
            joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
            selectinload(Episode.translations).joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
        )
        .order_by(sort),
        page=page_arg(),
        per_page=current_app.config["EPISODES_PER_PAGE"],
        max_per_page=current_app.config["EPISODES_PER_PAGE"],
    )
    first = db.session.scalar(
        Episode.public().where(Episode.series_id == series.id).order_by(Episode.number).limit(1)
    )
    if first is None:
        # A series whose every episode is still a draft does not exist for readers yet.
        abort(404)
    # The Follow button (static/js/follow.js) notes it as seen, so the home page marks only later ones.
    latest = db.session.scalar(
        select(func.max(Episode.number)).where(Episode.series_id == series.id, Episode.original_id.is_(None), Episode.is_public)
    )
    return render_template(
        "comics/series.html", series=series, episodes=episodes, order=order, first=first, latest=latest
    )


@bp.get("/titles.json")
@cached_page
def reading_titles() -> Response:
    """Answer the title of every public series and episode in the page's language,
    {"series": {slug: {"title": ..., "episodes": {number: title}}}}.

    The reading history (static/js/reader.js) keeps only a series' slug and an episode's number, and
    names them from this: in the language of the page it is shown on, whatever language they were read
    in. One answer, the same for every reader of a language, so asking for it says nothing of what a
    browser has read; a cached page, so a publication changes it at once.
    """
    language = page_language()
    originals = db.session.scalars(
        Episode.public()
        .options(selectinload(Episode.translations), joinedload(Episode.series).selectinload(Series.translations))
        .order_by(Episode.series_id, Episode.number)
    ).unique()
    titles: dict[str, dict[str, Any]] = {}
    for original in originals:
        series = original.series
        entry = titles.setdefault(series.slug, {"title": series.title_in(language), "episodes": {}})
        entry["episodes"][str(original.number)] = original.version_in(language).title
    return jsonify(series=titles)


@bp.get("/latest.json")
@cached_page
def latest_numbers() -> Response:
    """Answer every public series' latest public episode number, {"latest": {slug: number}}.

    One small answer, the same for every reader (no cookie, nothing about who asks), from which
    static/js/follow.js marks the series this browser follows that have episodes it has not seen. It is
    a cached page like the others, so a publication (or a scheduled one coming due) changes it at once.
    """
    rows = db.session.execute(
        select(Series.slug, func.max(Episode.number).label("number"))
        .join(Episode, Episode.series_id == Series.id)
        .where(Episode.original_id.is_(None), Episode.is_public)
        .group_by(Series.slug)
    )
    return jsonify(latest={row.slug: row.number for row in rows})


@bp.get("/series/<slug>/<episode_number:number>/")
@counts_episode_views  # outside the cache, so pages served from it are counted too
@cached_page
def episode_detail(slug: str, number: int) -> Response:
    """Show an episode's panels top to bottom, with the artist's card at the end.

    In data-saver mode (comics.data_saver) each panel offers only its narrowest rendition and the
    next episode is not prefetched; the page says what it costs in either mode.
    """
    series = get_series_or_404(slug)
    original = get_public_episode_or_404(series, number)
    language = page_language()
    episode = version_to_show(original, language)
    saver = data_saver_source()
    after = neighbour(series, number, after=True)
    # The next episode as this page's readers will see it: its title here, its first panels prefetched
    # by reader.js near the end of this one, unless the reader saves data.
    next_episode = version_to_show(after, language) if after else None
    next_panels = prefetch_sources(next_episode.panels) if next_episode and not saver else []
    page = render_template(
        "comics/episode.html",
        series=series,
        episode=episode,
        original=original,
        other_versions=other_versions(original, episode),
        # The page's language has no version of its own yet: the original is shown, and says so.
        untranslated=episode.language != language,
        previous=neighbour(series, number, after=False),
        next=next_episode,
        next_panels=next_panels,
        artist=series.artist,
        saver=saver,
        cost=episode_cost(episode.panels),
        # The end card's Give button: the organisation's own link and words for this language.
        give=give_words(language),
    )
    response = make_response(page)
    response.vary.add("Save-Data")
    return response

