"""Error answers for the whole site: a page for people, JSON for the studio's script, always a message.

Registered by the factory (app.configure_error_pages) for every status a request can end in: nothing
a user sends gets a bare error or a traceback.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Conflict, HTTPException, TooManyRequests

from extensions import db
from web.forms import csrf_refusal


def wants_json() -> bool:
    """Tell whether the client is the studio's script, which wants JSON rather than a page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_answer(message: str, status: int, title: str | None = None) -> tuple[Response | str, int]:
    """Answer an error as JSON to the studio's script, else as a page, always with a message (both translated)."""
    if title is None:
        title = _("That did not work")
    if wants_json():
        return jsonify(ok=False, error=message), status
    return render_template("auth/error.html", title=title, message=message, status=status), status


def not_found(error: Exception) -> tuple[str, int]:
    return render_template("errors/404.html"), 404


def server_error(error: Exception) -> tuple[str, int]:
    """Answer an unexpected failure, rolling back whatever the request had half done."""
    db.session.rollback()
    return render_template("errors/500.html"), 500


def csrf_failed(error: CSRFError) -> tuple[Response | str, int]:
    """Answer a form sent without a valid CSRF token: nothing was changed, and why, in the site's words."""
    return error_answer(csrf_refusal(str(error.description)), 400, _("Form not accepted"))


def too_many_requests(error: TooManyRequests) -> tuple[Response | str, int]:
    """Answer a rate-limited request with a message saying when to try again."""
    return error_answer(
        _("Too many sign-in attempts from your connection. Wait a few minutes, then try again."),
        429,
        _("Too many attempts"),
    )


def too_large(error: Exception) -> tuple[Response | str, int]:
    """Answer a request bigger than MAX_CONTENT_LENGTH: nothing of it was read or saved."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return error_answer(
        _(
            "These files are too large to send together (at most %(megabytes)s MB in one go). "
            "Nothing was saved: send fewer files at a time.",
            megabytes=format_decimal(limit / 1_000_000, "0.0"),
        ),
        413,
        _("Upload too large"),
    )


def conflict(error: HTTPException) -> tuple[Response | str, int]:
    """Answer a refusal the view explained (abort(409, reason)); werkzeug's own words are never shown."""
    explained = error.description if error.description != Conflict.description else None
    return error_answer(explained or _("That cannot be done right now."), 409, _("Not yet"))


def bad_request(error: Exception) -> tuple[Response | str, int]:
    """Answer a request the site could not read (a form cut short, a field missing): nothing was changed."""
    return error_answer(_("This site could not read what your browser sent, so nothing was changed. Reload the page and try again."), 400)


def wrong_method(error: HTTPException) -> tuple[Response | str, int, list[tuple[str, str]]]:
    """Answer an address opened in a way it is not for, such as a form's address opened as a page."""
    message = _("This address is not a page to open: it is where a form sends its answer. Go back and use the page's button.")
    return (*error_answer(message, 405), werkzeug_headers(error))


def other_error(error: HTTPException) -> tuple[Response | str, int, list[tuple[str, str]]]:
    """Answer any status without a handler of its own in the site's words, not werkzeug's."""
    return (*error_answer(_("That did not work. Go back and try again."), error.code or 500), werkzeug_headers(error))


def werkzeug_headers(error: HTTPException) -> list[tuple[str, str]]:
    """Return the headers werkzeug's answer would carry (such as a 405's Allow), but its content type."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def unauthorised(error: Exception) -> tuple[Response | str, int]:
    return error_answer(_("Sign in to do that."), 401, _("Sign in needed"))


def forbidden(error: Exception) -> tuple[Response | str, int]:
    return error_answer(_("Your account may not do that. Ask an editor or an admin if you think it should."), 403, _("Not allowed"))


def register_error_pages(app: Flask) -> None:
    """Answer every error status the site can give with its page or JSON message."""
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(400, bad_request)
    app.register_error_handler(405, wrong_method)
    app.register_error_handler(401, unauthorised)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(409, conflict)
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, server_error)
    # Any other status werkzeug can raise: its page would speak werkzeug's English.
    app.register_error_handler(HTTPException, other_error)
