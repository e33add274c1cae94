"""Episodes in the studio: create with uploads, edit panels, preview, move through the workflow, delete."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from flask import abort, g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response  # what redirect() is typed to return; flask's Response is a subclass

from artists.models import Artist, User
from artists.permissions import (
    get_episode_for_edit,
    get_series_for_edit,
    may_publish,
    may_view_image,
    require_staff,
    signed_in_user,
)
from comics.audit.log import history, latest_comment
from comics.audit.models import AuditAction
from comics.catalogue import missing_alt_text, next_episode_number
from comics.data_saver import episode_cost
from comics.giving.page import give_words
from comics.images.disclosure import KINDS, removed_note
from comics.images.ingest import Upload
from comics.images.panel_texts import MAX_ALT_TEXT, MAX_TRANSCRIPT
from comics.media import send_media, stored_path
from comics.models import Episode, EpisodeStatus, Panel, Series
from comics.publishing.checklist import flagged_items
from comics.publishing.flags import FlagError, dismiss, episode_flags
from comics.publishing.live_versions import artist_name
from comics.publishing.revisions import FIELD_LABELS, changes_since_public, has_been_public, is_public
from comics.publishing.workflow import (
    WorkflowError,
    approve,
    delete_episode,
    image_state,
    note_edit,
    publish,
    publish_blockers,
    return_to_artist,
    stage,
    submit,
    unpublish,
    withdraw,
)
from comics.reader import neighbour
from comics.site_images import discard_unreferenced, in_page_language
from comics.studio import bp
from comics.studio.editing import (
    EditRefused,
    FileResult,
    append_uploads,
    blur_panel,
    refused,
    remove,
    reorder,
    replace,
)
from comics.studio.forms import (
    BlurForm,
    CommentForm,
    ConfirmForm,
    DismissFlagForm,
    EpisodeForm,
    PublishForm,
    ReviewForm,
    VersionForm,
    from_utc,
)
from extensions import db
from settings import site_languages
from web.form_answers import done, form_errors, refuse, showing_form
from web.languages import page_language

PANEL_FIELD = re.compile(r"(?:alt|transcript|position|remove|replace|use-reading)-(\d+)")


def uploads_from(files: Iterable[FileStorage], alt_texts: list[str] | None = None, transcripts: list[str] | None = None) -> list[Upload]:
    """Turn the chosen files into uploads, skipping an empty file input; texts pair with files by order."""
    uploads = []
    alt_texts = alt_texts or []
    transcripts = transcripts or []
    for index, storage in enumerate(files):
        if not storage or not storage.filename:
            continue
        uploads.append(
            Upload(
                filename=storage.filename,
                source=storage.stream,
                alt_text=(alt_texts[index] if index < len(alt_texts) else "").strip()[:MAX_ALT_TEXT],
                transcript=(transcripts[index] if index < len(transcripts) else "").strip()[:MAX_TRANSCRIPT],
            )
        )
    return uploads


def abandon(episode: Episode | None, extra_names: Iterable[str] = ()) -> None:
    """Roll back a refused change and remove the files it wrote that no committed row references."""
    names = set(extra_names)
    if episode is not None:
        for panel in episode.panels:
            names.update(panel.image.file_names())
    db.session.rollback()
    discard_unreferenced(names)


def episode_context(episode: Episode, **extra: object) -> dict[str, object]:
    """Return what the episode page shows besides its form."""
    user = signed_in_user()
    return {
        "episode": episode,
        "series": episode.series,
        "stage": stage(episode),
        "states": {panel.id: image_state(panel.image) for panel in episode.panels},
        "blockers": publish_blockers(episode),
        "history": history("episode", episode.id),
        "returned": latest_comment("episode", episode.id, AuditAction.RETURN) if episode.status == EpisodeStatus.RETURNED else None,
        "may_publish": may_publish(user),
        "publish_form": PublishForm(formdata=None),
        "review_form": ReviewForm(formdata=None),
        "comment_form": CommentForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        "published_at": from_utc(episode.published_at),
        "first_public": goes_public_with(episode),
        **review_context(episode),
        **versions_context(episode),
        **extra,
    }


def review_context(episode: Episode) -> dict[str, object]:
    """Return what the page shows of the review's flags (comics.publishing.flags): all of them, each
    panel's own, how many are open, and the checklist items they hold back while any is."""
    flags = episode_flags(episode)
    by_panel: dict[int, list[object]] = {}
    for flag in flags:
        if flag.panel is not None:
            by_panel.setdefault(flag.panel.id, []).append(flag)
    open_count = sum(1 for flag in flags if flag.is_open)
    return {
        "flags": flags,
        "panel_flags": by_panel,
        "open_flags": open_count,
        "held_items": flagged_items() if open_count else [],
        "file_said": {panel.id: file_said(panel) for panel in episode.panels},
        "dismiss_form": DismissFlagForm(formdata=None),
        "blur_form": BlurForm(formdata=None),
    }


