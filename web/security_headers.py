"""The browser-facing security headers, added to every response the app gives, by a WSGI layer.

A layer outside everything, not an after_request hook: pages answered before Flask (web.page_cache.held_pages),
static and media files, error pages and redirects all leave through it, so no path can forget them.
The factory's request pipeline (app.configure_request_pipeline) puts it around every layer but the
request log.

The policy allows only what the site does: its own scripts, styles, images and forms, from its own
origin, nothing inline, no plugins, no frames around it, no <base>. A response that sets one of these
headers itself keeps its own value: the /go/ redirect's `Referrer-Policy: no-referrer`, say, and the
`same-origin` of the areas whose forms post back (web.areas.send_referrer_to_this_site).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

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


def security_headers(hsts: bool) -> list[tuple[str, str]]:
    """Return the headers every response carries; Strict-Transport-Security only with hsts (an https site)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}"))
    return headers


class SecurityHeaders:
    """A WSGI layer that adds the security headers a response does not set itself.

    It rewrites only the answer's header list, appending each header of security_headers(hsts) whose
    name the answer does not already carry; the request passes on untouched. hsts: the site is served
    over https (SITE_URL), so browsers are told to keep to https.
    """

    def __init__(self, wsgi_app: WSGIApplication, hsts: bool = False) -> None:
        self.wsgi_app = wsgi_app
        self.headers = security_headers(hsts)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start_with_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value in self.headers if name.lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)
