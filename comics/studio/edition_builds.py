"""The studio's page for one offline edition being built (/studio/editions/<token>), and its download.

The form on /studio/editions (comics.studio.editions) starts a build (comics.editions.builds) and sends
the editor here. While it builds, this page shows the episodes done of how many: its script asks
`…/progress` each second, and without script the page reloads itself every few seconds. When it is
ready, the page offers the ZIP; the download sends it once and removes it from the server. Only the
person who asked for a build sees it: anyone else, and any token that is not one, gets a 404.
"""

from __future__ import annotations

from flask import abort, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what send_file() is typed to return; flask's Response is a subclass

from artists.permissions import require_staff, signed_in_user
from comics.editions.builds import FAILED, READY, BuildState, open_and_remove, read_state, take_download
from comics.studio import bp

# How often the page reloads itself without script while a build runs.
RELOAD_SECONDS = 3


def own_build_or_404(token: str) -> BuildState:
    state = read_state(token, signed_in_user().id)
    if state is None:
        abort(404)
    return state


def progress_words(state: BuildState) -> str:
    """Say where a build stands, in the page's language."""
    if state.status == READY:
        return str(_("Ready: %(name)s (%(size)s MB).", name=state.filename, size=f"{state.size / 1e6:.1f}"))
    if state.status == FAILED:
        return str(_("The edition could not be built; nothing was kept. Try again, or tell whoever runs the site."))
    if state.total:
        return str(_("Building: %(done)s of %(total)s episodes done.", done=state.done, total=state.total))
    return str(_("Waiting for the server to start building…"))


@bp.get("/editions/<token>")
@require_staff
def edition_build(token: str) -> str:
    """Show how one of this editor's builds stands, and its download once it is ready."""
    state = own_build_or_404(token)
    return render_template(
        "studio/edition_build.html",
        state=state,
        token=token,
        words=progress_words(state),
        reload_seconds=None if state.finished else RELOAD_SECONDS,
    )


@bp.get("/editions/<token>/progress")
@require_staff
def edition_build_progress(token: str) -> Response:
    """Answer the page's script: where the build stands, in words and numbers, and the download when ready."""
    state = own_build_or_404(token)
    download = url_for("studio.edition_download", token=token) if state.status == READY else None
    # Never cached: the studio is a personal area (private, no-store), as web/ sets for it.
    return jsonify(status=state.status, done=state.done, total=state.total, words=progress_words(state), download=download)


@bp.get("/editions/<token>/download")
@require_staff
def edition_download(token: str) -> Response:
    """Send a ready build's ZIP once, and remove it from the server as it goes."""
    found = take_download(token, signed_in_user().id)
    if found is None:
        abort(404)
    folder, filename = found
    stream, size = open_and_remove(folder, filename)
    response = send_file(stream, mimetype="application/zip", as_attachment=True, download_name=filename, max_age=0, conditional=False)
    response.content_length = size
    response.headers["Cache-Control"] = "no-store"
    return response