def file_said(panel: Panel) -> list[str]:
    """Return what the panel's file held, one sentence a kind in the page's language, each saying it is gone."""
    kinds = ((panel.image.findings or {}).get("metadata") or {}).get("kinds") or []
    return [in_page_language(removed_note(kind)) for kind in kinds if kind in KINDS]


def versions_context(episode: Episode) -> dict[str, object]:
    """Return what the episode page shows of its languages: the other versions and where each stands,
    the site's languages it lacks (an original's), its panels without alt text, and, on a version, its
    panels beside the original's."""
    present = {version.language for version in episode.versions()}
    return {
        "other_versions": [(version, stage(version)) for version in episode.versions() if version is not episode],
        "languages_to_add": [code for code in site_languages() if code not in present] if episode.is_original else [],
        "missing_alt": missing_alt_text(episode),
        "pairs": list(zip_longest(episode.original.panels, episode.panels)) if episode.original is not None else [],
    }


def episode_form(episode: Episode) -> EpisodeForm:
    """Return the episode's form: a version's has its translator too."""
    return EpisodeForm(obj=episode) if episode.is_original else VersionForm(obj=episode)


@dataclass
class Exposure:
    """What readers see of a series or profile when an episode goes public, for the editor to check."""

    first: bool  # readers have never seen it
    # (key, label, as readers last saw it, as it goes out) for each field changed meanwhile;
    # None when what they saw last is not on record.
    changes: list[tuple[str, str, Any, Any]] | None = None


def goes_public_with(episode: Episode) -> dict[str, Exposure | None]:
    """Tell what else readers see when this episode goes public: its series and its artist's profile,
    for the first time or again, with what changed since they last saw them (None: nothing to check).

    Neither was checked on its own while nothing of it was public, so the editor checks them here.
    """
    series = episode.series
    if episode.is_public:
        return {"series": None, "profile": None}
    return {"series": _exposure(series), "profile": _exposure(series.artist)}


def _exposure(target: Series | Artist) -> Exposure | None:
    if is_public(target):
        return None
    if not has_been_public(target):
        return Exposure(first=True)
    changes = changes_since_public(target)
    if changes is None:
        return Exposure(first=False)
    rows = [(key, str(FIELD_LABELS.get(key, key)), _shown(key, old), _shown(key, new)) for key, old, new in changes]
    return Exposure(first=False, changes=rows)


def _shown(key: str, value: Any) -> Any:
    return artist_name(value) if key == "artist_id" else value


@bp.route("/series/<row_id:series_id>/episodes/new", methods=["GET", "POST"])
def new_episode(series_id: int) -> Response | tuple[Response | str, int] | str:
    """Create a draft episode from a title, a note and image files."""
    series = get_series_for_edit(series_id)
    form = EpisodeForm()
    context = {"form": form, "series": series}
    if showing_form():
        return render_template("studio/episode_new.html", **context)
    uploads = uploads_from(request.files.getlist("files"), request.form.getlist("alt_text"), request.form.getlist("transcript"))
    reasons = form_errors(form) if not form.validate() else []
    if not uploads:
        reasons.append(_("Choose at least one image file (PNG, JPEG, WebP, GIF or AVIF)."))
    if reasons:
        return refuse("studio/episode_new.html", context, reasons)
    episode = Episode(
        series=series,
        number=next_episode_number(series),
        language=series.language,
        title=(form.title.data or "").strip(),
        author_note=form.author_note.data or "",
    )
    db.session.add(episode)
    results = append_uploads(episode, uploads)
    problems = refused(results)
    if problems:
        abandon(episode)
        return refuse("studio/episode_new.html", context, [_("Nothing was saved: fix or remove these files and send them again."), *problems], results)
    try:
        db.session.commit()
    except IntegrityError:
        abandon(episode)
        return refuse("studio/episode_new.html", context, [_("Another episode was created at the same moment; send it again.")], status=409)
    return done(url_for("studio.edit_episode", episode_id=episode.id), _("Saved “%(title)s” as a draft with %(panels)s panels.", title=episode.title, panels=len(episode.panels)), results)


