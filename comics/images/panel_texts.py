"""The words beside an episode's images: each panel's alt text and transcript, and the episode's title,
summary, language and translator as a comic archive's ComicInfo.xml gives them. Bytes in, plain values
out: no Flask, no database.

A texts sidecar (a `texts.json` file, or one named by `import-episode --texts`) is a UTF-8 JSON list
with one object per image file, in the files' order: `{"alt": "...", "transcript": "..."}`, either key
optional. ComicInfo.xml (the ComicRack/Anansi schema, v2.0) has no field for per-page text, so a
.cbz carries that in a `texts.json` beside it; from ComicInfo we read Title, Summary, LanguageISO,
Translator and Number. Anything malformed is refused as a whole with a reason a person can act on.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

# The longest alt text and transcript a panel may hold (the studio's editor holds panels to the same).
MAX_ALT_TEXT = 2000
MAX_TRANSCRIPT = 20_000
# A sidecar is words, not pictures: a megabyte is hundreds of pages of transcript.
MAX_SIDECAR_BYTES = 1_000_000
TEXTS_NAME = "texts.json"
COMIC_INFO_NAME = "comicinfo.xml"


class RejectedSidecar(ValueError):
    """A texts sidecar or ComicInfo.xml refused for a reason the person importing can act on."""


@dataclass(frozen=True)
class PanelText:
    """The words of one image file: what it shows (alt) and what is written in it (transcript)."""

    alt: str = ""
    transcript: str = ""


@dataclass(frozen=True)
class ComicInfo:
    """What a ComicInfo.xml says of the episode; empty strings (and no number) where it says nothing."""

    title: str = ""
    summary: str = ""
    language: str = ""
    translator: str = ""
    number: int | None = None


def sidecar_kind(entry_name: str) -> str | None:
    """Tell whether an archive entry is a texts sidecar ("texts"), a ComicInfo.xml ("info"), or neither."""
    name = PurePosixPath(entry_name.replace("\\", "/")).name.lower()
    if name == TEXTS_NAME:
        return "texts"
    if name == COMIC_INFO_NAME:
        return "info"
    return None


def _decoded(data: bytes, label: str) -> str:
    if len(data) > MAX_SIDECAR_BYTES:
        raise RejectedSidecar(f"{label}: {len(data):,} bytes is more than the limit of {MAX_SIDECAR_BYTES:,} for a text file")
    try:
        # A byte-order mark, which some Windows editors write, is allowed and dropped.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RejectedSidecar(f"{label}: not UTF-8 text (byte {error.start + 1} is not); save it as UTF-8 and try again") from None


def read_panel_texts(data: bytes, label: str) -> list[PanelText]:
    """Read a texts sidecar: a JSON list of {"alt": ..., "transcript": ...}, one per image file."""
    text = _decoded(data, label)
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as error:
        raise RejectedSidecar(f"{label}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(entries, list):
        raise RejectedSidecar(f'{label}: expected a JSON list, one {{"alt": ..., "transcript": ...}} per image file')
    texts = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) - {"alt", "transcript"}:
            raise RejectedSidecar(f'{label}: entry {number} must be an object with only "alt" and "transcript"')
        alt, transcript = entry.get("alt", ""), entry.get("transcript", "")
        if not isinstance(alt, str) or not isinstance(transcript, str):
            raise RejectedSidecar(f"{label}: entry {number}: alt and transcript must be text")
        if len(alt) > MAX_ALT_TEXT:
            raise RejectedSidecar(f"{label}: entry {number}: the alt text is {len(alt):,} characters, more than the limit of {MAX_ALT_TEXT:,}")
        if len(transcript) > MAX_TRANSCRIPT:
            raise RejectedSidecar(
                f"{label}: entry {number}: the transcript is {len(transcript):,} characters, more than the limit of {MAX_TRANSCRIPT:,}"
            )
        texts.append(PanelText(alt.strip(), transcript.strip()))
    return texts


def check_count(texts: Sequence[PanelText], files: int, label: str) -> None:
    """Refuse texts that do not pair one to one with the image files."""
    if len(texts) != files:
        raise RejectedSidecar(
            f"{label}: {len(texts)} entries for {files} image files; give one entry per image file, in their order"
        )


def read_comic_info(data: bytes, label: str) -> ComicInfo:
    """Read the episode's title, summary, language, translator and number from a ComicInfo.xml."""
    text = _decoded(data, label)
    # Entities are declared in a DOCTYPE, and ComicInfo needs none: refusing it refuses entity bombs.
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise RejectedSidecar(f"{label}: a ComicInfo.xml with a DOCTYPE or entities is not read")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise RejectedSidecar(f"{label}: not well-formed XML ({error})") from None
    if _local(root.tag) != "ComicInfo":
        raise RejectedSidecar(f"{label}: the root element is <{_local(root.tag)}>, not <ComicInfo>")
    fields = {_local(child.tag): (child.text or "").strip() for child in root}
    number = fields.get("Number", "")
    return ComicInfo(
        title=fields.get("Title", "")[:200],
        summary=fields.get("Summary", ""),
        language=fields.get("LanguageISO", ""),
        translator=fields.get("Translator", "")[:200],
        number=int(number) if number.isdigit() else None,
    )


def _local(tag: str) -> str:
    """Return an element's name without its namespace."""
    return tag.rpartition("}")[2]
