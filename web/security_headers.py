"""The browser-facing security headers, added to every response the app gives, by a WSGI layer.

A layer outside everything, not an after_request hook: pages answered before Flask (web.held_pages),
static and media files, error pages and redirects all leave through it, so no path can forget them.
Installed by the factory (app.configure_security_headers), last, so it wraps every other layer.

The policy allows only what the site does: its own scripts, styles, images and forms, from its own
origin, nothing inline, no plugins, no frames around it, no <base>. A response that sets one of these
headers itself keeps its own value (the /go/ redirect's `Referrer-Policy: no-referrer`, say).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        # Named although default-src covers them, so a later loosening of default-src cannot reach them.
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        # The scripts write the page with textContent and createElement only; this keeps it so.
        "require-trusted-types-for 'script'",
    )
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
)
# A year: long enough that a network attacker rarely meets a browser that has forgotten the site.
HSTS_MAX_AGE = 31_536_000
# Pages whose forms post back to the site. Flask-WTF refuses a form sent over HTTPS without a
# same-origin Referer (WTF_CSRF_SSL_STRICT), so these send it to the site itself, and to no one else.
SAME_ORIGIN_REFERRER_PREFIXES = ("/account/", "/studio/")


def security_headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return the headers every response carries under this configuration (HSTS only for an https SITE_URL)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    site_url = config.get("SITE_URL")
    if site_url and urlsplit(str(site_url)).scheme == "https":
        headers.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}"))
    return headers


class SecurityHeaders:
    """A WSGI layer that adds the security headers a response does not set itself."""

    def __init__(
        self,
        wsgi_app: WSGIApplication,
        headers: Sequence[tuple[str, str]],
        same_origin_referrer_prefixes: Sequence[str] = SAME_ORIGIN_REFERRER_PREFIXES,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.headers = list(headers)
        self.same_origin_referrer_prefixes = tuple(same_origin_referrer_prefixes)

    @classmethod
    def install(cls, app: Flask) -> None:
        """Wrap the app's WSGI callable, as it stands now, in the layer."""
        app.wsgi_app = cls(app.wsgi_app, security_headers(app.config))  # type: ignore[method-assign]

    def headers_for(self, path: str) -> list[tuple[str, str]]:
        """Return the headers for a response to this path."""
        if path.startswith(self.same_origin_referrer_prefixes):
            return [(name, "same-origin" if name == "Referrer-Policy" else value) for name, value in self.headers]
        return self.headers

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        extra = self.headers_for(environ.get("PATH_INFO", ""))

        def start_with_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value in extra if name.lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)
