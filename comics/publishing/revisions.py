"""Revisions: a change to a public artist profile or series waits for an editor, beside the live version.

Where artists may not publish (ARTISTS_MAY_PUBLISH off, the default), an artist's change to a profile
or series readers can see is not applied. It is kept as a Revision holding the whole proposed version
(and a new picture, which no reader can fetch meanwhile) until an editor approves it, with every item
of the review checklist confirmed, or returns it with a comment. Readers see the live rows until then;
approval writes them, and its commit refreshes every cached page (web.content_version).

Editors' own changes, changes where artists may publish, and changes to a profile or series that
readers have never seen apply at once. Review is decided by "has ever been public", not "is public
now": an artist whose edit took their only published episode back into review must not be able to
change the series meanwhile, to have it go out unreviewed with the episode (has_been_public). Every applied change is audited: the profile's
and series' fields, and each link with its old and new address.

A proposal is a plain dict, the same shape as profile_values() or series_values(), with "picture"
"keep" or "remove"; a new picture travels beside it as a StoredImage. Nothing here commits: callers
commit, then discard the returned stale files (comics.site_images.discard_unreferenced).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from artists.models import Artist, ArtistLink, User
from artists.permissions import may_edit_artist, may_publish
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.clock import utcnow
from comics.images.ingest import delete_images
from comics.images.models import StoredImage
from comics.models import Series, has_public_work
from comics.publishing.checklist import checklist_refusal, review_checklist, unconfirmed
from comics.publishing.flags import revision_flag_refusal
from comics.publishing.language_covers import Covers, covers_change, held_covers, hold_covers, release_covers
from comics.publishing.language_texts import profile_texts, series_texts
from comics.publishing.live_versions import (
    FIELD_NAMES,
    PROFILE_FIELDS,
    SERIES_FIELDS,
    RevisionRefused,
    Target,
    apply,
)
from comics.publishing.models import Revision, RevisionState
from extensions import db

# How the review page names each field, in the page's language.
FIELD_LABELS = {
    "display_name": _l("Display name"),
    "bio_markdown": _l("About"),
    "links": _l("Links"),
    "title": _l("Title"),
    "slug": _l("Web address"),
    "summary": _l("Summary"),
    "language": _l("Language"),
    "status": _l("Status"),
    "content_warning": _l("Content warning"),
    "artist_id": _l("Artist"),
    "picture": _l("Picture"),
    "translations": _l("Other languages"),
    "covers": _l("Covers in other languages"),
}
# How the studio names where a revision stands.
STATE_LABELS: dict[str, object] = {
    RevisionState.PENDING: _l("waiting for review"),
    RevisionState.APPROVED: _l("approved"),
    RevisionState.RETURNED: _l("returned"),
    RevisionState.WITHDRAWN: _l("taken back"),
}


def state_label(state: RevisionState | str) -> str:
    """Return where a revision stands, in the page's language."""
    return str(STATE_LABELS.get(state, state))


@dataclass
class Change:
    """What saving a profile or series did: applied at once, or waiting in a revision."""

    revision: Revision | None = None  # the pending revision, when the change waits for an editor
    applied: bool = False
    stale: set[str] = field(default_factory=set)  # files to discard once the change is committed

    def message(self, what: str) -> str:
        """Tell the person saving a profile or series (what: "profile" or "series") what became of their change."""
        profile = what == "profile"
        if self.applied:
            return str(_("Profile saved.") if profile else _("Series saved."))
        if self.revision is not None:
            if profile:
                return str(_("Your changes are saved and wait for an editor: readers see the profile as it was until an editor approves them."))
            return str(_("Your changes are saved and wait for an editor: readers see the series as it was until an editor approves them."))
        return str(_("Nothing to review: this is the profile readers see.") if profile else _("Nothing to review: this is the series readers see."))


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
        "links": [link_values(link) for link in sorted(artist.links, key=lambda link: link.position)],
        "translations": profile_texts(artist),
        "picture": "keep",
    }


