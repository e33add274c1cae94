"""The life of an episode: draft → submitted → approved for a time (scheduled) or now (published), or
returned with the editor's comment; unpublishing and deleting. Every step is written to the audit log.

An approved episode is status PUBLISHED with a published_at; the reader side shows it once that time
has passed (Episode.public()), so a scheduled episode appears on time with no cron job.

Functions here change the session and leave committing to the caller, except the deletes, which must
commit in a fixed order: unpublish, delete rows, and only then remove files.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from artists.models import User
from artists.permissions import may_publish
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.clock import utcnow
from comics.images.ingest import delete_images
from comics.images.models import StoredImage
from comics.models import Episode, EpisodeStatus, Series
from comics.publishing.checklist import checklist_refusal, review_checklist, unconfirmed
from comics.publishing.flags import flag_refusal
from comics.publishing.revisions import forget_revisions, remember_public
from comics.site_images import discard_unreferenced
from extensions import db


class WorkflowError(ValueError):
    """A step that cannot be taken now, with the reason to show."""


# How the studio names each stage (stage() returns the key, which is also the page's CSS class).
STAGE_LABELS = {
    "draft": _l("draft"),
    "returned": _l("returned"),
    "in review": _l("in review"),
    "scheduled": _l("scheduled"),
    "published": _l("published"),
}


# ----- states -----------------------------------------------------------------------------------

def stage(episode: Episode) -> str:
    """Return where the episode stands, as the studio names it: draft, returned, in review, scheduled, published."""
    if episode.status == EpisodeStatus.PUBLISHED:
        return "published" if episode.is_public else "scheduled"
    if episode.status == EpisodeStatus.SUBMITTED:
        return "in review"
    return episode.status.value


def next_publication() -> datetime | None:
    """Return when the next scheduled episode goes public, or None when none is scheduled.

    The factory hands this to the page cache (web.page_cache.serving.configure_page_cache), so no cached page
    outlives the moment a scheduled episode appears."""
    return db.session.scalar(select(func.min(Episode.published_at)).where(Episode.is_scheduled))


def stage_label(key: str) -> str:
    """Return a stage's name in the page's language: stage_label(stage(episode))."""
    return str(STAGE_LABELS.get(key, key))


def image_state(image: StoredImage) -> str:
    """Return "ready", "processing" or "failed": whether an image's renditions exist yet.

    Renditions may be made after the upload by a background worker, which records its progress on the
    image (render_state, and render_error when it gave up); the studio shows that beside the panel.
    """
    state = getattr(image, "render_state", None)
    if state is not None:
        return {"ready": "ready", "failed": "failed"}.get(str(state), "processing")
    return "ready" if image.renditions else "processing"


def publish_blockers(episode: Episode) -> list[str]:
    """Return why the episode cannot go out yet; empty when it can."""
    if not episode.panels:
        return [_("Add at least one panel.")]
    states = [image_state(panel.image) for panel in episode.panels]
    blockers = []
    if "failed" in states:
        blockers.append(_("%(count)s panel(s) could not be processed: replace or remove them.", count=states.count("failed")))
    if "processing" in states:
        blockers.append(_("%(count)s panel(s) are still being processed; try again in a minute.", count=states.count("processing")))
    return blockers


def _label(episode: Episode) -> str:
    return f"{episode.series.title} · Episode {episode.number}: {episode.title}"


def _require_publishable(episode: Episode) -> None:
    blockers = publish_blockers(episode)
    if blockers:
        raise WorkflowError(" ".join(blockers))


def _require_checklist(confirmed: Sequence[str], doing: str, episode: Episode) -> None:
    """Refuse unless every checklist item is confirmed, and those on people and crossings with no review
    flag open (comics.publishing.flags); doing is "approving" or "publishing"."""
    missing = unconfirmed(confirmed)
    if missing:
        raise WorkflowError(checklist_refusal(missing, doing))
    refusal = flag_refusal(episode, list(confirmed))
    if refusal:
        raise WorkflowError(refusal)


# ----- steps ------------------------------------------------------------------------------------

def submit(episode: Episode, user: User, comment: str = "") -> None:
    """Send a draft or returned episode to the editors for review."""
    if episode.status not in (EpisodeStatus.DRAFT, EpisodeStatus.RETURNED):
        raise WorkflowError(_("Only a draft or a returned episode can be submitted for review."))
    _require_publishable(episode)
    episode.status = EpisodeStatus.SUBMITTED
    record(user, AuditAction.SUBMIT, "episode", episode.id, _label(episode), comment.strip())


def withdraw(episode: Episode, user: User) -> None:
    """Take a submitted episode back to draft, to change it before review."""
    if episode.status != EpisodeStatus.SUBMITTED:
        raise WorkflowError(_("Only an episode in review can be withdrawn."))
    episode.status = EpisodeStatus.DRAFT
    record(user, AuditAction.WITHDRAW, "episode", episode.id, _label(episode))


def return_to_artist(episode: Episode, user: User, comment: str) -> None:
    """Send a submitted episode back to its artist with the editor's comment."""
    if not user.is_staff:
        raise WorkflowError(_("Only editors review episodes."))
    if episode.status != EpisodeStatus.SUBMITTED:
        raise WorkflowError(_("Only an episode in review can be returned."))
    if not comment.strip():
        raise WorkflowError(_("Say what the artist should change: the comment is what they will read."))
    episode.status = EpisodeStatus.RETURNED
    record(user, AuditAction.RETURN, "episode", episode.id, _label(episode), comment.strip())


