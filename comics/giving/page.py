"""The Give page readers see, in the page's language, and the words an admin sets for it.

Each language has its own heading, text and donation link; a language an admin has not written yet
shows the default language's words, and before any are written the page says what the organisation
does in the interface's own words, with no link.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_babel import gettext as _

from artists.links import is_allowed_link_url
from comics.giving.models import give_texts
from settings import default_language, site_name
from web.languages import page_language
from web.page_cache import cached_page

bp = Blueprint("giving", __name__)


@dataclass(frozen=True)
class GiveWords:
    """What the Give page shows: the words, in their language, and the link, if one is set."""

    language: str
    heading: str
    body_markdown: str
    donation_url: str
    donation_label: str


def give_words(language: str) -> GiveWords:
    """Return the Give page's words for readers of this language."""
    rows = give_texts()
    row = rows.get(language) or rows.get(default_language())
    if row is None:
        return GiveWords(language, _("Give"), "", "", "")
    url = row.donation_url if is_allowed_link_url(row.donation_url) else ""
    return GiveWords(
        row.language,
        row.heading or _("Give"),
        row.body_markdown,
        url,
        row.donation_label or _("Give to %(site)s", site=site_name()),
    )


@bp.get("/give/")
@cached_page
def give() -> str:
    """Show how to give to the organisation that publishes these artists."""
    return render_template("giving/give.html", words=give_words(page_language()))
