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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from artists.models import User
from comics.audit.log import record
from comics.audit.models import AuditAction
from comics.images.models import StoredImage
from comics.models import Episode, Panel
from comics.publishing.checklist import flagged_items, item_label
from comics.publishing.models import FlagDismissal, Revision
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
    left, right, top, bottom = _percent(panel.image, region)
    return str(
        _(
            "panel %(number)s, %(left)s–%(right)s%% across and %(top)s–%(bottom)s%% down",
            number=panel.position, left=left, right=right, top=top, bottom=bottom,
        )
    )


def _place_text(where: str, image: StoredImage, region: list[int]) -> str:
    """Return where a region lies in a picture that is not a panel (a cover, a profile picture)."""
    left, right, top, bottom = _percent(image, region)
    return str(
        _("%(where)s, %(left)s–%(right)s%% across and %(top)s–%(bottom)s%% down", where=where, left=left, right=right, top=top, bottom=bottom)
    )


def _placer(where: str, image: StoredImage) -> Callable[[list[int]], str]:
    """Return how to say where a region of this picture is."""
    return lambda region: _place_text(where, image, region)


def _percent(image: StoredImage, region: list[int]) -> tuple[int, int, int, int]:
    x, y, width, height = region
    return (
        round(100 * x / image.width),
        round(100 * (x + width) / image.width),
        round(100 * y / image.height),
        round(100 * (y + height) / image.height),
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
    yield from picture_flags(
        panel.image,
        panel,
        _("panel %(number)s", number=panel.position),
        lambda region: _region_text(panel, region),
        _("panel %(number)s, lettered in the image", number=panel.position),
    )


def picture_flags(
    image: StoredImage, panel: Panel | None, where: str, place: Callable[[list[int]], str], lettered: str
) -> Iterator[Flag]:
    """Yield the flags of one stored image (a panel's, a cover, a profile picture): what its file said, and
    what the review found in its pixels. where names the image; place, a region of it; lettered, its words."""
    findings = image.findings or {}
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
            place(region),
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
            lettered,
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


def cover_flags(episode: Episode) -> Iterator[Flag]:
    """Yield the flags of the pictures readers see with the episode: the series' cover (and its covers in
    other languages) and the artist's profile picture, looked at when they were stored."""
    series = episode.series
    pictures = [(series.cover, str(_("the series' cover")))]
    pictures.extend(
        (translation.cover, str(_("the series' cover (%(language)s)", language=translation.language)))
        for translation in series.translations
    )
    pictures.append((series.artist.avatar, str(_("the artist's picture"))))
    for image, where in pictures:
        if image is not None:
            yield from picture_flags(
                image,
                None,
                where,
                _placer(where, image),
                str(_("%(where)s, lettered in the image", where=where)),
            )


def episode_flags(episode: Episode) -> list[Flag]:
    """Return every flag of the episode, panel by panel, then its series' covers and artist's picture, and
    then the words, each with its dismissal if any."""
    flags = [flag for panel in episode.panels for flag in image_flags(panel)]
    flags.extend(cover_flags(episode))
    flags.extend(word_flags(episode))
    if episode.id is not None:
        dismissals = {
            row.flag_key: row for row in db.session.scalars(select(FlagDismissal).where(FlagDismissal.episode_id == episode.id))
        }
        for flag in flags:
            flag.dismissal = dismissals.get(flag.key)
    return flags


def _held_items(confirmed: list[str], flags: Callable[[], list[Flag]]) -> tuple[str, int] | None:
    """Return the confirmed items an open flag holds back, named, and how many flags are open; None when
    none is held (the flags are worked out only when a guarded item is confirmed)."""
    guarded = [item for item in flagged_items() if item in {entry.strip() for entry in confirmed}]
    if not guarded:
        return None
    waiting = [flag for flag in flags() if flag.is_open]
    if not waiting:
        return None
    return "; ".join(_("“%(item)s”", item=item_label(item)) for item in guarded), len(waiting)


def flag_refusal(episode: Episode, confirmed: list[str]) -> str | None:
    """Return why these confirmed items cannot stand while flags are open; None when they can."""
    held = _held_items(confirmed, lambda: episode_flags(episode))
    if held is None:
        return None
    names, count = held
    return str(
        _(
            "%(items)s cannot be confirmed while %(count)s review flag(s) are open: look at each, and dismiss it with a reason or send the episode back.",
            items=names,
            count=count,
        )
    )


def dismiss(episode: Episode, key: str, reason: str, user: User) -> Flag:
    """Dismiss one open flag of the episode with the editor's reason, recorded in the audit log."""
    gone = _("That flag is no longer on this episode: the panel or the words changed. Reload the page.")
    flag, reason = _dismissable(episode_flags(episode), key, reason, user, gone)
    flag.dismissal = FlagDismissal(episode_id=episode.id, flag_key=key, reason=reason, user=user)
    db.session.add(flag.dismissal)
    _record_dismissal(user, flag, reason, "episode", episode.id, f"{episode.series.title} · Episode {episode.number}: {episode.title}")
    return flag


def _dismissable(flags: list[Flag], key: str, reason: str, user: User, gone: str) -> tuple[Flag, str]:
    """Return the flag with this key and the reason given, or refuse the dismissal, saying why."""
    if not user.is_staff:
        raise FlagError(_("Only editors dismiss review flags."))
    reason = reason.strip()
    flag = next((flag for flag in flags if flag.key == key), None)
    if flag is None:
        raise FlagError(gone)
    if not flag.needs_decision:
        raise FlagError(_("That is a notice, not a flag: there is nothing to dismiss."))
    if flag.dismissal is not None:
        raise FlagError(_("That flag was dismissed already."))
    if not reason:
        raise FlagError(_("Say why this flag is no risk: the reason is kept in the audit log."))
    if len(reason) > MAX_REASON:
        raise FlagError(_("Keep the reason under %(limit)s characters.", limit=MAX_REASON))
    return flag, reason


def _record_dismissal(user: User, flag: Flag, reason: str, object_type: str, object_id: int, label: str) -> None:
    # The log names the kind and the place, never the words matched: it must not repeat what it warns about.
    record(user, AuditAction.FLAG_DISMISS, object_type, object_id, label, f"{flag.kind} · {flag.where}: {reason}")


# --- a waiting version of a profile or series ---------------------------------------------------------

# Each word of a profile or series: its flag's field key, and where the review says it is.
_PROFILE_WORDS = {
    "display_name": ("profile-name", _l("the artist's name")),
    "bio_markdown": ("profile-about", _l("the artist's profile")),
}
_SERIES_WORDS = {
    "title": ("series-title", _l("the series' title")),
    "summary": ("series-summary", _l("the series' summary")),
    "content_warning": ("series-warning", _l("the series' content warning")),
}


def _in_language(key: str, language: str) -> str:
    """Return where a word in another language is; each sentence spelt out, so extraction finds it."""
    sentences = {
        "display_name": _("the artist's name (%(language)s)", language=language),
        "bio_markdown": _("the artist's profile (%(language)s)", language=language),
        "title": _("the series' title (%(language)s)", language=language),
        "summary": _("the series' summary (%(language)s)", language=language),
        "content_warning": _("the series' content warning (%(language)s)", language=language),
    }
    return str(sentences[key])


def _changed_words(proposed: dict[str, Any], live: dict[str, Any], profile: bool) -> Iterator[tuple[str, str, str]]:
    """Yield (field key, where, text) for each word a waiting version changes from what readers see:
    the live version was reviewed when it went out, so only what is new waits for a look."""
    words = _PROFILE_WORDS if profile else _SERIES_WORDS
    for key, (field, where) in words.items():
        if key in proposed and (proposed[key] or "") != (live.get(key) or ""):
            yield field, str(where), proposed[key] or ""
    live_texts = live.get("translations") or {}
    for language, values in sorted((proposed.get("translations") or {}).items()):
        for key, (field, _where) in words.items():
            text = values.get(key) or ""
            if text != ((live_texts.get(language) or {}).get(key) or ""):
                yield f"{field}:{language}", _in_language(key, language), text
    if not profile:
        return
    live_links = {row["id"]: row for row in live.get("links") or [] if row.get("id") is not None}
    for index, row in enumerate(proposed.get("links") or [], start=1):
        old = live_links.get(row.get("id")) or {}
        name = f"link:{row['id']}" if row.get("id") is not None else f"link:new-{index}"
        where = str(_("the artist's link “%(label)s”", label=row["label"]))
        if (row["label"], row["url"]) != (old.get("label"), old.get("url")):
            yield name, where, f"{row['label']}\n{row['url']}"
        old_labels = old.get("labels") or {}
        for language, label in sorted((row.get("labels") or {}).items()):
            if label != old_labels.get(language):
                yield (
                    f"{name}:{language}",
                    str(_("the artist's link “%(label)s” (%(language)s)", label=row["label"], language=language)),
                    label,
                )


def revision_flags(revision: Revision, live: dict[str, Any] | None) -> list[Flag]:
    """Return the flags of a profile's or series' waiting version: its new pictures' (what each file held,
    a photograph, faces and where, lettered words on the watch list) and the watch list's matches in each
    word it changes, naming the field and the language. live is the target as readers see it now, in a
    proposal's shape (None once it was deleted)."""
    profile = revision.target_type == "artist"
    pictures: list[tuple[StoredImage, str]] = []
    if revision.proposed.get("picture") == "new" and revision.image is not None:
        pictures.append((revision.image, str(_("the new profile picture") if profile else _("the new cover"))))
    for held in sorted(revision.language_images, key=lambda each: each.language):
        pictures.append((held.image, str(_("the new cover (%(language)s)", language=held.language))))
    flags: list[Flag] = []
    for image, where in pictures:
        flags.extend(
            picture_flags(
                image,
                None,
                where,
                _placer(where, image),
                str(_("%(where)s, lettered in the image", where=where)),
            )
        )
    watchlist = _watchlist()
    for field, where, text in _changed_words(revision.proposed, live or {}, profile):
        for match in watch_matches(text, watchlist):
            flags.append(
                Flag(f"words:{field}:{match.kind}:{_digest(match.words)}", "words", None, where, _match_text(match.kind, match.words))
            )
    if revision.id is not None:
        dismissals = {
            row.flag_key: row for row in db.session.scalars(select(FlagDismissal).where(FlagDismissal.revision_id == revision.id))
        }
        for flag in flags:
            flag.dismissal = dismissals.get(flag.key)
    return flags


def revision_flag_refusal(revision: Revision, live: dict[str, Any] | None, confirmed: list[str]) -> str | None:
    """Return why these confirmed items cannot stand while the revision's flags are open; None when they can."""
    held = _held_items(confirmed, lambda: revision_flags(revision, live))
    if held is None:
        return None
    names, count = held
    return str(
        _(
            "%(items)s cannot be confirmed while %(count)s review flag(s) are open: look at each, and dismiss it with a reason or send the change back.",
            items=names,
            count=count,
        )
    )


def dismiss_revision_flag(revision: Revision, live: dict[str, Any] | None, key: str, reason: str, user: User, label: str) -> Flag:
    """Dismiss one open flag of a waiting revision with the editor's reason, recorded in the audit log
    against the profile or series (label names it)."""
    gone = _("That flag is no longer on this change: the picture or the words changed. Reload the page.")
    flag, reason = _dismissable(revision_flags(revision, live), key, reason, user, gone)
    flag.dismissal = FlagDismissal(revision_id=revision.id, flag_key=key, reason=reason, user=user)
    db.session.add(flag.dismissal)
    _record_dismissal(user, flag, reason, revision.target_type, revision.target_id, label)
    return flag