def approve(
    episode: Episode, user: User, publish_at: datetime | None = None, comment: str = "", confirmed: Sequence[str] = ()
) -> None:
    """Approve a submitted episode, to appear now or at publish_at (naive UTC).

    confirmed must hold every item of the review checklist; the approval's audit entry keeps them.
    """
    if not user.is_staff:
        raise WorkflowError(_("Only editors approve episodes."))
    if episode.status != EpisodeStatus.SUBMITTED:
        raise WorkflowError(_("Only an episode in review can be approved."))
    _require_publishable(episode)
    _require_checklist(confirmed, "approving", episode)
    record(user, AuditAction.APPROVE, "episode", episode.id, _label(episode), comment.strip(), checklist=review_checklist())
    _go_live(episode, user, publish_at)


def publish(episode: Episode, user: User, publish_at: datetime | None = None, confirmed: Sequence[str] = ()) -> None:
    """Publish or schedule without review: for editors, and for artists where ARTISTS_MAY_PUBLISH is on.

    The review checklist holds here too: whoever publishes confirms every item, artists publishing
    their own work included, since the people in a story are no safer for skipping the editor.
    """
    if not may_publish(user):
        raise WorkflowError(_("Episodes on this site are published by an editor: submit it for review."))
    if episode.is_public:
        raise WorkflowError(_("This episode is already published."))
    _require_publishable(episode)
    _require_checklist(confirmed, "publishing", episode)
    _go_live(episode, user, publish_at, checklist=review_checklist())


def _go_live(episode: Episode, user: User, publish_at: datetime | None, checklist: list[str] | None = None) -> None:
    now = utcnow()
    episode.status = EpisodeStatus.PUBLISHED
    if publish_at is not None and publish_at > now:
        episode.published_at = publish_at
        record(
            user, AuditAction.SCHEDULE, "episode", episode.id, _label(episode), f"for {publish_at:%Y-%m-%d %H:%M} UTC", checklist=checklist
        )
        return
    # An episode coming back after a correction keeps its first date, so it does not jump the listings.
    if episode.published_at is None or episode.published_at > now:
        episode.published_at = now
    # Readers see the series and profile from now on: every later change to them waits for an editor.
    for target in (episode.series, episode.series.artist):
        if target.first_public_at is None:
            target.first_public_at = now
    record(user, AuditAction.PUBLISH, "episode", episode.id, _label(episode), checklist=checklist)


