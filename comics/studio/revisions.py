"""Changes to public profiles and series waiting for review: the list, the side-by-side page, decisions.

Editors see every waiting change and approve it (every checklist item confirmed) or send it back with a
comment; an artist sees their own, and may take one back before it is decided. The rules are
comics.publishing.revisions; who may see which revision is artists.permissions.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass

from artists.permissions import editable_or_404, require_staff, signed_in_user
from comics.images.models import StoredImage
from comics.models import Series
from comics.publishing.checklist import flagged_items
from comics.publishing.flags import FlagError, dismiss_revision_flag, revision_flags
from comics.publishing.live_versions import Target, artist_name
from comics.publishing.models import Revision, RevisionState
from comics.publishing.revisions import (
    FIELD_LABELS,
    PROFILE_FIELDS,
    SERIES_FIELDS,
    RevisionRefused,
    approve_revision,
    changed_fields,
    live_picture,
    live_values,
    pending_revisions,
    return_revision,
    revision_target,
    target_label,
    withdraw_revision,
)
from comics.site_images import discard_unreferenced
from comics.studio import bp
from comics.studio.forms import ConfirmForm, DismissFlagForm, RevisionDecisionForm
from extensions import db
from web.form_answers import done, form_errors, refuse


def get_revision_for_edit(revision_id: int) -> Revision:
    """Return a revision of a profile or series the signed-in account may see (its artist's, or any
    for editors), or answer 404: artists.permissions' one rule, asked here, so that the accounts need
    not know the review's rows."""
    return editable_or_404(Revision, revision_id, lambda revision: revision.artist_id)


@dataclass
class FieldRow:
    """One line of the side-by-side view: a field's live and proposed values."""

    key: str
    name: str
    live: Any
    proposed: Any
    changed: bool


def field_rows(revision: Revision) -> tuple[list[FieldRow], bool]:
    """Return the revision's fields beside the live ones, and whether the target still exists."""
    target = revision_target(revision)
    proposed = revision.proposed
    keys = PROFILE_FIELDS if revision.target_type == "artist" else SERIES_FIELDS
    live = live_values(target) if target is not None else dict.fromkeys(keys)
    changed = set(changed_fields(target, proposed, revision.image)) if target is not None else set(keys)
    rows = []
    for key in keys:
        if key not in proposed:
            continue
        old, new = live[key], proposed[key]
        if key == "artist_id":
            old, new = artist_name(old), artist_name(new)
        rows.append(FieldRow(key, str(FIELD_LABELS.get(key, key)), old, new, key in changed))
    return rows, target is not None


def language_cover_rows(revision: Revision, target: Target | None) -> list[tuple[str, StoredImage | None, StoredImage | None]]:
    """Return (language, the live cover, the proposed one) for each language whose cover the revision
    changes: the proposed None where it removes it."""
    held = {each.language: each.image for each in revision.language_images}
    live = {row.language: row.cover for row in target.translations} if isinstance(target, Series) else {}
    states = revision.proposed.get("covers") or {}
    return [(language, live.get(language), held.get(language)) for language, state in sorted(states.items())]


def revision_context(revision: Revision, **extra: object) -> dict[str, object]:
    """Return what the side-by-side page shows."""
    target = revision_target(revision)
    rows, exists = field_rows(revision)
    flags = revision_flags(revision, live_values(target) if target is not None else None) if revision.state == RevisionState.PENDING else []
    picture = revision.proposed.get("picture", "keep")
    current: StoredImage | None = live_picture(target) if target is not None else None
    return {
        "revision": revision,
        "target": target,
        "target_name": target_label(target) if target is not None else _("(deleted)"),
        "rows": rows,
        "exists": exists,
        "live_picture": current,
        # What readers would see after approval: the new picture, none, or the current one.
        "proposed_picture": revision.image if picture == "new" else (None if picture == "remove" else current),
        "picture_changed": picture == "new" or (picture == "remove" and current is not None),
        "language_covers": language_cover_rows(revision, target),
        # Only a waiting version's: a decided one's pictures are gone, and its words are the live ones or none.
        "flags": flags,
        "held_items": flagged_items() if any(flag.is_open for flag in flags) else [],
        "dismiss_form": DismissFlagForm(formdata=None),
        "decision_form": RevisionDecisionForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        **extra,
    }


