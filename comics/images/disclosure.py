"""What an upload's file said about where, when, with what and by whom it was made: the kinds only.

Normalising (comics.images.normalising) keeps nothing but pixels; this module looks first, so the
artist can be told what was in the file and that it is gone, and the editor sees the same list per
panel. It returns kinds ("location", "camera") and the containers that held them ("EXIF", "XMP"),
never a value: the record of a warning must not leak what it warns about. Pure Pillow: no Flask.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageFile, IptcImagePlugin

from comics.images.untranslated import Wording, _

# The kinds, in the order they are shown.
KINDS = ("location", "camera", "serial", "software", "author", "date", "comment", "thumbnail")

# EXIF tags of the main image (IFD0) and of its EXIF IFD, by kind.
_EXIF_TAGS: dict[int, str] = {
    0x010F: "camera",  # Make
    0x0110: "camera",  # Model
    0x927C: "camera",  # MakerNote (which often holds the serial too)
    0xA433: "camera",  # LensMake
    0xA434: "camera",  # LensModel
    0xA431: "serial",  # BodySerialNumber
    0xA435: "serial",  # LensSerialNumber
    0xA420: "serial",  # ImageUniqueID
    0x0131: "software",  # Software
    0x013C: "software",  # HostComputer
    0x013B: "author",  # Artist
    0x8298: "author",  # Copyright
    0xA430: "author",  # CameraOwnerName
    0x9C9D: "author",  # XPAuthor
    0x0132: "date",  # DateTime
    0x9003: "date",  # DateTimeOriginal
    0x9004: "date",  # DateTimeDigitized
    0x010E: "comment",  # ImageDescription
    0x9286: "comment",  # UserComment
    0x9C9C: "comment",  # XPComment
    0x9C9B: "comment",  # XPTitle
    0x9C9E: "comment",  # XPKeywords
    0x9C9F: "comment",  # XPSubject
}

# Words of XMP (Adobe's XML metadata) that name a kind, as namespaced properties.
_XMP_WORDS: dict[bytes, str] = {
    b"GPSLatitude": "location",
    b"GPSLongitude": "location",
    b"photoshop:City": "location",
    b"photoshop:State": "location",
    b"photoshop:Country": "location",
    b"Iptc4xmpCore:Location": "location",
    b"Iptc4xmpExt:LocationShown": "location",
    b"tiff:Make": "camera",
    b"tiff:Model": "camera",
    b"aux:Lens": "camera",
    b"SerialNumber": "serial",
    b"xmp:CreatorTool": "software",
    b"stEvt:softwareAgent": "software",
    b"dc:creator": "author",
    b"dc:rights": "author",
    b"xmpRights:Owner": "author",
    b"photoshop:AuthorsPosition": "author",
    b"Iptc4xmpCore:CreatorContactInfo": "author",
    b"xmp:CreateDate": "date",
    b"xmp:ModifyDate": "date",
    b"xmp:MetadataDate": "date",
    b"photoshop:DateCreated": "date",
    b"exif:DateTimeOriginal": "date",
    b"dc:description": "comment",
    b"dc:title": "comment",
    b"exif:UserComment": "comment",
    b"xmp:Thumbnails": "thumbnail",
    b"xmpGImg:image": "thumbnail",
}

# PNG text chunks (tEXt, zTXt, iTXt) by their keyword, lower-cased.
_PNG_KEYS: dict[str, str] = {
    "author": "author",
    "copyright": "author",
    "software": "software",
    "creation time": "date",
    "date:create": "date",
    "date:modify": "date",
    "date:timestamp": "date",
    "comment": "comment",
    "description": "comment",
    "title": "comment",
    "disclaimer": "comment",
    "source": "camera",
}

# IPTC datasets (record 2) by number.
_IPTC: dict[int, str] = {
    80: "author",  # By-line
    85: "author",  # By-line title
    110: "author",  # Credit
    116: "author",  # Copyright notice
    118: "author",  # Contact
    55: "date",  # Date created
    60: "date",  # Time created
    62: "date",  # Digital creation date
    90: "location",  # City
    92: "location",  # Sub-location
    95: "location",  # Province or state
    100: "location",  # Country code
    101: "location",  # Country
    65: "software",  # Originating program
    120: "comment",  # Caption
    5: "comment",  # Object name
    25: "comment",  # Keywords
}

# Photoshop's image resource that holds a thumbnail (0x0409 in Photoshop 4, 0x040C since).
_PHOTOSHOP_THUMBNAILS = (0x0409, 0x040C)


@dataclass(frozen=True)
class Disclosure:
    """What kinds of data a file held, and where (its containers); never the values."""

    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def as_record(self) -> dict[str, list[str]]:
        """Return it as the stored record: {"kinds": [...], "sources": [...]}."""
        return {"kinds": list(self.kinds), "sources": list(self.sources)}


def _ordered(kinds: Iterable[str]) -> tuple[str, ...]:
    found = set(kinds)
    return tuple(kind for kind in KINDS if kind in found)


def _exif_kinds(image: Image.Image) -> set[str]:
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - a broken EXIF block is still a block that was there
        return {"comment"} if image.info.get("exif") else set()
    kinds: set[str] = set()
    if exif.get_ifd(ExifTags.IFD.GPSInfo) or ExifTags.IFD.GPSInfo in exif:
        kinds.add("location")
    tags: dict[int, Any] = dict(exif)
    with contextlib.suppress(Exception):  # what was readable counts
        tags.update(exif.get_ifd(ExifTags.IFD.Exif))
    kinds.update(kind for tag, kind in _EXIF_TAGS.items() if _present(tags.get(tag)))
    try:
        if exif.get_ifd(ExifTags.IFD.IFD1):
            kinds.add("thumbnail")
    except Exception:  # noqa: BLE001 - what was readable counts
        pass
    return kinds


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes):
        return bool(value.strip(b"\0 "))
    if isinstance(value, str):
        return bool(value.strip("\0 "))
    return True


def _xmp_kinds(xmp: object) -> set[str]:
    data = xmp.encode("utf-8", "replace") if isinstance(xmp, str) else bytes(xmp) if isinstance(xmp, (bytes, bytearray)) else b""
    return {kind for word, kind in _XMP_WORDS.items() if word in data}


def _iptc_kinds(image: Image.Image) -> set[str]:
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) if isinstance(image, ImageFile.ImageFile) else None
    except Exception:  # noqa: BLE001 - unreadable IPTC: the rest still counts
        return set()
    if not iptc:
        return set()
    return {_IPTC[number] for (record, number) in iptc if record == 2 and number in _IPTC}


def _text_kinds(info: Mapping[Any, Any]) -> set[str]:
    kinds = set()
    for key, value in info.items():
        if isinstance(key, str) and _present(value):
            kind = _PNG_KEYS.get(key.lower())
            if kind is not None:
                kinds.add(kind)
    return kinds


def disclosure(image: Image.Image) -> Disclosure:
    """Return the kinds of data an opened, not yet normalised upload carries, and where."""
    info = image.info
    found: dict[str, set[str]] = {}
    if image.info.get("exif") or image.format in ("JPEG", "MPO", "WEBP", "PNG", "AVIF"):
        kinds = _exif_kinds(image)
        if kinds:
            found["EXIF"] = kinds
    xmp = info.get("xmp") or info.get("XML:com.adobe.xmp")
    if xmp:
        found["XMP"] = _xmp_kinds(xmp) or {"comment"}
    iptc = _iptc_kinds(image)
    if iptc:
        found["IPTC"] = iptc
    photoshop = info.get("photoshop")
    if isinstance(photoshop, dict) and any(key in photoshop for key in _PHOTOSHOP_THUMBNAILS):
        found.setdefault("Photoshop", set()).add("thumbnail")
    if _present(info.get("comment")):
        found.setdefault("comment", set()).add("comment")
    text = _text_kinds(info) if image.format == "PNG" else set()
    if text:
        found.setdefault("text", set()).update(text)
    return Disclosure(kinds=_ordered(kind for held in found.values() for kind in held), sources=tuple(sorted(found)))


def removed_note(kind: str) -> Wording:
    """Tell the artist that the file held this kind of data and that it is gone, as a whole sentence."""
    notes = {
        "location": _("This file held the location where it was made; it has been removed."),
        "camera": _("This file held the make and model of the camera or phone; they have been removed."),
        "serial": _("This file held a serial number of the camera or lens; it has been removed."),
        "software": _("This file held the name of the software or computer that made it; it has been removed."),
        "author": _("This file held the name of an author or owner; it has been removed."),
        "date": _("This file held the date and time it was made; they have been removed."),
        "comment": _("This file held a comment, title or description; it has been removed."),
        "thumbnail": _(
            "This file held a small preview picture, which may show the image before it was edited; it has been removed."
        ),
    }
    return notes[kind]