def unpublish(episode: Episode, user: User, comment: str = "") -> None:
    """Take a published or scheduled episode off the site, back to draft.

    Any account that may edit the episode may do this, artists included: an artist must always be
    able to pull their own work at once, whatever the site's review rules.
    """
    if episode.status != EpisodeStatus.PUBLISHED:
        raise WorkflowError(_("This episode is not published or scheduled."))
    _leaving(episode)
    episode.status = EpisodeStatus.DRAFT
    record(user, AuditAction.UNPUBLISH, "episode", episode.id, _label(episode), comment.strip())


def note_edit(episode: Episode, user: User) -> str | None:
    """Record a change to an approved episode; unless the account may publish, it goes back to review.

    Returns a message for the artist when the episode left the site.
    """
    if episode.status != EpisodeStatus.PUBLISHED:
        return None
    if may_publish(user):
        record(user, AuditAction.EDIT_PUBLISHED, "episode", episode.id, _label(episode))
        return None
    # Editors check every change before readers see it, so an artist's edit takes it off until then.
    _leaving(episode)
    episode.status = EpisodeStatus.SUBMITTED
    record(user, AuditAction.UNPUBLISH, "episode", episode.id, _label(episode), "changed by the artist: back in review")
    record(user, AuditAction.SUBMIT, "episode", episode.id, _label(episode), "changes to an approved episode")
    return str(_("Your changes are saved and the episode is back in review: readers will see it again once an editor approves it."))


def _leaving(episode: Episode) -> None:
    """Before a public episode leaves the site, record that readers have seen its series and profile
    (a scheduled episode went public by time, with no step to record it), and what they saw."""
    if episode.is_public:
        remember_public(episode.series, episode.published_at)


# ----- deleting ---------------------------------------------------------------------------------

def _let_go_of_images(episode: Episode) -> list[StoredImage]:
    """Return the images of an episode and of its versions in other languages, which are deleted with
    it, and let go of their thumbnails (each one of those images) so the rows can go first."""
    images: dict[int, StoredImage] = {}
    for version in (episode, *episode.translations):
        images.update((panel.image.id, panel.image) for panel in version.panels)
        if version.thumbnail is not None:
            images[version.thumbnail.id] = version.thumbnail
            version.thumbnail = None
    return list(images.values())


def delete_episode(episode: Episode, user: User) -> None:
    """Unpublish (committed first), then delete the episode's rows, then remove its files."""
    label = _label(episode)
    if episode.status == EpisodeStatus.PUBLISHED:
        unpublish(episode, user, "before deleting")
        db.session.commit()
    record(user, AuditAction.DELETE, "episode", episode.id, label)
    images = _let_go_of_images(episode)
    db.session.flush()
    db.session.delete(episode)
    names = delete_images(images)
    db.session.commit()
    discard_unreferenced(names)


def delete_series(series: Series, user: User) -> None:
    """Unpublish every episode (committed first), then delete the series' rows, then remove its files."""
    live = [episode for episode in series.episodes if episode.status == EpisodeStatus.PUBLISHED]
    for episode in live:
        unpublish(episode, user, "before deleting the series")
    if live:
        db.session.commit()
    images: list[StoredImage] = []
    for episode in series.episodes:
        images.extend(_let_go_of_images(episode))
    if series.cover is not None:
        images.append(series.cover)
        series.cover = None
    for translation in series.translations:
        if translation.cover is not None:
            images.append(translation.cover)
            translation.cover = None
    record(user, AuditAction.DELETE, "series", series.id, series.title)
    # Changes still waiting for review go with it, and so do their pictures.
    names = forget_revisions("series", series.id)
    db.session.flush()
    db.session.delete(series)
    names |= delete_images(images)
    db.session.commit()
    discard_unreferenced(names)
