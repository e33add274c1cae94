"""Checks shared by the edition tests: ComicInfo against the v2.0 schema, JPEG headers, web addresses."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from comics.editions.jpeg import is_baseline, jpeg_segments

# The ComicInfo v2.0 schema (anansi-project/comicinfo, schema/v2.0/ComicInfo.xsd), transcribed: each
# child of <ComicInfo> in its xs:sequence order with its type, and the attributes of <Page>. Kept apart
# from comics.editions.comic_info.SCHEMA_ORDER so a slip there cannot hide here.
COMIC_INFO_V2 = [
    ("Title", "string"), ("Series", "string"), ("Number", "string"), ("Count", "int"), ("Volume", "int"),
    ("AlternateSeries", "string"), ("AlternateNumber", "string"), ("AlternateCount", "int"), ("Summary", "string"),
    ("Notes", "string"), ("Year", "int"), ("Month", "int"), ("Day", "int"), ("Writer", "string"),
    ("Penciller", "string"), ("Inker", "string"), ("Colorist", "string"), ("Letterer", "string"),
    ("CoverArtist", "string"), ("Editor", "string"), ("Publisher", "string"), ("Imprint", "string"),
    ("Genre", "string"), ("Web", "string"), ("PageCount", "int"), ("LanguageISO", "string"), ("Format", "string"),
    ("BlackAndWhite", "YesNo"), ("Manga", "Manga"), ("Characters", "string"), ("Teams", "string"),
    ("Locations", "string"), ("ScanInformation", "string"), ("StoryArc", "string"), ("SeriesGroup", "string"),
    ("AgeRating", "AgeRating"), ("Pages", "ArrayOfComicPageInfo"), ("CommunityRating", "Rating"),
]  # fmt: skip
ENUMS = {
    "YesNo": {"Unknown", "No", "Yes"},
    "Manga": {"Unknown", "No", "Yes", "YesAndRightToLeft"},
}
PAGE_ATTRIBUTES = {
    "Image": "int", "Type": "ComicPageType", "DoublePage": "boolean", "ImageSize": "long", "Key": "string",
    "Bookmark": "string", "ImageWidth": "int", "ImageHeight": "int",
}  # fmt: skip
PAGE_TYPES = {"FrontCover", "InnerCover", "Roundup", "Story", "Advertisement", "Editorial", "Letters", "Preview", "BackCover", "Other", "Deleted"}
INTEGER = re.compile(r"[+-]?[0-9]+")
# Any web address: a scheme, www., or a name under a common top-level domain.
WEB_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|kr|social|io|example)\b", re.IGNORECASE)


def check_type(value: str, kind: str, where: str) -> None:
    if kind in ("int", "long"):
        assert INTEGER.fullmatch(value), f"{where}: {value!r} is not an xs:{kind}"
        if kind == "int":
            assert -(2**31) <= int(value) < 2**31, f"{where}: {value} out of xs:int"
    elif kind == "boolean":
        assert value in ("true", "false", "1", "0"), f"{where}: {value!r} is not an xs:boolean"
    elif kind == "ComicPageType":
        assert set(value.split()) <= PAGE_TYPES, f"{where}: {value!r}"
    elif kind in ENUMS:
        assert value in ENUMS[kind], f"{where}: {value!r} is not a {kind}"


def check_comic_info(xml: bytes) -> ElementTree.Element:
    """Assert that ComicInfo.xml follows the v2.0 schema's order and types; return its root."""
    root = ElementTree.fromstring(xml)
    assert root.tag == "ComicInfo"
    order = [name for name, _ in COMIC_INFO_V2]
    kinds = dict(COMIC_INFO_V2)
    names = [child.tag for child in root]
    assert len(names) == len(set(names)), f"an element twice: {names}"
    assert all(name in kinds for name in names), f"not in the schema: {set(names) - set(kinds)}"
    assert names == sorted(names, key=order.index), f"not in the schema's order: {names}"
    for child in root:
        if child.tag == "Pages":
            for page in child:
                assert page.tag == "Page"
                assert "Image" in page.attrib
                for attribute, value in page.attrib.items():
                    assert attribute in PAGE_ATTRIBUTES, attribute
                    check_type(value, PAGE_ATTRIBUTES[attribute], f"Page/@{attribute}")
        else:
            assert len(child) == 0
            check_type(child.text or "", kinds[child.tag], child.tag)
    return root


def check_jpeg(data: bytes, where: str) -> None:
    """Assert a JPEG is baseline and carries no EXIF, XMP, ICC or comment segment."""
    assert is_baseline(data), f"{where} is not a baseline JPEG"
    # APP1 (EXIF, XMP), APP2 (ICC), APP13 (Photoshop/IPTC), COM: none of them.
    found = {0xE1, 0xE2, 0xED, 0xFE} & set(jpeg_segments(data))
    assert not found, f"{where} carries metadata segments {sorted(hex(m) for m in found)}"


def require_tool(name: str) -> str:
    """Return the path of a command-line tool, or skip saying which package provides it."""
    path = shutil.which(name)
    packages = {"exiftool": "libimage-exiftool-perl", "ffprobe": "ffmpeg", "ffmpeg": "ffmpeg", "node": "nodejs", "jpegtran": "libjpeg-turbo-progs"}
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install {packages.get(name, name)})")
    return path


def files_of(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout
