"""The request pipeline: the WSGI layers app.configure_request_pipeline declares, in their order, each
plain WSGI middleware that takes its settings as arguments."""
from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.test import Client

from tests.conftest import make_test_app
from web.languages import LANGUAGE_KEY, SITE_ROOT_KEY, LanguagePrefix
from web.page_cache.held_pages import HeldPages, may_hold_pages
from web.request_logs import DevelopmentRequestLog
from web.security_headers import SecurityHeaders

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def layers_of(wsgi_app: Any) -> list[type]:
    """Return the types of the layers around Flask's own wsgi_app, outermost first."""
    found = []
    while not inspect.ismethod(wsgi_app):  # Flask's wsgi_app, a bound method, is the bottom
        found.append(type(wsgi_app))
        wsgi_app = getattr(wsgi_app, "wsgi_app", None) or wsgi_app.app  # ProxyFix names it app
    return found


def test_the_layers_run_in_the_order_declared(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, TRUSTED_PROXIES=1)
    assert layers_of(app.wsgi_app) == [DevelopmentRequestLog, SecurityHeaders, ProxyFix, LanguagePrefix, HeldPages]


def test_settings_leave_layers_out(tmp_path: Path) -> None:
    # Reached directly (no proxy trusted), the proxy fix is not there at all.
    direct = make_test_app(tmp_path)
    assert layers_of(direct.wsgi_app) == [DevelopmentRequestLog, SecurityHeaders, LanguagePrefix, HeldPages]
    # A limit on every view: no page may skip Flask-Limiter's check, so none is answered before Flask
    # (test_page_cache builds such an app; Flask-Limiter keeps its default limits for the whole process).
    assert may_hold_pages(direct.config)
    assert not may_hold_pages({**direct.config, "RATELIMIT_DEFAULT": "1000 per minute"})


def test_the_layers_are_plain_wsgi_that_take_their_settings_as_arguments() -> None:
    """No Flask and no config: a bare WSGI function, wrapped by hand, gets what the site's app gets."""
    seen: list[dict[str, str]] = []

    def bare(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        seen.append({key: environ[key] for key in ("SCRIPT_NAME", "PATH_INFO", LANGUAGE_KEY, SITE_ROOT_KEY)})
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wrapped = DevelopmentRequestLog(SecurityHeaders(LanguagePrefix(bare, ["en", "ko"], "en"), hsts=True))
    response = Client(wrapped).get("/ko/series/river/")
    assert response.status_code == 200 and response.headers["Strict-Transport-Security"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert seen == [{"SCRIPT_NAME": "/ko", "PATH_INFO": "/series/river/", LANGUAGE_KEY: "ko", SITE_ROOT_KEY: ""}]
    assert Client(wrapped).get("/ko").headers["Location"] == "/ko/"
