"""Markdown written by artists, rendered and sanitized before it reaches a page."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# CommonMark with raw HTML off: artists write Markdown, and nh3 still cleans whatever comes out.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "s", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to place in a page as it is."""
    html = _markdown.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener nofollow ugc",
    )
    return Markup(cleaned)
