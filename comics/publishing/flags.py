"""The review flags: everything an episode may give away, in one list, each naming the panel and where in it.

Flags are worked out from the episode as it stands, each time: what the review found in each panel's
image (comics.images.ingest.look_at, given the site's settings by comics.site_images: a photograph, faces and where, lettered words on the watch list,
an image that could not be looked at or read) and the watch list over everything the artist wrote
(titles, notes, alt texts, transcripts, the series, the profile and its links). While any flag is open,
the checklist items on people and crossings (checklist.flagged_items) cannot be confirmed; an editor who
has looked at a flag and finds it no risk dismisses it with a reason, which the audit log keeps. A
dismissal names its flag by key, and a key changes with the image or the words, so a new risk is never
covered by an old decision.

What a file said about where and with what it was made is listed with the panel's flags too, as a
notice: it is gone from everything stored, so there is nothing to decide.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from artists.models import User
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.images.models import StoredImage
from comics.models import Episode, Panel
from comics.publishing.checklist import flagged_items, item_label
from comics.publishing.models import FlagDismissal
from comics.publishing.watchlist import watch_matches
from extensions import db

# The longest reason an editor may give for a dismissal.
MAX_REASON = 1000


class FlagError(ValueError):
    """A dismissal refused, with the reason to show; nothing changed."""


@dataclass
class Flag:
    """One thing the editor should look at: its key, kind, panel (or None), where, and what was found."""

    key: str
    kind: str  # "metadata", "photograph", "face", "lettering", "words", "unread" or "unlooked"
    panel: Panel | None
    where: str
    what: str
    needs_decision: bool = True
    dismissal: FlagDismissal | None = None

    @property
    def is_open(self) -> bool:
        return self.needs_decision and self.dismissal is None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _watchlist() -> list[str]:
    return list(current_app.config["REVIEW_WATCHLIST"])


def _match_text(kind: str, words: str) -> str:
    """Return what a watch-list match is, naming the words matched."""
    if kind == "phone":
        return str(_("what looks like a phone number: “%(words)s”", words=words))
    if kind == "address":
        return str(_("what looks like an address: “%(words)s”", words=words))
    if kind == "date":
        return str(_("what looks like a date: “%(words)s”", words=words))
    return str(_("a word on the watch list: “%(words)s”", words=words))


def _region_text(panel: Panel, region: list[int]) -> str:
    """Return where a region lies in a panel, in percent of its width and height."""
    x, y, width, height = region
    return str(
        _(
            "panel %(number)s, %(left)s–%(right)s%% across and %(top)s–%(bottom)s%% down",
            number=panel.position,
            left=round(100 * x / panel.image.width),
            right=round(100 * (x + width) / panel.image.width),
            top=round(100 * y / panel.image.height),
            bottom=round(100 * (y + height) / panel.image.height),
        )
    )


def metadata_label(kind: str) -> str:
    """Return one kind of metadata as the studio names it."""
    labels = {
        "location": _("the location where it was made"),
        "camera": _("the camera's or phone's make and model"),
        "serial": _("a serial number"),
        "software": _("the software or computer that made it"),
        "author": _("an author's or owner's name"),
        "date": _("the date it was made"),
        "comment": _("a comment, title or description"),
        "thumbnail": _("a small preview picture"),
    }
    return str(labels.get(kind, kind))


def image_flags(panel: Panel) -> Iterator[Flag]:
    """Yield the flags of one panel's image: what its file said, and what the review found in its pixels."""
    image: StoredImage = panel.image
    findings = image.findings or {}
    where = _("panel %(number)s", number=panel.position)
    kinds = (findings.get("metadata") or {}).get("kinds") or []
    if kinds:
        listed = ", ".join(metadata_label(kind) for kind in kinds)
        yield Flag(
            f"metadata:{image.id}",
            "metadata",
            panel,
            where,
            _("Its file held %(kinds)s; all of it was removed and nothing of it is stored or served.", kinds=listed),
            needs_decision=False,
        )
    if findings.get("photograph"):
        yield Flag(
            f"photograph:{image.id}",
            "photograph",
            panel,
            where,
            _("It looks like a photograph rather than a drawing: check it shows no real person, place or document."),
        )
    for region in findings.get("faces") or []:
        yield Flag(
            f"face:{image.id}:{','.join(str(number) for number in region)}",
            "face",
            panel,
            _region_text(panel, region),
            _("A face: check it is not a real person's, or blur it."),
        )
    notes = findings.get("notes") or []
    if "unlooked" in notes:
        yield Flag(
            f"unlooked:{image.id}",
            "unlooked",
            panel,
            where,
            _("This image could not be looked at for photographs and faces: check it by eye."),
        )
    if "faces-unlooked" in notes:
        yield Flag(
            f"faces-unlooked:{image.id}",
            "unlooked",
            panel,
            where,
            _("Faces could not be looked for in this photograph (the face detector is missing): check it by eye."),
        )
    if "unread" in notes:
        yield Flag(
            f"unread:{image.id}",
            "unread",
            panel,
            where,
            _("The words lettered in this image could not be read: check them by eye."),
        )
    for match in watch_matches(image.lettering or "", _watchlist()):
        yield Flag(
            f"lettering:{image.id}:{match.kind}:{_digest(match.words)}",
            "lettering",
            panel,
            _("panel %(number)s, lettered in the image", number=panel.position),
            _match_text(match.kind, match.words),
        )


