"""The language of a page, which is always in its URL and never in a cookie.

The default language (DEFAULT_LANGUAGE, English unless set) lives at the site's root; every other
language of LANGUAGES under a prefix: /ko/series/lantern-road/1 is the Korean page of
/series/lantern-road/1. A WSGI layer, LanguagePrefix, takes the prefix off the path and adds it to
SCRIPT_NAME, as a site mounted under a folder would be, and records the language in the environ. So
every route exists in every language with no route written twice, and url_for() keeps a reader in the
language they are reading. The language itself is read in one way only, language_of(environ): Babel's
locale, the templates (page_language) and the page cache's key, which holds each language's page apart.

Static files and media are the same in every language: static_url() and media_url() link to them at
the site's root (root_url_for), so a browser caches one copy.

A signed-in person's studio follows the language they chose (User.interface_language): a GET of a
studio page in another language is sent to the same page in theirs (follow_interface_language).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from babel import Locale
from flask import Response, has_request_context, redirect, request, url_for
from flask_login import current_user

from settings import LANGUAGE_LOCALES, default_language, locale_of, site_languages
from web.areas import in_area

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LANGUAGE_KEY = "freelines.language"
SITE_ROOT_KEY = "freelines.site_root"

# The site's languages, each one's locale and names, and the accessors to them live with the settings
# (settings.py: LANGUAGE_LOCALES, checked at start), imported here for the pages.


class LanguagePrefix:
    """A WSGI layer that takes a language's prefix off the path and mounts the app under it.

    For a path under a language's prefix (/ko/series/…) it moves the prefix from PATH_INFO to the end
    of SCRIPT_NAME (PATH_INFO /series/…, SCRIPT_NAME …/ko); for every request it records the page's
    language (language_of) and the site's own root, the SCRIPT_NAME it was given, in the environ. The
    bare prefix (/ko) it answers itself, with a redirect to the folder (/ko/). languages: every
    language of the site; default: the one at the root, without a prefix.
    """

    def __init__(self, wsgi_app: WSGIApplication, languages: Iterable[str], default: str) -> None:
        self.wsgi_app = wsgi_app
        self.default = default
        self.prefixed = {code for code in languages if code != default}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        root = environ.get("SCRIPT_NAME", "")
        environ[SITE_ROOT_KEY] = root
        environ[LANGUAGE_KEY] = self.default
        code, slash, rest = path[1:].partition("/")
        if code in self.prefixed:
            if not slash:
                # "/ko" is the Korean home page's address without its slash: "/ko/", as for any folder.
                query = environ.get("QUERY_STRING", "")
                location = f"{root}/{code}/" + (f"?{query}" if query else "")
                start_response("308 Permanent Redirect", [("Location", location), ("Content-Length", "0")])
                return [b""]
            environ["SCRIPT_NAME"] = f"{root}/{code}"
            environ["PATH_INFO"] = "/" + rest
            environ[LANGUAGE_KEY] = code
        return self.wsgi_app(environ, start_response)


def language_of(environ: Mapping[str, Any], default: str) -> str:
    """Return the language of the page a request asks for: the one LanguagePrefix read from its URL.

    The one place a page's language is read: by page_language() (so by Flask-Babel's locale selector
    and the templates) and by the page cache's key (web.page_cache.serving), so all of them agree. A request
    that did not come through the layer (a test's or a command's request context) is in the default.
    """
    return str(environ.get(LANGUAGE_KEY) or default)


def page_language() -> str:
    """Return the language of this request's page (the default outside a request)."""
    default = default_language()
    return language_of(request.environ, default) if has_request_context() else default


def page_locale() -> str:
    """Return the locale Flask-Babel formats and translates this page with."""
    return locale_of(page_language()).locale


def native_name(code: str) -> str:
    """Return a language's name in that language ("한국어"), as a reader looking for their own looks for
    it: the language switch's words.

    An episode may be lettered in a language the site does not serve (import-episode keeps any
    ComicInfo tag, such as "ja"): it has no entry, and is named by its tag.
    """
    known = LANGUAGE_LOCALES.get(code)
    return known.native_name if known else code


def language_name(code: str, in_language: str | None = None) -> str:
    """Return a language's name in the page's language (or in_language), to stand inside a sentence:
    "영어 원작 보기" on a Korean page, "Read the original in Korean" on an English one.

    The names come from Babel's CLDR data (Locale.languages), so a tag the site does not serve ("ja")
    is still named in words (일본어, Japanese); only a tag CLDR does not know is shown as itself.
    """
    language = in_language or page_language()
    known = LANGUAGE_LOCALES.get(language)
    names = Locale.parse(known.locale if known else language).languages
    base = code.split("-")[0]
    return str(names.get(code.replace("-", "_")) or names.get(base) or code)


def og_locale(code: str) -> str:
    """Return the Open Graph locale of a language's pages."""
    return locale_of(code).open_graph


def language_root(language: str) -> str:
    """Return the path under which a language's pages live: "" for the default, "/ko" for Korean."""
    site_root = request.environ.get(SITE_ROOT_KEY, request.script_root) if has_request_context() else ""
    return site_root if language == default_language() else f"{site_root}/{language}"


def path_in(language: str) -> str:
    """Return this page's path in a language, with its query string."""
    query = request.query_string.decode("latin-1")
    return language_root(language) + request.path + (f"?{query}" if query else "")


def url_for_language(language: str, endpoint: str, **values: Any) -> str:
    """Return url_for(endpoint, **values) as a path in a language, whichever language this page is in."""
    path = root_url_for(endpoint, **values)
    site_root = request.environ.get(SITE_ROOT_KEY, request.script_root) if has_request_context() else ""
    return language_root(language) + path[len(site_root) :]


def root_url_for(endpoint: str, **values: Any) -> str:
    """Return url_for(endpoint, **values) at the site's root, with no language prefix.

    For what is the same in every language (static files, media): one URL, so one cached copy.
    """
    url = url_for(endpoint, **values)
    if not has_request_context() or values.get("_external"):
        return url
    script_root, site_root = request.script_root, str(request.environ.get(SITE_ROOT_KEY, request.script_root))
    if script_root != site_root and url.startswith(script_root + "/"):
        return site_root + url[len(script_root) :]
    return url


@dataclass(frozen=True)
class LanguageLink:
    """This page in one language: its code, its name in that language (native_name) and its path."""

    code: str
    name: str
    path: str


def language_links() -> list[LanguageLink]:
    """Return this page in each language of the site, for the language switch and the alternates."""
    return [LanguageLink(code, native_name(code), path_in(code)) for code in site_languages()]


def other_language_links() -> list[LanguageLink]:
    """Return this page in each language but its own: the switch a reader sees."""
    here = page_language()
    return [link for link in language_links() if link.code != here]


def follow_interface_language() -> Response | None:
    """Send a signed-in person's GET of a page of their own (an area declared personal: web.areas) to the
    same page in the language they chose."""
    if request.method != "GET" or not in_area("personal") or not current_user.is_authenticated:
        return None
    chosen = current_user.interface_language
    chosen = str(chosen) if chosen else None
    if chosen and chosen != page_language() and chosen in site_languages():
        return redirect(path_in(chosen), 303)  # type: ignore[return-value]
    return None