def link_values(link: ArtistLink) -> dict[str, Any]:
    """Return a live link in a proposal's shape; "labels" (its label in other languages) only where it
    has any, so versions kept before labels had languages compare equal to the live link."""
    values: dict[str, Any] = {"id": link.id, "kind": link.kind.value, "label": link.label, "url": link.url, "is_primary": link.is_primary}
    if link.labels:
        values["labels"] = dict(link.labels)
    return values


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
        "translations": series_texts(series),
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


def has_been_public(target: Target) -> bool:
    """Tell whether readers have ever seen this profile or series: public now, or stamped when it was.

    first_public_at is stamped when an episode goes public at once, and before any public episode
    leaves the site (remember_public); a scheduled one that went public by time is public now until then.
    """
    return target.id is not None and (target.first_public_at is not None or is_public(target))


def needs_review(user: User, target: Target) -> bool:
    """Tell whether this account's change to the target must wait for an editor: once readers have seen
    it, every change does, even while nothing of it is public."""
    return not may_publish(user) and has_been_public(target)


def shown_values(target: Target) -> dict[str, Any]:
    """Return the live version as readers see it, to keep: the fields and the picture's id."""
    picture = live_picture(target)
    return {**live_values(target), "picture": picture.id if picture is not None else None}


def remember_public(series: Series, since: datetime | None) -> None:
    """Record that readers see this series and its artist's profile now, and what they see of them.

    Called while one of its episodes is still public and is about to leave (or the series to move to
    another artist); since is when that episode went public.
    """
    stamp = since or utcnow()
    for target in (series, series.artist):
        if target.first_public_at is None or target.first_public_at > stamp:
            target.first_public_at = stamp
        target.last_public_values = shown_values(target)


def changes_since_public(target: Target) -> list[tuple[str, Any, Any]] | None:
    """Return (field, as readers last saw it, as it is now) for each field changed since readers last
    saw the target; None when that version is not on record (it left the site before it was kept)."""
    seen = target.last_public_values
    if seen is None:
        return None
    now = shown_values(target)
    keys = [*(PROFILE_FIELDS if isinstance(target, Artist) else SERIES_FIELDS), "picture"]
    return [(key, seen.get(key), now[key]) for key in keys if seen.get(key) != now[key]]


def changed_fields(target: Target, proposed: dict[str, Any], image: StoredImage | None = None) -> list[str]:
    """Return the keys of the fields a proposal changes, in the form's order ("picture" last)."""
    live = live_values(target)
    keys = PROFILE_FIELDS if isinstance(target, Artist) else SERIES_FIELDS
    changed = [key for key in keys if key in proposed and proposed[key] != live[key]]
    if image is not None or (proposed.get("picture") == "remove" and live_picture(target) is not None):
        changed.append("picture")
    if isinstance(target, Series) and covers_change(target, proposed.get("covers") or {}):
        changed.append("covers")
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


def change(
    target: Target,
    proposed: dict[str, Any],
    image: StoredImage | None,
    user: User,
    covers: Covers | None = None,
    *,
    reviewed: bool | None = None,
) -> Change:
    """Apply a profile's or series' form now, or keep it as a pending revision when it needs review.

    image is a newly uploaded picture (an unsaved StoredImage), or None; covers, a series' new covers
    for its other languages (comics.publishing.language_covers); reviewed, whether this account's
    change waits for an editor, when the caller has worked it out already (comics.publishing.reviewable).
    """
    if not (needs_review(user, target) if reviewed is None else reviewed):
        _before_moving(target, proposed)
        return Change(applied=True, stale=apply(target, proposed, image, user, covers=covers))
    return propose(target, proposed, image, user, covers or {})


def propose(
    target: Target, proposed: dict[str, Any], image: StoredImage | None, user: User, covers: Covers | None = None
) -> Change:
    """Keep the change as the target's pending revision (replacing an earlier one still waiting)."""
    kind = target_type(target)
    pending = pending_revision(kind, target.id)
    values = dict(proposed)
    covers = covers or {}
    # The covers the waiting version proposes still hold, but for the languages this form changes.
    states = dict(pending.proposed.get("covers") or {}) if pending is not None else {}
    states.update({language: "remove" if cover is None else "new" for language, cover in covers.items()})
    if states:
        values["covers"] = states
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
    stale |= hold_covers(pending, covers)
    pending.author = user
    pending.updated_at = utcnow()
    db.session.flush()
    summary = ", ".join(FIELD_NAMES[key].lower() for key in changed)
    record(user, AuditAction.REVISION_SUBMIT, kind, target.id, _revision_label(target, pending), f"changes: {summary}")
    return Change(revision=pending, stale=stale)


