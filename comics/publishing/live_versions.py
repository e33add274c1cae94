"""Writing a version of a profile or series onto the live rows, and auditing each change it makes.

A version comes from comics.publishing.revisions, once approved or when it needs no review. Profiles'
links are updated in place, so their ids and click counts survive; a replaced picture's files are
returned to the caller, to discard after the commit.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from artists.models import Artist, ArtistLink, LinkKind, User
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.images.ingest import delete_images
from comics.images.models import StoredImage
from comics.models import Series, SeriesStatus
from comics.publishing.language_covers import Covers, apply_covers
from comics.publishing.language_texts import apply_profile_texts, apply_series_texts
from extensions import db

Target = Artist | Series
PROFILE_FIELDS = ("display_name", "bio_markdown", "links", "translations")
SERIES_FIELDS = ("title", "slug", "summary", "language", "status", "content_warning", "artist_id", "translations")
# How the studio names each field, on the review page and in the audit log.
FIELD_NAMES = {
    "display_name": "Display name",
    "bio_markdown": "About",
    "links": "Links",
    "title": "Title",
    "slug": "Web address",
    "summary": "Summary",
    "language": "Language",
    "status": "Status",
    "content_warning": "Content warning",
    "artist_id": "Artist",
    "picture": "Picture",
    "translations": "Other languages",
    "covers": "Covers in other languages",
}


class RevisionRefused(ValueError):
    """A revision step that cannot be taken now, with the reason to show."""


def apply(
    target: Target, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "", covers: Covers | None = None
) -> set[str]:
    """Write a version onto the live profile or series and audit every change; return stale files.

    covers: new covers for a series' other languages (comics.publishing.language_covers)."""
    if isinstance(target, Artist):
        return apply_profile(target, values, image, user, note)
    return apply_series(target, values, image, user, note, covers)


def apply_profile(artist: Artist, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "") -> set[str]:
    """Write a profile version onto the artist and their links (updated in place, so ids and counts survive)."""
    changes: list[str] = []
    if values["display_name"] != artist.display_name:
        changes.append(f"display name “{artist.display_name}” → “{values['display_name']}”")
        artist.display_name = values["display_name"]
    if values["bio_markdown"] != artist.bio_markdown:
        changes.append("about text changed")
        artist.bio_markdown = values["bio_markdown"]
    if "translations" in values and apply_profile_texts(artist, values["translations"]):
        changes.append("other languages changed")
    link_changes = _apply_links(artist, values["links"])
    if link_changes and link_changes[-1] == "order":
        link_changes.pop()
        changes.append("links reordered")
    avatar, stale, picture_change = _replace_picture(artist.avatar, values, image)
    artist.avatar = avatar
    if picture_change:
        changes.append(picture_change)
    db.session.flush()
    suffix = f" ({note})" if note else ""
    if changes:
        record(user, AuditAction.PROFILE_CHANGE, "artist", artist.id, artist.display_name, "; ".join(changes) + suffix)
    for change_text in link_changes:
        record(user, AuditAction.LINK_CHANGE, "artist", artist.id, artist.display_name, change_text + suffix)
    return stale


def _apply_links(artist: Artist, rows: list[dict[str, Any]]) -> list[str]:
    """Make the artist's links these rows, in order; return one audit line per link added, changed or
    removed, each with its old and new address, and "order" last when only the order changed too."""
    own = {link.id: link for link in artist.links}
    before = [link.id for link in sorted(artist.links, key=lambda link: link.position)]
    lines: list[str] = []
    kept: list[ArtistLink] = []
    for position, row in enumerate(rows, start=1):
        # A proposal kept before labels per language existed has none: the link keeps showing its label.
        labels = dict(row.get("labels") or {})
        link = own.get(row["id"]) if row.get("id") is not None else None
        if link is None:
            link = ArtistLink(kind=LinkKind(row["kind"]), label=row["label"], labels=labels, url=row["url"], is_primary=bool(row["is_primary"]))
            artist.links.append(link)
            lines.append(f"link added: “{row['label']}” ({row['kind']}) {row['url']}")
        else:
            differences = []
            if link.url != row["url"]:
                differences.append(f"address {link.url} → {row['url']}")
            if link.label != row["label"]:
                differences.append(f"label “{link.label}” → “{row['label']}”")
            for language in sorted({*(link.labels or {}), *labels}):
                old_label, new_label = (link.labels or {}).get(language, ""), labels.get(language, "")
                if old_label != new_label:
                    differences.append(f"label in {language} “{old_label}” → “{new_label}”")
            if link.kind.value != row["kind"]:
                differences.append(f"kind {link.kind.value} → {row['kind']}")
            if link.is_primary != bool(row["is_primary"]):
                differences.append("now the primary link" if row["is_primary"] else "no longer the primary link")
            if differences:
                lines.append(f"link {link.id} “{row['label']}”: " + "; ".join(differences))
            link.kind, link.label, link.url, link.is_primary = LinkKind(row["kind"]), row["label"], row["url"], bool(row["is_primary"])
            link.labels = labels
        link.position = position
        kept.append(link)
    for link in list(artist.links):
        if not any(link is other for other in kept):
            lines.append(f"link {link.id} removed: “{link.label}” {link.url}")
            artist.links.remove(link)
    # The links that were there before and still are: did any of them move past another?
    staying = {link.id for link in kept if link.id is not None}
    if [link_id for link_id in before if link_id in staying] != [link.id for link in kept if link.id in staying]:
        lines.append("order")
    return lines


