"""Who may touch what: the one place every studio view asks, like flaskr's get_post(id, check_author=True).

Artists reach only their own profile, series, episodes and panels; editors and admins reach everyone's;
admins alone manage accounts. Someone else's object answers 404, exactly like one that does not exist,
so ids cannot be probed.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Blueprint, Response, abort, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response as BaseResponse  # what redirect() is typed to return

from artists.models import Artist, Role, User
from comics.image_uses import is_artists_file
from comics.images.models import StoredImage
from comics.models import Episode, Panel, Series
from extensions import db
from web.areas import declare_area
from web.errors import error_answer, wants_json

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def signed_in_user() -> User:
    """Return the signed-in account, or answer 401 (the studio's login check runs first)."""
    if not current_user.is_authenticated:
        abort(401)
    user: User = current_user._get_current_object()
    return user


def require_role(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse the view with 403 unless the signed-in account has one of the roles."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if signed_in_user().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


require_staff = require_role(Role.ADMIN, Role.EDITOR)
require_admin = require_role(Role.ADMIN)


def may_edit_artist(user: User, artist_id: int) -> bool:
    """Tell whether the account may change this artist's profile and work."""
    return user.is_staff or (user.artist_id is not None and user.artist_id == artist_id)


def may_publish(user: User) -> bool:
    """Tell whether the account may publish without review: staff, or artists where the site allows it."""
    return user.is_staff or bool(current_app.config["ARTISTS_MAY_PUBLISH"])


def editable_or_404(entity: type[T], row_id: int, artist_of: Callable[[T], int], *options: ORMOption) -> T:
    """Return the row of entity with this id if the signed-in account may edit its artist's work, loaded
    with the options; else answer 404, the same answer as for a row that does not exist."""
    found = db.session.get(entity, row_id, options=options)
    if found is None or not may_edit_artist(signed_in_user(), artist_of(found)):
        abort(404)
    return found


def get_artist_for_edit(artist_id: int) -> Artist:
    """Return an artist profile, with its links and avatar, that the signed-in account may edit, or answer 404."""
    return editable_or_404(Artist, artist_id, lambda artist: artist.id, selectinload(Artist.links), joinedload(Artist.avatar))


def get_series_for_edit(series_id: int) -> Series:
    """Return a series the signed-in account may edit, or answer 404."""
    return editable_or_404(
        Series, series_id, lambda series: series.artist_id, joinedload(Series.artist), joinedload(Series.cover)
    )


def get_episode_for_edit(episode_id: int) -> Episode:
    """Return an episode, with its panels and images, that the signed-in account may edit, or answer 404."""
    return editable_or_404(
        Episode,
        episode_id,
        lambda episode: episode.series.artist_id,
        joinedload(Episode.series).joinedload(Series.artist),
        selectinload(Episode.panels).joinedload(Panel.image).selectinload(StoredImage.renditions),
    )


def editable_artists(user: User) -> list[Artist]:
    """Return the artists whose work the account may create series for."""
    if user.is_staff:
        return list(db.session.scalars(select(Artist).order_by(Artist.display_name)))
    return [user.artist] if user.artist is not None else []


def may_view_image(user: User, image_name: str) -> bool:
    """Tell whether the account may preview this stored file: staff any, artists only their own work's."""
    if user.is_staff:
        return True
    if user.artist_id is None:
        return False
    return is_artists_file(user.artist_id, image_name)


# --- the studio's door ----------------------------------------------------------------------------


def require_sign_in() -> BaseResponse | tuple[Response | str, int] | None:
    """Send anyone not signed in to the sign-in page (or answer 401 to the studio's script)."""
    if current_user.is_authenticated:
        # Studio pages show unpublished images: point every <picture> at the private route.
        g.media_endpoint = "studio.media"
        return None
    if wants_json() or request.method not in ("GET", "HEAD"):
        return error_answer(_("Your session has ended. Sign in again; nothing was changed."), 401, _("Sign in needed"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def forget_media_endpoint(response: Response) -> Response:
    """Point templates back at public media for whatever this app context renders next."""
    g.pop("media_endpoint", None)
    return response


def studio_blueprint(name: str, import_name: str) -> Blueprint:
    """Return a blueprint under /studio whose every view is for signed-in accounts only, whose pages
    follow the language the person chose and send their address to the site (their forms post back:
    web.areas)."""
    bp = Blueprint(name, import_name, url_prefix="/studio")
    bp.before_request(require_sign_in)
    bp.after_request(forget_media_endpoint)
    return declare_area(bp, personal=True, forms_post_back=True)
