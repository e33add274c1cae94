"""A series' title, summary and content warning, and an artist's name and bio, in the site's other
languages, as the studio's forms send them and as a revision holds them:
{"ko": {"title": ..., "summary": ..., "content_warning": ...}}.

They travel inside the series' or profile's proposal (comics.publishing.revisions), so an editor
approves them with the rest; an empty language is no translation, and saving it removes the row.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from artists.models import Artist, ArtistTranslation
from comics.models import Series, SeriesTranslation

Texts = dict[str, dict[str, str]]


@dataclass(frozen=True)
class TextFields:
    """The words a profile or series takes in each language, and which of them need another beside them."""

    keys: tuple[str, ...]
    # key -> the key it needs in the same language: a summary is of the title it belongs to.
    needs: dict[str, str] = field(default_factory=dict)


SERIES_TEXTS = TextFields(("title", "summary", "content_warning"), needs={"summary": "title"})
PROFILE_TEXTS = TextFields(("display_name", "bio_markdown"))


@dataclass(frozen=True)
class FormTexts:
    """The words in each language a form sent (empty languages left out), and the reasons to refuse them."""

    texts: Texts
    reasons: list[str]

# The form's field names: title-ko, summary-ko, warning-ko; name-ko, bio-ko.
FORM_NAMES = {"title": "title", "summary": "summary", "content_warning": "warning", "display_name": "name", "bio_markdown": "bio"}
LIMITS = {"title": 200, "summary": 5000, "content_warning": 300, "display_name": 120, "bio_markdown": 10_000}


def series_texts(series: Series) -> Texts:
    """Return a series' live translations, by language."""
    return {t.language: {"title": t.title, "summary": t.summary, "content_warning": t.content_warning} for t in series.translations}


def profile_texts(artist: Artist) -> Texts:
    """Return an artist's live translations, by language."""
    return {t.language: {"display_name": t.display_name, "bio_markdown": t.bio_markdown} for t in artist.translations}


def texts_from_form(form: Mapping[str, str], languages: Iterable[str], fields: TextFields) -> FormTexts:
    """Read the words in each language from a form, once a request: too long is refused, and so is a
    summary without the title it belongs to. A content warning may stand alone: the title then stays
    the original's, and the warning is in the reader's language."""
    texts: Texts = {}
    reasons: list[str] = []
    for language in languages:
        values = {key: (form.get(f"{FORM_NAMES[key]}-{language}") or "").strip() for key in fields.keys}
        if not any(values.values()):
            continue
        for key, value in values.items():
            if len(value) > LIMITS[key]:
                reasons.append(_("%(language)s: keep it under %(limit)s characters.", language=language, limit=LIMITS[key]))
        if any(values[key] and not values[needed] for key, needed in fields.needs.items()):
            reasons.append(_("%(language)s: give the title in this language too, or leave its summary empty.", language=language))
        texts[language] = values
    return FormTexts(texts, reasons)


def apply_series_texts(series: Series, texts: Texts) -> bool:
    """Make the series' translations these, updating rows in place; return whether anything changed."""
    return _apply(series.translations, texts, SERIES_TEXTS.keys, lambda language: SeriesTranslation(language=language))


def apply_profile_texts(artist: Artist, texts: Texts) -> bool:
    """Make the artist's translations these, updating rows in place; return whether anything changed."""
    return _apply(artist.translations, texts, PROFILE_TEXTS.keys, lambda language: ArtistTranslation(language=language))


def _apply(rows: list[Any], texts: Texts, keys: tuple[str, ...], new: Any) -> bool:
    changed = False
    by_language = {row.language: row for row in rows}
    for language, row in by_language.items():
        if language not in texts:
            if getattr(row, "cover", None) is not None:
                # A translation that has its own cover keeps it (comics.publishing.language_covers).
                for key in keys:
                    if getattr(row, key):
                        setattr(row, key, "")
                        changed = True
                continue
            rows.remove(row)
            changed = True
    for language, values in texts.items():
        row = by_language.get(language)
        if row is None:
            row = new(language)
            rows.append(row)
            changed = True
        for key in keys:
            if getattr(row, key) != values.get(key, ""):
                setattr(row, key, values.get(key, ""))
                changed = True
    return changed
