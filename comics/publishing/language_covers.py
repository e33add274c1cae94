"""A cover per series translation: a cover lettered in another language, which readers of that language
see instead of the original's (Series.cover_in).

The studio's series form sends one file field and one remove box per other language (cover-ko,
remove-cover-ko); the view stores each new file through the image pipeline, like the series' own cover,
and hands the result here as Covers: {language: a new StoredImage, or None to remove that language's}.
Applied at once, they become the translations' covers; kept for review, they wait in the revision
(RevisionImage, which no reader can fetch) and its proposal says {"covers": {"ko": "new" | "remove"}}.
Nothing here commits: callers commit, then discard the returned stale files.
"""

from __future__ import annotations

from comics.images.ingest import delete_images
from comics.images.models import StoredImage
from comics.models import Series, SeriesTranslation
from comics.publishing.models import Revision, RevisionImage

Covers = dict[str, StoredImage | None]


def apply_covers(series: Series, covers: Covers) -> tuple[set[str], list[str]]:
    """Make these the covers of the series' translations; return the stale files and one audit line per
    language changed. A translation left with neither words nor cover is removed."""
    stale: set[str] = set()
    lines: list[str] = []
    rows = {row.language: row for row in series.translations}
    for language, image in sorted(covers.items()):
        row = rows.get(language)
        old = row.cover if row is not None else None
        if image is None and old is None:
            continue
        if row is None:
            row = SeriesTranslation(language=language, title="", summary="", content_warning="")
            series.translations.append(row)
        row.cover = image
        if old is not None:
            stale |= delete_images([old])
        lines.append(f"cover in {language} {'removed' if image is None else ('replaced' if old is not None else 'added')}")
        if image is None and not (row.title or row.summary or row.content_warning):
            series.translations.remove(row)
    return stale, lines


def covers_change(series: Series, states: dict[str, str]) -> bool:
    """Tell whether a proposal's cover states ({"ko": "new" | "remove"}) change what readers see."""
    live = {row.language for row in series.translations if row.cover is not None}
    return any(state == "new" or (state == "remove" and language in live) for language, state in states.items())


def hold_covers(revision: Revision, covers: Covers) -> set[str]:
    """Keep new covers in a pending revision (replacing any it held for those languages) and note each
    language's state in its proposal; return the files of the covers it no longer holds."""
    held = {each.language: each for each in revision.language_images}
    states = dict(revision.proposed.get("covers") or {})
    replaced: list[StoredImage] = []
    for language, image in covers.items():
        if language in held:
            replaced.append(held[language].image)
            revision.language_images.remove(held[language])
        if image is None:
            states[language] = "remove"
        else:
            revision.language_images.append(RevisionImage(language=language, image=image))
            states[language] = "new"
    revision.proposed = {**revision.proposed, "covers": states}
    return delete_images(replaced)


def held_covers(revision: Revision) -> Covers:
    """Return the covers a revision proposes: its held new ones, and None for each language it removes."""
    held = {each.language: each.image for each in revision.language_images}
    states = revision.proposed.get("covers") or {}
    return {
        language: held.get(language) if state == "new" else None
        for language, state in states.items()
        if state == "remove" or language in held
    }


def release_covers(revision: Revision) -> list[StoredImage]:
    """Let go of the covers a revision holds; return them (to delete, unless they were applied)."""
    images = [each.image for each in revision.language_images]
    revision.language_images.clear()
    return images