@bp.route("/episodes/<row_id:episode_id>/", methods=["GET", "POST"])
def edit_episode(episode_id: int) -> Response | tuple[Response | str, int] | str:
    """Edit an episode: title, note, alt texts and transcripts, panel order, replace, remove, add panels."""
    episode = get_episode_for_edit(episode_id)
    user = signed_in_user()
    form = episode_form(episode)
    if showing_form():
        return render_template("studio/episode_edit.html", form=form, **episode_context(episode))
    try:
        results, discard, changed = apply_episode_edit(episode, form, user)
    except EditRefused as refusal:
        abandon(episode)
        episode = get_episode_for_edit(episode_id)
        return refuse("studio/episode_edit.html", {"form": form, **episode_context(episode)}, refusal.reasons, refusal.results)
    message = note_edit(episode, user) if changed else None
    db.session.commit()
    discard_unreferenced(discard)
    return done(url_for("studio.edit_episode", episode_id=episode.id), message or _("Your changes are saved."), results)


def apply_episode_edit(episode: Episode, form: EpisodeForm, user: User) -> tuple[list[FileResult], set[str], bool]:
    """Apply the edit form to the session; return file results, files to discard after commit, and whether anything changed."""
    if episode.status == EpisodeStatus.SUBMITTED and not may_publish(user):
        raise EditRefused([_("This episode is in review. Take it back from review to change it.")])
    reasons = form_errors(form) if not form.validate() else []
    panels = {panel.id: panel for panel in episode.panels}
    mentioned = {int(m.group(1)) for key in [*request.form, *request.files] if (m := PANEL_FIELD.fullmatch(key))}
    if mentioned - panels.keys():
        reasons.append(_("The form names panels that are not in this episode; reload the page and try again."))
    if reasons:
        raise EditRefused(reasons)

    changed = False
    title, note = (form.title.data or "").strip(), form.author_note.data or ""
    if (title, note) != (episode.title, episode.author_note):
        episode.title, episode.author_note, changed = title, note, True
    if isinstance(form, VersionForm) and (form.translator.data or "").strip() != episode.translator:
        episode.translator, changed = (form.translator.data or "").strip(), True
    for panel in episode.panels:
        alt = request.form.get(f"alt-{panel.id}")
        transcript = request.form.get(f"transcript-{panel.id}")
        if alt is not None and alt.strip() != panel.alt_text:
            if len(alt) > MAX_ALT_TEXT:
                reasons.append(_("Panel %(number)s: keep the alt text under %(limit)s characters.", number=panel.position, limit=MAX_ALT_TEXT))
            panel.alt_text, changed = alt.strip(), True
        if transcript is not None and transcript.strip() != panel.transcript:
            if len(transcript) > MAX_TRANSCRIPT:
                reasons.append(_("Panel %(number)s: keep the transcript under %(limit)s characters.", number=panel.position, limit=MAX_TRANSCRIPT))
            panel.transcript, changed = transcript.strip(), True
        # The words read in the panel fill a field only when the artist says so (docs/review.md).
        reading = (panel.image.lettering or "").strip()
        uses = request.form.getlist(f"use-reading-{panel.id}")
        if reading and "transcript" in uses and reading != panel.transcript:
            panel.transcript, changed = reading[:MAX_TRANSCRIPT], True
        if reading and "alt" in uses and reading != panel.alt_text:
            panel.alt_text, changed = reading[:MAX_ALT_TEXT], True

    order = requested_order(episode, reasons)
    if reasons:
        raise EditRefused(reasons)
    if order and reorder(episode, order):
        changed = True

    removing = [panels[pid] for pid in panels if request.form.get(f"remove-{pid}")]
    keeping = len(episode.panels) - len(removing)
    new_uploads = uploads_from(request.files.getlist("files"), request.form.getlist("alt_text"), request.form.getlist("transcript"))
    if episode.status == EpisodeStatus.PUBLISHED and keeping + len(new_uploads) == 0:
        raise EditRefused([_("A published episode needs at least one panel: unpublish or delete it instead.")])

    discard: set[str] = set()
    results: list[FileResult] = []
    for pid, panel in panels.items():
        storage = request.files.get(f"replace-{pid}")
        if storage and storage.filename and panel not in removing:
            result, old = replace(episode, panel, Upload(storage.filename, storage.stream))
            results.append(result)
            discard |= old
    if removing:
        discard |= remove(episode, removing)
    results.extend(append_uploads(episode, new_uploads))
    problems = refused(results)
    if problems:
        raise EditRefused([_("Nothing was saved: fix or remove these files and send them again."), *problems], results)
    changed = changed or bool(removing or results)
    return results, discard, changed