# --- deciding -----------------------------------------------------------------------------------------


def approve_revision(revision: Revision, user: User, confirmed: Sequence[str], comment: str = "") -> set[str]:
    """Copy a pending revision onto the live profile or series; return the stale files to discard.

    Every item of the review checklist must be confirmed, and the audit entry keeps them; the items on
    people and crossings only once every flag of the revision is dismissed (comics.publishing.flags).
    """
    if not user.is_staff:
        raise RevisionRefused(_("Only editors approve changes."))
    _require_pending(revision)
    missing = unconfirmed(confirmed)
    if missing:
        raise RevisionRefused(checklist_refusal(missing))
    target = revision_target(revision)
    if target is None:
        raise RevisionRefused(_("The profile or series this change was for no longer exists."))
    # Open review flags hold back the items on people and crossings, as for an episode.
    held = revision_flag_refusal(revision, live_values(target), list(confirmed))
    if held is not None:
        raise RevisionRefused(held)
    # A series whose proposal no longer fits (its web address taken since) is refused by apply_series.
    image = revision.image if revision.proposed.get("picture") == "new" else None
    revision.image = None
    covers = held_covers(revision)
    release_covers(revision)  # they become the translations' covers
    author = revision.author.label if revision.author is not None else "a former account"
    _before_moving(target, revision.proposed)
    stale = apply(target, revision.proposed, image, user, note=f"revision {revision.id} by {author}", covers=covers)
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
        raise RevisionRefused(_("Only editors review changes."))
    _require_pending(revision)
    if not comment.strip():
        raise RevisionRefused(_("Say what the artist should change: the comment is what they will read."))
    target = revision_target(revision)
    stale = _close(revision, user, RevisionState.RETURNED, comment)
    label = _revision_label(target, revision) if target is not None else f"revision {revision.id}"
    record(user, AuditAction.REVISION_RETURN, revision.target_type, revision.target_id, label, comment.strip())
    return stale


def withdraw_revision(revision: Revision, user: User) -> set[str]:
    """Take back a pending revision, by its artist (or an editor); nothing of it goes live."""
    if not may_edit_artist(user, revision.artist_id):
        raise RevisionRefused(_("Only the artist or an editor can take this change back."))
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
        images.extend(release_covers(revision))
        revision.image = None
        db.session.delete(revision)
    db.session.flush()
    return delete_images(images)


def _require_pending(revision: Revision) -> None:
    if revision.state != RevisionState.PENDING:
        raise RevisionRefused(_("This change is no longer waiting for review: it was %(state)s.", state=state_label(revision.state)))


def _close(revision: Revision, user: User, state: RevisionState, comment: str = "") -> set[str]:
    """Decide a revision; a picture it still holds is deleted (its files returned, to discard after commit)."""
    image = revision.image
    revision.image = None
    images = release_covers(revision)
    revision.state = state
    revision.decided_at = utcnow()
    revision.decided_by = user
    revision.comment = comment.strip()
    return delete_images([*images, image] if image is not None else images)


def _before_moving(target: Target, values: dict[str, Any]) -> None:
    """A public series moving to another artist takes the old artist's work off the site: stamp them first."""
    moving = isinstance(target, Series) and values.get("artist_id", target.artist_id) != target.artist_id
    if moving and isinstance(target, Series) and is_public(target):
        remember_public(target, None)


def _artist_id(target: Target) -> int:
    return target.id if isinstance(target, Artist) else target.artist_id


def _revision_label(target: Target | None, revision: Revision) -> str:
    name = target_label(target) if target is not None else f"{revision.target_type} {revision.target_id}"
    return f"{name} (revision {revision.id})"
