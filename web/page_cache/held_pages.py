"""Pages this worker holds in memory, answered before Flask builds a request for them.

Profiling a cache hit showed that finding the page was a small part of answering it: most of the time
went to the request hooks of the extensions (Flask-Limiter's checks, Flask-Login's user, CSRF,
Flask-Compress), to the session and to Flask's request and application contexts, none of which has
anything to do for an anonymous reader of a stored page (docs/performance.md has the figures). So a
WSGI layer in front of the app answers those requests itself: it matches the URL with the app's own
adapter and asks the view's *early answer* (set by web.page_cache.serving.cached_page) for the page. When
there is none, the request goes to Flask as if this layer were not there.

Decorators above the cache must still see every answer (view counting does): a decorator takes part
by giving its wrapper an early answer of its own that calls the one below (comics.stats.counting).
functools.wraps copies the attribute onto the wrapper of any decorator that does not take part, but
that copy names the function below it, so the layer sees that the registered view would be skipped
and leaves the request to Flask (see own_early_answer).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

# Flask-Limiter applies these to every view, so no page may skip its hook while one is set
# (extensions.py sets none in code; the sign-in limits are on their view, which has no early answer).
LIMITS_FOR_EVERY_VIEW = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")

EarlyAnswerFunction = Callable[[Flask, Request, Mapping[str, Any]], Response | None]


@dataclass(frozen=True)
class EarlyAnswer:
    """How a view answers before Flask: a function of the app, the request and the URL's values,
    which returns the answer or None, and the view function it belongs to."""

    view: Callable[..., Any]
    answer: EarlyAnswerFunction


def answers_early(view: Callable[..., Any], answer: EarlyAnswerFunction) -> None:
    """Let the layer answer for this view function, with this function, before Flask."""
    view.early_answer = EarlyAnswer(view, answer)  # type: ignore[attr-defined]


def own_early_answer(view: Callable[..., Any] | None) -> EarlyAnswer | None:
    """Return the view's own early answer; None if it has none, or only a copy from a function it wraps."""
    early = getattr(view, "early_answer", None)
    return early if isinstance(early, EarlyAnswer) and early.view is view else None


def may_hold_pages(config: Mapping[str, Any]) -> bool:
    """Tell whether pages may be answered before Flask: not while a limit applies to every view, whose
    check would then be skipped."""
    return not any(config.get(name) for name in LIMITS_FOR_EVERY_VIEW)


class HeldPages:
    """A WSGI layer that answers a GET or HEAD itself when the view it asks for has an early answer.

    It rewrites nothing: a request it does not answer reaches wsgi_app exactly as it came. It matches
    the URL with flask_app's own adapter and rules, so it must sit inside every layer that rewrites the
    path (web.languages.LanguagePrefix), and it is left out while may_hold_pages() says no.
    """

    def __init__(self, wsgi_app: WSGIApplication, flask_app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = flask_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # GET and HEAD only: CSRF checks and the sign-in limits apply to the other methods.
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            try:
                response = self.early_answer(environ)
            except Exception as error:  # noqa: BLE001 - Flask answers instead, as explained below
                # An optimisation must not change how failures are answered: Flask then answers as it
                # always has, with the site's error page if the failure (a Redis that is gone, say)
                # happens there too, and logs it in full.
                log.warning("answering %s through Flask: the early answer failed: %r", environ.get("PATH_INFO"), error)
                response = None
            if response is not None:
                return response(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def early_answer(self, environ: WSGIEnvironment) -> Response | None:
        """Return the registered view's early answer to this request, or None to leave it to Flask."""
        app = self.app
        request = app.request_class(environ)
        try:
            # The app's own adapter and rules, so this matches exactly what Flask would.
            rule, view_args = app.create_url_adapter(request).match(return_rule=True)  # type: ignore[union-attr]  # never None for a request
        except HTTPException:
            return None  # not found, a redirect to add a slash, a host not trusted: Flask's to answer
        early = own_early_answer(app.view_functions.get(rule.endpoint))
        return None if early is None else early.answer(app, request, view_args)