@bp.get("/revisions")
def revisions() -> str:
    """List the changes to profiles and series waiting for review (an artist sees their own)."""
    user = signed_in_user()
    waiting = pending_revisions(user)
    targets = {revision.id: revision_target(revision) for revision in waiting}
    labels = {revision_id: target_label(target) if target is not None else _("(deleted)") for revision_id, target in targets.items()}
    return render_template("studio/revisions.html", revisions=waiting, labels=labels)


@bp.get("/revisions/<row_id:revision_id>")
def revision_detail(revision_id: int) -> str:
    """Show a revision beside the live version, with the editor's decision form or the artist's options."""
    return render_template("studio/revision.html", **revision_context(get_revision_for_edit(revision_id)))


def revision_step(revision: Revision, action: Callable[[], set[str]], message: str, **extra: object) -> Response | tuple[Response | str, int]:
    """Run a decision; commit it and discard the files it let go of, or refuse with the reason and change nothing."""
    try:
        stale = action()
    except RevisionRefused as refusal:
        db.session.rollback()
        revision = get_revision_for_edit(revision.id)
        return refuse("studio/revision.html", revision_context(revision, **extra), [str(refusal)])
    db.session.commit()
    discard_unreferenced(stale)
    return done(url_for("studio.revision_detail", revision_id=revision.id), message)


@bp.post("/revisions/<row_id:revision_id>/decide")
@require_staff
def decide_revision(revision_id: int) -> Response | tuple[Response | str, int]:
    """Approve a revision (every checklist item confirmed) or send it back with a comment."""
    revision = get_revision_for_edit(revision_id)
    user = signed_in_user()
    form = RevisionDecisionForm()
    if not form.validate():
        return refuse("studio/revision.html", revision_context(revision, decision_form=form), form_errors(form))
    comment = form.comment.data or ""
    if form.decision.data == "return":
        return revision_step(revision, lambda: return_revision(revision, user, comment), _("Sent back to the artist with your comment."), decision_form=form)
    confirmed = form.checklist.data or []
    return revision_step(
        revision, lambda: approve_revision(revision, user, confirmed, comment), _("Approved: readers see the new version now."), decision_form=form
    )


@bp.post("/revisions/<row_id:revision_id>/flags/dismiss")
@require_staff
def dismiss_revision_flag_view(revision_id: int) -> Response | tuple[Response | str, int]:
    """Dismiss one review flag of a waiting change with the editor's reason, kept in the audit log."""
    revision = get_revision_for_edit(revision_id)
    form = DismissFlagForm()
    if not form.validate():
        return refuse("studio/revision.html", revision_context(revision, dismiss_form=form), form_errors(form))
    if revision.state != RevisionState.PENDING:
        return refuse("studio/revision.html", revision_context(revision, dismiss_form=form), [_("This change is no longer waiting for review.")])
    target = revision_target(revision)
    live = live_values(target) if target is not None else None
    label = target_label(target) if target is not None else f"{revision.target_type} {revision.target_id}"
    try:
        dismiss_revision_flag(revision, live, form.key.data or "", form.reason.data or "", signed_in_user(), f"{label} (revision {revision.id})")
    except FlagError as refusal:
        db.session.rollback()
        revision = get_revision_for_edit(revision_id)
        return refuse("studio/revision.html", revision_context(revision, dismiss_form=form), [str(refusal)])
    db.session.commit()
    return done(url_for("studio.revision_detail", revision_id=revision.id, _anchor="review-flags"), _("Flag dismissed; your reason is in the audit log."))


@bp.post("/revisions/<row_id:revision_id>/withdraw")
def withdraw_revision_view(revision_id: int) -> Response | tuple[Response | str, int]:
    """Take back a change before an editor decides on it."""
    revision = get_revision_for_edit(revision_id)
    form = ConfirmForm()
    if not form.validate():
        return refuse("studio/revision.html", revision_context(revision), form_errors(form))
    user = signed_in_user()
    return revision_step(revision, lambda: withdraw_revision(revision, user), _("Taken back: nothing of it will reach readers."))
