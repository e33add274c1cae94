"""Editing something reviewable: the one path a profile's or a series' form takes, from the page to the review.

A profile (artists.studio) and a series (comics.studio.series) are edited the same way, and anything
reviewable later is edited so too:
- where the thing stands for this account is worked out once a request (review_state: do readers see
  it, have they ever, does this account's change wait for an editor, which version waits, what came
  back), and the page and the save both read that one ReviewState;
- the form's words in the other languages are read once a request (language_texts.texts_from_form),
  and the page, the checks and the proposal share what was read;
- a change takes one path, submit(): its new picture (and a series' covers in other languages) through
  the image pipeline, which notes what each file held and looks at its pixels; applied at once or kept as
  the pending revision (revisions.change); committed, and the files it let go of discarded. A refusal
  rolls everything back and changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from artists.models import User
from artists.permissions import may_publish
from comics.images.disclosure import removed_note
from comics.images.ingest import IngestError
from comics.images.models import StoredImage
from comics.images.opening import SinglePicture
from comics.publishing.language_covers import Covers
from comics.publishing.language_texts import Texts
from comics.publishing.live_versions import RevisionRefused, Target
from comics.publishing.models import Revision, RevisionState
from comics.publishing.revisions import Change, change, is_public, latest_revision, target_type
from comics.site_images import discard_unreferenced, in_page_language, rollback_and_discard, single_image_from
from extensions import db


@dataclass(frozen=True)
class ReviewState:
    """Where a profile or series stands for the account editing it, worked out once a request."""

    reviewed: bool  # this account's change waits for an editor
    public: bool  # readers see some of it now
    seen: bool  # readers have seen it, now or before (revisions.has_been_public)
    pending: Revision | None  # the version waiting for an editor, whoever sent it
    returned: Revision | None  # the last version, when an editor sent it back

    @property
    def shown(self) -> dict[str, Any] | None:
        """Return the version the form shows instead of the live one: the waiting one, when this account's
        changes wait (an editor edits the live version)."""
        return self.pending.proposed if self.pending is not None and self.reviewed else None

    def shown_texts(self, live: Texts) -> Texts:
        """Return the words in other languages the form shows: the waiting version's, else the live ones."""
        shown = self.shown
        return shown["translations"] if shown is not None and "translations" in shown else live

    def page(self) -> dict[str, object]:
        """Return what the form's page says of where the thing stands."""
        return {"reviewed": self.reviewed, "public": self.public, "seen": self.seen, "pending": self.pending, "returned": self.returned}


# A series not created yet: nothing of it is public, and nothing waits.
NOT_SAVED = ReviewState(reviewed=False, public=False, seen=False, pending=None, returned=None)


def review_state(user: User, target: Target) -> ReviewState:
    """Work out where a profile or series stands for this account: two queries, once a request."""
    if target.id is None:
        return NOT_SAVED
    public = is_public(target)
    seen = target.first_public_at is not None or public
    latest = latest_revision(target_type(target), target.id)
    # At most one version waits at a time, and it is the newest: propose() replaces a waiting one in place.
    pending = latest if latest is not None and latest.state == RevisionState.PENDING else None
    returned = latest if latest is not None and latest.state == RevisionState.RETURNED else None
    return ReviewState(reviewed=not may_publish(user) and seen, public=public, seen=seen, pending=pending, returned=returned)


@dataclass
class Submitted:
    """What became of a form sent: the change saved (with what its files held), or why nothing was."""

    change: Change | None = None
    reasons: list[str] = field(default_factory=list)
    picture: StoredImage | None = None  # the new picture stored, if one was sent
    covers: Covers = field(default_factory=dict)  # a series' new covers in other languages, None where removed

    @property
    def refused(self) -> bool:
        return self.change is None


def submit(
    target: Target,
    proposed: dict[str, Any],
    user: User,
    state: ReviewState,
    *,
    picture: object,
    what: SinglePicture,
    name_refusal: Callable[[str], str] = str,
    covers: Callable[[], Covers] | None = None,
) -> Submitted:
    """Save a profile's or series' form: apply it, or keep it for an editor where state says it waits.

    picture is the form's file field for the picture (a cover, a profile picture), stored as what;
    name_refusal words each of its refusals; covers stores a series' covers in other languages (raising
    IngestError, its reasons already named). Commits, then discards the files the change let go of; on a
    refusal, rolls back, discards the files this request wrote, and returns the reasons.
    """
    try:
        image = single_image_from(picture, what)
        if image is not None:
            db.session.add(image)  # so a refusal below discards its files
        try:
            new_covers = covers() if covers is not None else {}
        except IngestError as refusal:
            raise _Named(refusal.reasons) from refusal
        outcome = change(target, proposed, image, user, new_covers or None, reviewed=state.reviewed)
        db.session.flush()
    # store_single_image turns a refused picture into an IngestError, in the page's language.
    except _Named as refusal:
        rollback_and_discard()
        return Submitted(reasons=refusal.reasons)
    except IngestError as refusal:
        rollback_and_discard()
        return Submitted(reasons=[name_refusal(reason) for reason in refusal.reasons])
    except RevisionRefused as refusal:
        rollback_and_discard()
        return Submitted(reasons=[str(refusal)])
    db.session.commit()
    discard_unreferenced(outcome.stale)
    return Submitted(change=outcome, picture=image, covers=new_covers)


class _Named(Exception):
    """Refusals of a series' covers, each already naming its language."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def removed_notes(image: StoredImage | None) -> list[str]:
    """Tell the artist, one sentence a kind and in the page's language, what a stored picture's file held
    and that it is gone (comics.images.disclosure); nothing for a picture whose file held nothing."""
    if image is None:
        return []
    kinds = ((image.findings or {}).get("metadata") or {}).get("kinds") or []
    return [in_page_language(removed_note(kind)) for kind in kinds]
