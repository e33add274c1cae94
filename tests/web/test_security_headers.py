"""Every response carries the security headers: pages, held pages, static and media files, errors, redirects."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from artists.models import Role
from tests.browser import chromium_page, live_server, policy_violations
from tests.conftest import SiteBuilder, make_test_app
from tests.studio_support import make_account, sign_in
from web.security_headers import CONTENT_SECURITY_POLICY, security_headers

ROOT = Path(__file__).resolve().parent.parent.parent
EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}


def assert_protected(response: TestResponse, referrer_policy: str = "no-referrer") -> None:
    """Assert the response carries every security header, each exactly once."""
    response.close()
    for name, value in EVERYWHERE.items():
        assert response.headers.getlist(name) == [value], (name, response.status_code)
    assert response.headers.getlist("Referrer-Policy") == [referrer_policy]
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"


@pytest.fixture
def published(app: Flask, site: SiteBuilder) -> str:
    """Publish an episode and return the name of one of its public files."""
    episode = site.episode(site.series(), panels=1)
    return episode.panels[0].image.renditions[0].file


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reader_pages_feeds_static_and_media_files(client: FlaskClient, published: str, method: str) -> None:
    for path in ("/", "/series/river/", "/series/river/1/", "/artists/mina/", "/feed.atom", "/sitemap.xml",
                 "/robots.txt", "/search?q=river", "/static/css/site.css", "/static/js/studio.js", f"/media/{published}"):
        response = client.open(path, method=method)
        assert response.status_code == 200, path
        assert_protected(response)


def test_error_pages_and_redirects(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    def fails() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/fails", "fails", fails)
    client = app.test_client()
    assert_protected(not_found := client.get("/nothing-here"))
    assert not_found.status_code == 404
    assert_protected(not_allowed := client.post("/"))  # Werkzeug's own page: no handler of ours
    assert not_allowed.status_code == 405
    assert_protected(failed := client.get("/fails"))
    assert failed.status_code == 500
    assert_protected(client.get("/media/00/not-a-file.png"))
    for language in ("", "/ko"):
        assert_protected(client.get(f"{language}/studio/", follow_redirects=False), "same-origin")
        # Refused for its missing token, on the studio's error page, whose forms must still work.
        refused = client.post(f"{language}/studio/series/new", data={"title": "x"})
        assert refused.status_code == 400
        assert_protected(refused, "same-origin")


def test_the_go_redirect_keeps_its_own_no_referrer(client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist()
    site.episode(site.series(artist), panels=1)  # an artist's links are public once their work is
    response = client.get(f"/go/{artist.links[0].id}")
    assert response.status_code == 302
    assert_protected(response)


def test_pages_held_before_flask_carry_them_too(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, CACHE_TYPE="FileSystemCache", CACHE_DIR=str(tmp_path / "cache"))
    with app.app_context():
        SiteBuilder().episode(SiteBuilder().series(), panels=1)
    hooks: list[str] = []
    app.before_request(lambda: hooks.append("flask"))
    client = app.test_client()
    assert client.get("/series/river/1/").headers["X-Page-Cache"] == "MISS"
    hooks.clear()
    held = client.get("/series/river/1/")
    assert held.headers["X-Page-Cache"] == "HIT" and hooks == []  # answered by web.page_cache.held_pages
    assert_protected(held)
    revalidated = client.get("/series/river/1/", headers={"If-None-Match": held.headers["ETag"]})
    assert revalidated.status_code == 304 and hooks == []
    assert_protected(revalidated)


@pytest.mark.parametrize("language", ["", "/ko"])
def test_pages_with_forms_send_their_referrer_to_the_site_only(studio_app: Flask, language: str) -> None:
    """Flask-WTF refuses a form posted over HTTPS without a same-origin Referer: the areas whose forms
    post back send it (account, security and every studio), in every language."""
    make_account("admin@example.org", Role.ADMIN)
    SiteBuilder().artist()
    client = studio_app.test_client()
    assert_protected(client.get(f"{language}/account/login"), "same-origin")
    sign_in(client, "admin@example.org")
    for path in ("/studio/", "/studio/people", "/studio/series/new", "/studio/artists", "/studio/give",
                 "/account/password", "/account/sessions", "/account/security"):
        response = client.get(language + path)
        assert response.status_code == 200, language + path
        assert_protected(response, "same-origin")
    # The areas' own error pages too, which the studio's layout (its language switch, Sign out) frames.
    missing = client.get(f"{language}/studio/series/999/edit")
    assert missing.status_code == 404
    assert_protected(missing, "same-origin")
    # Reader pages keep no-referrer for the signed-in too.
    assert_protected(client.get(f"{language}/"))


def test_hsts_only_when_the_site_is_served_over_https(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "secure").mkdir()
    plain = make_test_app(tmp_path / "plain").test_client().get("/")
    assert "Strict-Transport-Security" not in plain.headers
    secure = make_test_app(tmp_path / "secure", SITE_URL="https://freelines.example").test_client().get("/")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_protected(secure)


def test_nginx_sets_the_same_headers_on_what_it_serves_itself() -> None:
    """nginx's snippet for /static/ and its own answers (docs/nginx): the app's headers, for an https site."""
    conf = (ROOT / "docs" / "nginx" / "webtoon-headers.conf").read_text()
    snippet = dict(re.findall(r'^add_header ([\w-]+) "([^"]*)" always;$', conf, re.M))
    assert snippet == dict(security_headers(hsts=True))


# --- what the policy asks of the templates and scripts ----------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>", re.I), "an inline script"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"<meta[^>]+name=\"referrer\"", re.I), "a <meta name=referrer> (it would override the header)"),
]
SCRIPT_SINKS = [
    (re.compile(r"setAttribute\(\s*[\"']style[\"']"), "setAttribute('style', …)"),
    (re.compile(r"\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write"), "an HTML sink (Trusted Types)"),
    (re.compile(r"\beval\(|new Function\(|setTimeout\(\s*[\"'`]"), "code from a string"),
]


def test_no_template_has_inline_script_style_or_handlers() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_no_script_writes_styles_or_html_from_strings() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in sorted((ROOT / "static").rglob("*.js"))
        for pattern, what in SCRIPT_SINKS
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.browser
def test_the_browser_tests_would_see_a_violation(tmp_path: Path) -> None:
    """The watch every browser test runs under (tests.browser) does report what the policy blocks."""
    app = make_test_app(tmp_path)
    app.add_url_rule(
        "/inline", "inline", lambda: '<!doctype html><title>t</title><p style="color: red">Hi</p><script>document.title = "ran"</script>'
    )
    with live_server(app) as base_url, chromium_page(fail_on_violations=False) as page:
        page.goto(f"{base_url}/inline")
        page.wait_for_function("() => window.reportedPolicyViolations >= 2")  # both reached the watch
        reported = " ".join(policy_violations(page))
        assert page.title() == "t"  # the inline script never ran
    assert "script-src" in reported and "style-src" in reported, reported
