"""Error answers for the whole site: a page for people, JSON for the studio's script, always a message.

Registered by the factory (app.configure_error_pages) for every status a request can end in: nothing
a user sends gets a bare error or a traceback.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests

from extensions import db


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
    """Answer a form sent without a valid CSRF token: nothing was changed."""
    return error_answer(
        _(
            "This form was out of date or not sent from this site, so nothing was changed. "
            "Reload the page and try again."
        ),
        400,
        _("Form expired"),
    )


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
    return error_answer(error.description or _("That cannot be done right now."), 409, _("Not yet"))


def unauthorised(error: Exception) -> tuple[Response | str, int]:
    return error_answer(_("Sign in to do that."), 401, _("Sign in needed"))


def forbidden(error: Exception) -> tuple[Response | str, int]:
    return error_answer(_("Your account may not do that. Ask an editor or an admin if you think it should."), 403, _("Not allowed"))


def register_error_pages(app: Flask) -> None:
    """Answer every error status the site can give with its page or JSON message."""
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(401, unauthorised)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(409, conflict)
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(500, server_error)
