"""Revisions: a change to a public artist profile or series waits for an editor, beside the live version.

Where artists may not publish (ARTISTS_MAY_PUBLISH off, the default), an artist's change to a profile
or series readers can see is not applied. It is kept as a Revision holding the whole proposed version
(and a new picture, which no reader can fetch meanwhile) until an editor approves it, with every item
of the review checklist confirmed, or returns it with a comment. Readers see the live rows until then;
approval writes them, and its commit refreshes every cached page (web.content_version).

Editors' own changes, changes where artists may publish, and changes to a profile or series that is
not public yet (nothing of it can be seen) apply at once. Every applied change is audited: the profile's
and series' fields, and each link with its old and new address.

A proposal is a plain dict, the same shape as profile_values() or series_values(), with "picture"
"keep" or "remove"; a new picture travels beside it as a StoredImage. Nothing here commits: callers
commit, then discard the returned stale files (comics.images.ingest.discard_unreferenced).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from artists.models import Artist, ArtistLink, LinkKind, User
from artists.permissions import may_edit_artist, may_publish
from comics.clock import utcnow
from comics.images.ingest import delete_images
from comics.images.models import StoredImage
from comics.models import Series, SeriesStatus, has_public_work
from comics.publishing.audit import record
from comics.publishing.checklist import checklist_refusal, review_checklist, unconfirmed
from comics.publishing.models import AuditAction, Revision, RevisionState
from extensions import db

Target = Artist | Series
PROFILE_FIELDS = ("display_name", "bio_markdown", "links")
SERIES_FIELDS = ("title", "slug", "summary", "language", "status", "content_warning", "artist_id")
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
}


class RevisionRefused(ValueError):
    """A revision step that cannot be taken now, with the reason to show."""


@dataclass
class Change:
    """What saving a profile or series did: applied at once, or waiting in a revision."""

    revision: Revision | None = None  # the pending revision, when the change waits for an editor
    applied: bool = False
    stale: set[str] = field(default_factory=set)  # files to discard once the change is committed

    def message(self, what: str) -> str:
        """Tell the person saving a profile or series what became of their change."""
        if self.applied:
            return f"{what.capitalize()} saved."
        if self.revision is not None:
            return f"Your changes are saved and wait for an editor: readers see the {what} as it was until an editor approves them."
        return f"Nothing to review: this is the {what} readers see."


# --- the live version, as a proposal would hold it ----------------------------------------------------


def target_type(target: Target) -> str:
    return "artist" if isinstance(target, Artist) else "series"


def target_label(target: Target) -> str:
    return target.display_name if isinstance(target, Artist) else target.title


def profile_values(artist: Artist) -> dict[str, Any]:
    """Return the live profile in a proposal's shape."""
    return {
        "display_name": artist.display_name,
        "bio_markdown": artist.bio_markdown,
        "links": [
            {"id": link.id, "kind": link.kind.value, "label": link.label, "url": link.url, "is_primary": link.is_primary}
            for link in sorted(artist.links, key=lambda link: link.position)
        ],
        "picture": "keep",
    }


def series_values(series: Series) -> dict[str, Any]:
    """Return the live series in a proposal's shape."""
    return {
        "title": series.title,
        "slug": series.slug,
        "summary": series.summary,
        "language": series.language,
        "status": series.status.value,
        "content_warning": series.content_warning,
        "artist_id": series.artist_id,
        "picture": "keep",
    }


def live_values(target: Target) -> dict[str, Any]:
    return profile_values(target) if isinstance(target, Artist) else series_values(target)


def live_picture(target: Target) -> StoredImage | None:
    return target.avatar if isinstance(target, Artist) else target.cover


def is_public(target: Target) -> bool:
    """Tell whether readers can see any of this profile or series now."""
    if isinstance(target, Series):
        return bool(db.session.scalar(select(Series.is_public).where(Series.id == target.id))) if target.id else False
    return bool(db.session.scalar(select(has_public_work(target.id)))) if target.id else False


def needs_review(user: User, target: Target) -> bool:
    """Tell whether this account's change to the target must wait for an editor."""
    return not may_publish(user) and is_public(target)


def changed_fields(target: Target, proposed: dict[str, Any], image: StoredImage | None = None) -> list[str]:
    """Return the keys of the fields a proposal changes, in the form's order ("picture" last)."""
    live = live_values(target)
    keys = PROFILE_FIELDS if isinstance(target, Artist) else SERIES_FIELDS
    changed = [key for key in keys if key in proposed and proposed[key] != live[key]]
    if image is not None or (proposed.get("picture") == "remove" and live_picture(target) is not None):
        changed.append("picture")
    return changed


# --- finding revisions --------------------------------------------------------------------------------


def pending_revision(kind: str, target_id: int) -> Revision | None:
    """Return the revision of this profile or series that waits for an editor, if any."""
    return db.session.scalar(
        select(Revision)
        .where(Revision.target_type == kind, Revision.target_id == target_id, Revision.state == RevisionState.PENDING)
        .order_by(Revision.id.desc())
        .limit(1)
    )