def requested_order(episode: Episode, reasons: list[str]) -> list[int]:
    """Read the position-<id> numbers into panel ids in reading order (ties keep the current order)."""
    keyed = []
    for index, panel in enumerate(episode.panels):
        raw = (request.form.get(f"position-{panel.id}") or "").strip()
        if not raw:
            keyed.append((float(index + 1), index, panel.id))
            continue
        if not re.fullmatch(r"-?\d{1,5}", raw):
            reasons.append(_("Panel %(number)s: its place in the order must be a whole number.", number=index + 1))
            continue
        keyed.append((float(raw), index, panel.id))
    return [panel_id for *_order, panel_id in sorted(keyed)]


@bp.get("/episodes/<row_id:episode_id>/preview")
def preview_episode(episode_id: int) -> str:
    """Show the episode exactly as readers will see it, with its images from the studio's private route."""
    episode = get_episode_for_edit(episode_id)
    series = episode.series
    g.media_endpoint = "studio.media"
    # The reader's page as it will be for this version: no notice, no other versions, nothing to prefetch.
    following = neighbour(series, episode.number, after=True)
    return render_template(
        "studio/preview.html",
        series=series,
        episode=episode,
        original=episode.original_version,
        other_versions=[],
        untranslated=False,
        previous=neighbour(series, episode.number, after=False),
        next=following.version_in(page_language()) if following else None,
        next_panels=[],
        artist=series.artist,
        saver=None,
        cost=episode_cost(episode.panels),
        give=give_words(page_language()),  # the end card's Give button, as readers will see it
        stage=stage(episode),
    )


@bp.get("/media/<path:name>")
def media(name: str) -> Response:
    """Serve a stored file of the signed-in account's own work (any, for editors), never cached."""
    path = stored_path(name)
    if not may_view_image(signed_in_user(), name):
        abort(404)
    return send_media(path, name, public=False)


def workflow_step(episode: Episode, action: Callable[[], object], message: str, **forms: object) -> Response | tuple[Response | str, int]:
    """Run a workflow step; commit and report it, or refuse with the reason and change nothing (the
    forms sent, given as keywords, are shown again as they were filled)."""
    try:
        action()
    except WorkflowError as refusal:
        db.session.rollback()
        episode = get_episode_for_edit(episode.id)
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, **forms)}, [str(refusal)])
    db.session.commit()
    return done(url_for("studio.edit_episode", episode_id=episode.id), message)


@bp.post("/episodes/<row_id:episode_id>/submit")
def submit_episode(episode_id: int) -> Response | tuple[Response | str, int]:
    """Send the episode to the editors."""
    episode = get_episode_for_edit(episode_id)
    form = CommentForm()
    if not form.validate():
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode)}, form_errors(form))
    user = signed_in_user()
    return workflow_step(episode, lambda: submit(episode, user, form.comment.data or ""), _("Sent for review. An editor will read it soon."))


@bp.post("/episodes/<row_id:episode_id>/withdraw")
def withdraw_episode(episode_id: int) -> Response | tuple[Response | str, int]:
    """Take the episode back from review."""
    episode = get_episode_for_edit(episode_id)
    user = signed_in_user()
    return workflow_step(episode, lambda: withdraw(episode, user), _("Taken back from review: it is a draft again."))


@bp.post("/episodes/<row_id:episode_id>/publish")
def publish_episode(episode_id: int) -> Response | tuple[Response | str, int]:
    """Publish or schedule without review (editors, or artists where the site allows it)."""
    episode = get_episode_for_edit(episode_id)
    user = signed_in_user()
    if not may_publish(user):
        abort(403)
    form = PublishForm()
    if not form.validate():
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, publish_form=form)}, form_errors(form))
    when = form.publish_time()
    confirmed = form.checklist.data or []
    message = _("Scheduled.") if when else _("Published: readers can see it now.")
    return workflow_step(episode, lambda: publish(episode, user, when, confirmed), message, publish_form=form)