def _written(episode: Episode) -> Iterator[tuple[str, str, Panel | None, str]]:
    """Yield (field key, where, panel, text) for everything the artist wrote that readers see with the episode."""
    yield "title", _("the episode's title"), None, episode.title
    yield "note", _("the author's note"), None, episode.author_note
    yield "translator", _("the translator's credit"), None, episode.translator
    for panel in episode.panels:
        yield f"alt:{panel.id}", _("panel %(number)s, its alt text", number=panel.position), panel, panel.alt_text
        yield f"transcript:{panel.id}", _("panel %(number)s, its transcript", number=panel.position), panel, panel.transcript
    series = episode.series
    yield "series-title", _("the series' title"), None, series.title
    yield "series-summary", _("the series' summary"), None, series.summary
    yield "series-warning", _("the series' content warning"), None, series.content_warning or ""
    for translation in series.translations:
        yield (
            f"series-title:{translation.language}",
            _("the series' title (%(language)s)", language=translation.language),
            None,
            translation.title,
        )
        yield (
            f"series-summary:{translation.language}",
            _("the series' summary (%(language)s)", language=translation.language),
            None,
            translation.summary,
        )
    artist = series.artist
    yield "profile-name", _("the artist's name"), None, artist.display_name
    yield "profile-about", _("the artist's profile"), None, artist.bio_markdown
    for artist_translation in artist.translations:
        language = artist_translation.language
        yield (
            f"profile-name:{language}",
            _("the artist's name (%(language)s)", language=language),
            None,
            artist_translation.display_name,
        )
        yield (
            f"profile-about:{language}",
            _("the artist's profile (%(language)s)", language=language),
            None,
            artist_translation.bio_markdown,
        )
    for link in artist.links:
        yield f"link:{link.id}", _("the artist's link “%(label)s”", label=link.label), None, f"{link.label}\n{link.url}"


def word_flags(episode: Episode) -> Iterator[Flag]:
    """Yield the watch list's matches in everything the artist wrote."""
    watchlist = _watchlist()
    for field, where, panel, text in _written(episode):
        for match in watch_matches(text or "", watchlist):
            yield Flag(
                f"words:{field}:{match.kind}:{_digest(match.words)}", "words", panel, where, _match_text(match.kind, match.words)
            )


def episode_flags(episode: Episode) -> list[Flag]:
    """Return every flag of the episode, panel by panel and then the words, each with its dismissal if any."""
    flags = [flag for panel in episode.panels for flag in image_flags(panel)]
    flags.extend(word_flags(episode))
    if episode.id is not None:
        dismissals = {
            row.flag_key: row for row in db.session.scalars(select(FlagDismissal).where(FlagDismissal.episode_id == episode.id))
        }
        for flag in flags:
            flag.dismissal = dismissals.get(flag.key)
    return flags


def open_flags(episode: Episode) -> list[Flag]:
    """Return the flags still waiting for the editor's decision."""
    return [flag for flag in episode_flags(episode) if flag.is_open]


def flag_refusal(episode: Episode, confirmed: list[str]) -> str | None:
    """Return why these confirmed items cannot stand while flags are open; None when they can."""
    guarded = [item for item in flagged_items() if item in {entry.strip() for entry in confirmed}]
    if not guarded:
        return None
    waiting = open_flags(episode)
    if not waiting:
        return None
    names = "; ".join(_("“%(item)s”", item=item_label(item)) for item in guarded)
    return str(
        _(
            "%(items)s cannot be confirmed while %(count)s review flag(s) are open: look at each, and dismiss it with a reason or send the episode back.",
            items=names,
            count=len(waiting),
        )
    )


def dismiss(episode: Episode, key: str, reason: str, user: User) -> Flag:
    """Dismiss one open flag of the episode with the editor's reason, recorded in the audit log."""
    if not user.is_staff:
        raise FlagError(_("Only editors dismiss review flags."))
    reason = reason.strip()
    flag = next((flag for flag in episode_flags(episode) if flag.key == key), None)
    if flag is None:
        raise FlagError(_("That flag is no longer on this episode: the panel or the words changed. Reload the page."))
    if not flag.needs_decision:
        raise FlagError(_("That is a notice, not a flag: there is nothing to dismiss."))
    if flag.dismissal is not None:
        raise FlagError(_("That flag was dismissed already."))
    if not reason:
        raise FlagError(_("Say why this flag is no risk: the reason is kept in the audit log."))
    if len(reason) > MAX_REASON:
        raise FlagError(_("Keep the reason under %(limit)s characters.", limit=MAX_REASON))
    flag.dismissal = FlagDismissal(episode_id=episode.id, flag_key=key, reason=reason, user=user)
    db.session.add(flag.dismissal)
    # The log names the kind and the place, never the words matched: it must not repeat what it warns about.
    record(
        user,
        AuditAction.FLAG_DISMISS,
        "episode",
        episode.id,
        f"{episode.series.title} · Episode {episode.number}: {episode.title}",
        f"{flag.kind} · {flag.where}: {reason}",
    )
    return flag