def latest_revision(kind: str, target_id: int) -> Revision | None:
    """Return the newest revision of this profile or series, whatever became of it."""
    return db.session.scalar(
        select(Revision).where(Revision.target_type == kind, Revision.target_id == target_id).order_by(Revision.id.desc()).limit(1)
    )


def revision_target(revision: Revision) -> Target | None:
    """Return the live profile or series a revision is for (None once it was deleted)."""
    if revision.target_type == "artist":
        return db.session.get(Artist, revision.target_id)
    return db.session.get(Series, revision.target_id)


def pending_revisions(user: User) -> list[Revision]:
    """Return the revisions waiting for an editor that this account may see, oldest first."""
    query = select(Revision).where(Revision.state == RevisionState.PENDING).order_by(Revision.created_at, Revision.id)
    if not user.is_staff:
        query = query.where(Revision.artist_id == (user.artist_id or -1))
    return list(db.session.scalars(query))


# --- saving a change ----------------------------------------------------------------------------------


def change(target: Target, proposed: dict[str, Any], image: StoredImage | None, user: User) -> Change:
    """Apply a profile's or series' form now, or keep it as a pending revision when it needs review.

    image is a newly uploaded picture (an unsaved StoredImage), or None.
    """
    if not needs_review(user, target):
        return Change(applied=True, stale=apply(target, proposed, image, user))
    return propose(target, proposed, image, user)


def propose(target: Target, proposed: dict[str, Any], image: StoredImage | None, user: User) -> Change:
    """Keep the change as the target's pending revision (replacing an earlier one still waiting)."""
    kind = target_type(target)
    pending = pending_revision(kind, target.id)
    values = dict(proposed)
    stale: set[str] = set()
    old_image = pending.image if pending is not None else None
    if image is not None:
        values["picture"] = "new"
    elif values.get("picture") == "remove":
        values["picture"] = "remove" if live_picture(target) is not None else "keep"
    elif pending is not None:
        # The form showed the waiting version: what it said of the picture still holds.
        values["picture"] = pending.proposed.get("picture", "keep")
        image = old_image if values["picture"] == "new" else None
    else:
        values["picture"] = "keep"
    if pending is not None and old_image is not None and old_image is not image:
        pending.image = None
        stale |= delete_images([old_image])
    changed = changed_fields(target, values, image)
    if not changed:
        # Back to what readers see: nothing is left to review.
        if pending is not None:
            stale |= _close(pending, user, RevisionState.WITHDRAWN)
            record(user, AuditAction.WITHDRAW, kind, target.id, _revision_label(target, pending), "the change matches the live version")
        return Change(stale=stale)
    if pending is None:
        pending = Revision(target_type=kind, target_id=target.id, artist_id=_artist_id(target), proposed=values)
        db.session.add(pending)
    pending.proposed = values
    pending.image = image
    pending.author = user
    pending.updated_at = utcnow()
    db.session.flush()
    summary = ", ".join(FIELD_NAMES[key].lower() for key in changed)
    record(user, AuditAction.REVISION_SUBMIT, kind, target.id, _revision_label(target, pending), f"changes: {summary}")
    return Change(revision=pending, stale=stale)


# --- deciding -----------------------------------------------------------------------------------------


def approve_revision(revision: Revision, user: User, confirmed: Sequence[str], comment: str = "") -> set[str]:
    """Copy a pending revision onto the live profile or series; return the stale files to discard.

    Every item of the review checklist must be confirmed, and the audit entry keeps them.
    """
    if not user.is_staff:
        raise RevisionRefused("Only editors approve changes.")
    _require_pending(revision)
    missing = unconfirmed(confirmed)
    if missing:
        raise RevisionRefused(checklist_refusal(missing))
    target = revision_target(revision)
    if target is None:
        raise RevisionRefused("The profile or series this change was for no longer exists.")
    if isinstance(target, Series):
        problems = series_problems(target, revision.proposed)
        if problems:
            raise RevisionRefused(" ".join(problems))
    image = revision.image if revision.proposed.get("picture") == "new" else None
    revision.image = None
    author = revision.author.label if revision.author is not None else "a former account"
    stale = apply(target, revision.proposed, image, user, note=f"revision {revision.id} by {author}")
    stale |= _close(revision, user, RevisionState.APPROVED, comment)
    record(
        user,
        AuditAction.REVISION_APPROVE,
        revision.target_type,
        target.id,
        _revision_label(target, revision),
        comment.strip(),
        checklist=review_checklist(),
    )
    return stale


def return_revision(revision: Revision, user: User, comment: str) -> set[str]:
    """Send a pending revision back to its artist with the editor's comment; nothing of it goes live."""
    if not user.is_staff:
        raise RevisionRefused("Only editors review changes.")
    _require_pending(revision)
    if not comment.strip():
        raise RevisionRefused("Say what the artist should change: the comment is what they will read.")
    target = revision_target(revision)
    stale = _close(revision, user, RevisionState.RETURNED, comment)
    label = _revision_label(target, revision) if target is not None else f"revision {revision.id}"
    record(user, AuditAction.REVISION_RETURN, revision.target_type, revision.target_id, label, comment.strip())
    return stale