@bp.post("/episodes/<row_id:episode_id>/review")
@require_staff
def review_episode(episode_id: int) -> Response | tuple[Response | str, int]:
    """Approve a submitted episode for now or a set time, or send it back with a comment."""
    episode = get_episode_for_edit(episode_id)
    user = signed_in_user()
    form = ReviewForm()
    if not form.validate():
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, review_form=form)}, form_errors(form))
    comment = form.comment.data or ""
    if form.decision.data == "return":
        return workflow_step(episode, lambda: return_to_artist(episode, user, comment), _("Sent back to the artist with your comment."))
    when = form.publish_time()
    confirmed = form.checklist.data or []
    message = _("Approved and scheduled.") if when else _("Approved and published: readers can see it now.")
    return workflow_step(episode, lambda: approve(episode, user, when, comment, confirmed), message, review_form=form)


@bp.post("/episodes/<row_id:episode_id>/unpublish")
def unpublish_episode(episode_id: int) -> Response | tuple[Response | str, int]:
    """Take the episode off the site at once; it becomes a draft."""
    episode = get_episode_for_edit(episode_id)
    form = CommentForm()
    if not form.validate():
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode)}, form_errors(form))
    user = signed_in_user()
    return workflow_step(episode, lambda: unpublish(episode, user, form.comment.data or ""), _("Unpublished: readers no longer see it."))


@bp.post("/episodes/<row_id:episode_id>/flags/dismiss")
@require_staff
def dismiss_flag(episode_id: int) -> Response | tuple[Response | str, int]:
    """Dismiss one review flag with the editor's reason, kept in the audit log."""
    episode = get_episode_for_edit(episode_id)
    form = DismissFlagForm()
    if not form.validate():
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, dismiss_form=form)}, form_errors(form))
    try:
        dismiss(episode, form.key.data or "", form.reason.data or "", signed_in_user())
    except FlagError as refusal:
        db.session.rollback()
        episode = get_episode_for_edit(episode_id)
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, dismiss_form=form)}, [str(refusal)])
    db.session.commit()
    return done(url_for("studio.edit_episode", episode_id=episode.id, _anchor="review-flags"), _("Flag dismissed; your reason is in the audit log."))


@bp.post("/episodes/<row_id:episode_id>/panels/<row_id:panel_id>/blur")
def blur_panel_view(episode_id: int, panel_id: int) -> Response | tuple[Response | str, int]:
    """Blur a region of a panel for good: the panel is made again from its master, every copy of the old one removed."""
    episode = get_episode_for_edit(episode_id)
    user = signed_in_user()
    panel = next((panel for panel in episode.panels if panel.id == panel_id), None)
    if panel is None:
        abort(404)
    form = BlurForm()
    context = {"form": episode_form(episode)}
    if episode.status == EpisodeStatus.SUBMITTED and not may_publish(user):
        return refuse("studio/episode_edit.html", {**context, **episode_context(episode, blur_form=form)}, [_("This episode is in review. Take it back from review to change it.")])
    if not form.validate():
        return refuse("studio/episode_edit.html", {**context, **episode_context(episode, blur_form=form)}, form_errors(form))
    region = (float(form.left.data or 0), float(form.top.data or 0), float(form.width.data or 0), float(form.height.data or 0))
    try:
        discard = blur_panel(episode, panel, region)
    except EditRefused as refusal:
        abandon(None)
        episode = get_episode_for_edit(episode_id)
        return refuse("studio/episode_edit.html", {"form": episode_form(episode), **episode_context(episode, blur_form=form)}, refusal.reasons)
    message = note_edit(episode, user)
    db.session.commit()
    discard_unreferenced(discard)
    return done(
        url_for("studio.edit_episode", episode_id=episode.id),
        message or _("Panel %(number)s is blurred there, in every copy: the old image is gone.", number=panel.position),
    )


@bp.route("/episodes/<row_id:episode_id>/delete", methods=["GET", "POST"])
def delete_episode_view(episode_id: int) -> Response | tuple[Response | str, int] | str:
    """Ask for confirmation, then unpublish, delete the rows, and remove the files."""
    episode = get_episode_for_edit(episode_id)
    form = ConfirmForm()
    if showing_form() or not form.validate():
        return render_template("studio/episode_delete.html", episode=episode, series=episode.series, form=form, stage=stage(episode))
    series_id = episode.series_id
    title = episode.title
    delete_episode(episode, signed_in_user())
    return done(url_for("studio.series_overview", series_id=series_id), _("Deleted “%(title)s” and its images.", title=title))

