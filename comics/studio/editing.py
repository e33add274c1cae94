"""Changing an episode's panels: add, reorder, replace, remove. No request here: views call these.

Panel has a unique (episode_id, position), so a reorder moves every panel to a temporary negative
position first and flushes, then to its final place: no intermediate state collides. The episode's
thumbnail is its first panel's image, and follows it through every change.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _

from comics.catalogue import add_panels
from comics.images import looking, opening
from comics.images.ingest import IngestError, Upload, delete_images
from comics.models import Episode, Panel
from comics.site_images import in_page_language, look_at, open_master, renders_in_background, store_image
from extensions import db


class EditRefused(ValueError):
    """A change to an episode refused as a whole, with the reasons to show (and what became of each file)."""

    def __init__(self, reasons: Sequence[str], results: Sequence[FileResult] = ()):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)
        self.results = results


@dataclass
class FileResult:
    """What became of one uploaded file, for the per-file status the studio shows."""

    name: str
    status: str  # "accepted" or "refused"
    reason: str = ""
    panels: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "status": self.status, "reason": self.reason, "panels": self.panels, "notes": self.notes}


def append_uploads(episode: Episode, uploads: Sequence[Upload]) -> list[FileResult]:
    """Run every upload through the pipeline onto the episode; report each file, refused ones included.

    A refused file adds nothing, and the next file is still tried, so the artist learns every problem
    at once; the caller rolls the whole change back when any file was refused.
    """
    results = []
    for upload in uploads:
        before = len(episode.panels)
        try:
            notes = add_panels(episode, [upload])
        except opening.RejectedImage as refusal:
            results.append(FileResult(upload.filename, "refused", reason=in_page_language(refusal.reason)))
            continue
        except IngestError as refusal:
            results.append(FileResult(upload.filename, "refused", reason="; ".join(refusal.reasons)))
            continue
        prefix = f"{upload.filename}: "
        notes = [note.removeprefix(prefix) for note in notes]
        results.append(FileResult(upload.filename, "accepted", panels=len(episode.panels) - before, notes=notes))
    sync_thumbnail(episode)
    return results


def refused(results: Sequence[FileResult]) -> list[str]:
    """Return one message per refused file."""
    return [f"{result.name}: {result.reason}" for result in results if result.status == "refused"]


def place_panels(episode: Episode, ordered: Sequence[Panel]) -> None:
    """Give the panels positions 1..n in this order, in two phases so the unique constraint holds."""
    for index, panel in enumerate(episode.panels, start=1):
        panel.position = -index
    db.session.flush()
    for index, panel in enumerate(ordered, start=1):
        panel.position = index
    db.session.flush()
    episode.panels.sort(key=lambda panel: panel.position)
    sync_thumbnail(episode)


def reorder(episode: Episode, panel_ids: Sequence[int]) -> bool:
    """Put the episode's panels in the order of these ids; return whether anything moved."""
    by_id = {panel.id: panel for panel in episode.panels}
    if sorted(panel_ids) != sorted(by_id):
        raise EditRefused([_("The new order must list each of this episode's panels exactly once.")])
    if list(panel_ids) == [panel.id for panel in episode.panels]:
        return False
    place_panels(episode, [by_id[panel_id] for panel_id in panel_ids])
    return True


def remove(episode: Episode, panels: Sequence[Panel]) -> set[str]:
    """Remove panels and their images; return the file names to discard once the change is committed."""
    images = [panel.image for panel in panels]
    for panel in panels:
        episode.panels.remove(panel)
        db.session.delete(panel)
    sync_thumbnail(episode)
    db.session.flush()
    if episode.panels:
        place_panels(episode, list(episode.panels))
    return delete_images(images)


def replace(episode: Episode, panel: Panel, upload: Upload) -> tuple[FileResult, set[str]]:
    """Put a new upload in a panel's place (a tall strip becomes several panels there).

    Returns the file's result and the old files to discard after the commit. The old alt text and
    transcript stay unless the upload brings its own.
    """
    if not upload.alt_text:
        upload.alt_text = panel.alt_text
    if not upload.transcript:
        upload.transcript = panel.transcript
    before = list(episode.panels)
    [result] = append_uploads(episode, [upload])
    if result.status != "accepted":
        return result, set()
    # add_panels appended the new panels at the end; move them to the old panel's place.
    new = list(episode.panels[len(before) :])
    index = before.index(panel)
    place_panels(episode, before[:index] + new + before[index + 1 :] + [panel])
    return result, remove(episode, [panel])


def sync_thumbnail(episode: Episode) -> None:
    """Make the episode's thumbnail its first panel's image."""
    episode.thumbnail = episode.panels[0].image if episode.panels else None


def blur_panel(episode: Episode, panel: Panel, percent: tuple[float, float, float, float]) -> set[str]:
    """Blur a region of a panel (left, top, width, height in percent) into a new master and renditions.

    The new image is made from the old master's pixels, so no copy of what the region showed remains once
    the old image's files are discarded: return their names, to discard after the commit. Editions and
    CBZ files are built from the panel's image, so they follow.
    """
    old = panel.image
    master = open_master(old)
    try:
        region = looking.region_from_percent(master, *percent)
    except ValueError as error:
        raise EditRefused([_("Panel %(number)s: the region to blur is not inside the panel.", number=panel.position)]) from error
    blurred = looking.blur_region(master, region)
    in_background = renders_in_background()
    stored = store_image(blurred, in_background=in_background)
    # What the upload's file said stays on record; the look and the reading are made again, from the new pixels.
    stored.findings = {"metadata": (old.findings or {}).get("metadata") or {"kinds": [], "sources": []}}
    stored.lettering = old.lettering
    if not in_background:
        look_at(stored, blurred)
    panel.image = stored
    sync_thumbnail(episode)
    db.session.flush()
    return delete_images([old])
