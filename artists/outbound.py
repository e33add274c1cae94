"""Outbound artist links: /go/<id> counts the click and redirects to the address stored for that link.

The destination is read from the database row and nowhere else: no query string, header or path
segment of the request can change where a reader is sent, so /go is no open redirect.
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from artists.links import is_allowed_link_url
from artists.models import ArtistLink
from comics.models import has_public_work
from comics.stats.counting import is_counted_request, record_link_click
from extensions import db

bp = Blueprint("outbound", __name__)

log = logging.getLogger(__name__)


@bp.get("/go/<link_id:link_id>")
def go(link_id: int) -> Response:
    """Count a click on an artist's link and send the reader to the address the artist saved."""
    # The link of an artist with no public work yet is no more public than their profile.
    link = db.session.scalar(select(ArtistLink).where(ArtistLink.id == link_id, has_public_work(ArtistLink.artist_id)))
    if link is None:
        abort(404)
    if not is_allowed_link_url(link.url):
        # Written by some path that skipped validation: never send a reader to javascript: or data:.
        log.warning("refused to redirect to artist link %d: its stored URL has a scheme that is not allowed", link.id)
        abort(404)
    if is_counted_request(request):
        record_link_click(link.id)
    response = redirect(link.url, 302)
    # Nothing about the reader's path here reaches the artist's platform, whatever the link's rel says.
    response.headers["Referrer-Policy"] = "no-referrer"
    # Every click must reach us to be counted, and a redirect must not outlive an edit of the link.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