def withdraw_revision(revision: Revision, user: User) -> set[str]:
    """Take back a pending revision, by its artist (or an editor); nothing of it goes live."""
    if not may_edit_artist(user, revision.artist_id):
        raise RevisionRefused("Only the artist or an editor can take this change back.")
    _require_pending(revision)
    target = revision_target(revision)
    stale = _close(revision, user, RevisionState.WITHDRAWN)
    label = _revision_label(target, revision) if target is not None else f"revision {revision.id}"
    record(user, AuditAction.WITHDRAW, revision.target_type, revision.target_id, label, "change taken back before review")
    return stale


def forget_revisions(kind: str, target_id: int) -> set[str]:
    """Delete every revision of a profile or series about to be deleted; return their pictures' files."""
    revisions = list(db.session.scalars(select(Revision).where(Revision.target_type == kind, Revision.target_id == target_id)))
    images = [revision.image for revision in revisions if revision.image is not None]
    for revision in revisions:
        revision.image = None
        db.session.delete(revision)
    db.session.flush()
    return delete_images(images)


def _require_pending(revision: Revision) -> None:
    if revision.state != RevisionState.PENDING:
        raise RevisionRefused(f"This change is no longer waiting for review: it was {revision.state.value}.")


def _close(revision: Revision, user: User, state: RevisionState, comment: str = "") -> set[str]:
    """Decide a revision; a picture it still holds is deleted (its files returned, to discard after commit)."""
    image = revision.image
    revision.image = None
    revision.state = state
    revision.decided_at = utcnow()
    revision.decided_by = user
    revision.comment = comment.strip()
    return delete_images([image]) if image is not None else set()


def _artist_id(target: Target) -> int:
    return target.id if isinstance(target, Artist) else target.artist_id


def _revision_label(target: Target | None, revision: Revision) -> str:
    name = target_label(target) if target is not None else f"{revision.target_type} {revision.target_id}"
    return f"{name} (revision {revision.id})"


# --- applying a version -------------------------------------------------------------------------------


def apply(target: Target, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "") -> set[str]:
    """Write a version onto the live profile or series and audit every change; return stale files."""
    if isinstance(target, Artist):
        return apply_profile(target, values, image, user, note)
    return apply_series(target, values, image, user, note)


def apply_profile(artist: Artist, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "") -> set[str]:
    """Write a profile version onto the artist and their links (updated in place, so ids and counts survive)."""
    changes: list[str] = []
    if values["display_name"] != artist.display_name:
        changes.append(f"display name “{artist.display_name}” → “{values['display_name']}”")
        artist.display_name = values["display_name"]
    if values["bio_markdown"] != artist.bio_markdown:
        changes.append("about text changed")
        artist.bio_markdown = values["bio_markdown"]
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
        link = own.get(row["id"]) if row.get("id") is not None else None
        if link is None:
            link = ArtistLink(kind=LinkKind(row["kind"]), label=row["label"], url=row["url"], is_primary=bool(row["is_primary"]))
            artist.links.append(link)
            lines.append(f"link added: “{row['label']}” ({row['kind']}) {row['url']}")
        else:
            differences = []
            if link.url != row["url"]:
                differences.append(f"address {link.url} → {row['url']}")
            if link.label != row["label"]:
                differences.append(f"label “{link.label}” → “{row['label']}”")
            if link.kind.value != row["kind"]:
                differences.append(f"kind {link.kind.value} → {row['kind']}")
            if link.is_primary != bool(row["is_primary"]):
                differences.append("now the primary link" if row["is_primary"] else "no longer the primary link")
            if differences:
                lines.append(f"link {link.id} “{row['label']}”: " + "; ".join(differences))
            link.kind, link.label, link.url, link.is_primary = LinkKind(row["kind"]), row["label"], row["url"], bool(row["is_primary"])
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
        return ["Web address: make one from letters or digits, like the-lantern-road."]
    taken = db.session.scalar(select(Series.id).where(Series.slug == slug, Series.id != series.id)) if series.id else (
        db.session.scalar(select(Series.id).where(Series.slug == slug))
    )
    if taken is not None:
        return [f"Web address: /series/{slug}/ is taken by another series; choose another."]
    return []


def apply_series(series: Series, values: dict[str, Any], image: StoredImage | None, user: User, note: str = "") -> set[str]:
    """Write a series version onto the series (a new one is added to the session) and audit the change."""
    creating = series.id is None
    problems = series_problems(series, values)
    if problems:
        raise RevisionRefused(" ".join(problems))
    changes = [] if creating else [
        _describe(key, getattr(series, key) if key != "status" else series.status.value, values[key])
        for key in SERIES_FIELDS
        if values[key] != (series.status.value if key == "status" else getattr(series, key))
    ]
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
