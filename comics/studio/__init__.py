"""The artist studio at /studio: dashboard, series, episodes and panels, review, profile, people.

Every view here is for signed-in accounts only, and every object is fetched through
artists.permissions, the one place that decides who may touch what.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, g, redirect, request, url_for
from flask_login import current_user

from artists.auth import error_answer, wants_json

bp = Blueprint("studio", __name__, url_prefix="/studio")


@bp.before_request
def require_sign_in() -> Response | tuple[Response | str, int] | None:
    """Send anyone not signed in to the sign-in page (or answer 401 to the studio's script)."""
    if current_user.is_authenticated:
        # Studio pages show unpublished images: point every <picture> at the private route.
        g.media_endpoint = "studio.media"
        return None
    if wants_json() or request.method != "GET":
        return error_answer("Your session has ended. Sign in again; nothing was changed.", 401, "Sign in needed")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.after_request
def forget_media_endpoint(response: Response) -> Response:
    """Point templates back at public media for whatever this app context renders next."""
    g.pop("media_endpoint", None)
    return response


@bp.app_template_filter("studio_time")
def studio_time(moment: datetime | None) -> str:
    """Show a stored UTC time in the studio's time zone."""
    from comics.studio.forms import from_utc

    local = from_utc(moment)
    return "" if local is None else f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


from comics.studio import dashboard, episodes, people, profile, series  # noqa: E402,F401  (views register on bp)
from comics.studio import stats  # noqa: E402,F401  (views and clicks: issue 6)
