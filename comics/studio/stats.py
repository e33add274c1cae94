"""The studio's stats page: an artist's views per episode and clicks per link, charted by the server."""
from __future__ import annotations

from flask import abort, render_template, request

from artists.models import Artist
from artists.permissions import get_artist_for_edit, signed_in_user
from comics.stats.report import DEFAULT_RANGE, RANGES, build_stats_report
from comics.studio import bp
from extensions import db
from web.converters import number_arg


def requested_range() -> int:
    """Return the number of days asked for, one of the offered ranges (the default otherwise)."""
    days = request.args.get("days", type=int)
    return days if days in RANGES else DEFAULT_RANGE


@bp.get("/stats")
def stats() -> str:
    """Show the signed-in artist's reach (editors pick an artist with ?artist=<id>)."""
    user = signed_in_user()
    artist_id = number_arg("artist") or user.artist_id
    if artist_id is None:
        if not user.is_staff:
            abort(404)
        artists = db.session.scalars(db.select(Artist).order_by(Artist.display_name)).all()
        return render_template("studio/stats_choose.html", artists=artists)
    artist = get_artist_for_edit(artist_id)
    report = build_stats_report(artist, requested_range())
    return render_template("studio/stats.html", report=report, ranges=RANGES, days=len(report.days))
