"""Messages not translated yet: the pure image steps' words to the artist, in English until shown.

The pure steps (opening, uploaded_archives, disclosure) import no Flask, so they cannot know the page's
language. They write each message with `_`, as the rest of the site does, so extraction finds it; here
`_` keeps the English template and its named values in a Wording, which is also the English text itself
(the CLI, logs and tests read it as a plain string). comics.site_images.in_page_language() translates a
Wording, values included, where a request knows the language.
"""
from __future__ import annotations

from typing import Any


class Wording(str):
    """A message as English text that still knows its template and values, to be translated later."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Wording:
        wording = super().__new__(cls, template % values if values else template)
        wording.template = template
        wording.values = values
        return wording


def _(template: str, **values: Any) -> Wording:
    """Mark a message for translation, keeping it in English until it is shown."""
    return Wording(template, **values)