def series_problems(series: Series, values: dict[str, Any]) -> list[str]:
    """Return why a series version cannot be saved as it stands (its web address taken, say)."""
    slug = values["slug"]
    if not slug:
        return [_("Web address: make one from letters or digits, like the-lantern-road.")]
    taken = db.session.scalar(select(Series.id).where(Series.slug == slug, Series.id != series.id)) if series.id else (
        db.session.scalar(select(Series.id).where(Series.slug == slug))
    )
    if taken is not None:
        return [_("Web address: /series/%(slug)s/ is taken by another series; choose another.", slug=slug)]
    return []


def apply_series(
    series: Series, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "", covers: Covers | None = None
) -> set[str]:
    """Write a series version onto the series (a new one is added to the session) and audit the change."""
    creating = series.id is None
    problems = series_problems(series, values)
    if problems:
        raise RevisionRefused(" ".join(problems))
    changes = [] if creating else [
        _describe(key, getattr(series, key) if key != "status" else series.status.value, values[key])
        for key in SERIES_FIELDS
        if key != "translations" and values[key] != (series.status.value if key == "status" else getattr(series, key))
    ]
    if "translations" in values and apply_series_texts(series, values["translations"]) and not creating:
        changes.append("other languages changed")
    series.title = values["title"]
    series.slug = values["slug"]
    series.summary = values["summary"]
    series.language = values["language"]
    series.status = SeriesStatus(values["status"])
    series.content_warning = values["content_warning"]
    series.artist_id = values["artist_id"]
    cover, stale, picture_change = _replace_picture(series.cover, values, image, "cover")
    series.cover = cover
    if picture_change and not creating:
        changes.append(picture_change)
    if covers:
        language_stale, cover_lines = apply_covers(series, covers)
        stale |= language_stale
        changes.extend([] if creating else cover_lines)
    db.session.add(series)
    db.session.flush()
    suffix = f" ({note})" if note else ""
    if creating:
        record(user, AuditAction.SERIES_CHANGE, "series", series.id, series.title, "created" + suffix)
    elif changes:
        record(user, AuditAction.SERIES_CHANGE, "series", series.id, series.title, "; ".join(changes) + suffix)
    return stale


def _describe(key: str, old: Any, new: Any) -> str:
    """Return one field's change for the audit log: short values in full, long texts by name only."""
    name = FIELD_NAMES[key].lower()
    if key in ("summary", "bio_markdown"):
        return f"{name} changed"
    if key == "artist_id":
        old, new = artist_name(old), artist_name(new)
    return f"{name} “{old or ''}” → “{new or ''}”"


def artist_name(artist_id: int | None) -> str:
    """Return an artist's display name by id ("" for none), as the review page and the log show it."""
    artist = db.session.get(Artist, artist_id) if artist_id is not None else None
    return artist.display_name if artist is not None else ""


def _replace_picture(
    current: StoredImage | None, values: dict[str, Any], image: StoredImage | None, what: str = "picture"
) -> tuple[StoredImage | None, set[str], str]:
    """Return the picture after a version is applied, the stale files, and how the change reads."""
    if image is not None:
        stale = delete_images([current]) if current is not None else set()
        return image, stale, f"{what} {'replaced' if current is not None else 'added'}"
    if values.get("picture") == "remove" and current is not None:
        return None, delete_images([current]), f"{what} removed"
    return current, set(), ""
