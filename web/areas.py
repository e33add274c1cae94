"""What an area of the site (a blueprint) says about its own pages, so the plumbing names no area.

A blueprint declares, where it is made, what its pages need (declare_area):
- personal: its pages are a signed-in person's own (the studios, the security pages), so they follow
  the language that person chose (web.languages.follow_interface_language);
- forms_post_back: its forms post back to it, so its answers tell the site, and no one else, which
  page a request comes from (web.security_headers.send_referrer_to_this_site): Flask-WTF refuses a
  form sent over HTTPS without a same-origin Referer.

The factory collects the declarations of the blueprints it registers (collect_areas), and the hooks
ask which areas the request is in (in_area). A blueprint, not a path, decides, so a declaration holds
in every language (/ko/studio/ as /studio/) and on the area's error pages.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from flask import Blueprint, Flask, Response, current_app, request

AREAS_KEY = "web.areas"
_DECLARATION = "area_needs"

Need = Literal["personal", "forms_post_back"]


@dataclass(frozen=True)
class AreaNeeds:
    """What one blueprint's pages need of the plumbing."""

    personal: bool = False
    forms_post_back: bool = False


def declare_area(bp: Blueprint, *, personal: bool = False, forms_post_back: bool = False) -> Blueprint:
    """Say what this blueprint's pages need (see the module's docstring), and return it."""
    setattr(bp, _DECLARATION, AreaNeeds(personal=personal, forms_post_back=forms_post_back))
    return bp


def area_needs(bp: Blueprint) -> AreaNeeds:
    """Return what a blueprint declared, or no needs at all."""
    needs = getattr(bp, _DECLARATION, None)
    return needs if isinstance(needs, AreaNeeds) else AreaNeeds()


def collect_areas(app: Flask, blueprints: Iterable[Blueprint]) -> None:
    """Record, for the app's hooks, the names of the blueprints that declared each need."""
    declared = [(bp.name, area_needs(bp)) for bp in blueprints]
    app.extensions[AREAS_KEY] = {
        "personal": frozenset(name for name, needs in declared if needs.personal),
        "forms_post_back": frozenset(name for name, needs in declared if needs.forms_post_back),
    }


def in_area(need: Need) -> bool:
    """Tell whether this request's page belongs to a blueprint that declared this need."""
    names: frozenset[str] = current_app.extensions[AREAS_KEY][need]
    return any(name in names for name in request.blueprints)


def send_referrer_to_this_site(response: Response) -> Response:
    """Let the browser tell the site, and no one else, which of its pages a request comes from, on the
    pages of the areas whose forms post back (run by the factory after every request).

    Flask-WTF refuses a form sent over HTTPS without a same-origin Referer (WTF_CSRF_SSL_STRICT), and a
    no-referrer page (web.security_headers' policy for every other page) sends none.
    """
    if in_area("forms_post_back"):
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
