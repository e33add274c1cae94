"""ComicInfo.xml, the metadata comic apps (Kavita, Komga, Mihon, KOReader, Perfect Viewer) read from a CBZ.

Written against the ComicInfo v2.0 schema (anansi-project/comicinfo, schema/v2.0/ComicInfo.xsd): its
root is a sequence, so the elements must come in the schema's order, which SCHEMA_ORDER copies.
Only the story and the artist's pen name go in; Publisher and Web only for an edition meant for outside.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

# Every child of <ComicInfo> in the v2.0 schema, in its xs:sequence order.
SCHEMA_ORDER = (
    "Title", "Series", "Number", "Count", "Volume", "AlternateSeries", "AlternateNumber", "AlternateCount",
    "Summary", "Notes", "Year", "Month", "Day", "Writer", "Penciller", "Inker", "Colorist", "Letterer",
    "CoverArtist", "Editor", "Publisher", "Imprint", "Genre", "Web", "PageCount", "LanguageISO", "Format",
    "BlackAndWhite", "Manga", "Characters", "Teams", "Locations", "ScanInformation", "StoryArc",
    "SeriesGroup", "AgeRating", "Pages", "CommunityRating",
)  # fmt: skip


@dataclass(frozen=True)
class PageInfo:
    """One image of the archive, as <Page Image="0" ImageSize=… ImageWidth=… ImageHeight=…/>."""

    size: int
    width: int
    height: int


@dataclass(frozen=True)
class ComicInfo:
    """What a comic app shows about one episode in one language."""

    title: str
    series: str
    number: int
    language: str
    pen_name: str
    summary: str = ""
    translator: str = ""
    genre: tuple[str, ...] = ("Webtoon",)
    pages: Sequence[PageInfo] = field(default_factory=tuple)
    publisher: str = ""
    web: str = ""

    def comic_book_info(self) -> bytes:
        """Return the same facts as ComicBookInfo 1.0 JSON, for a CBZ's ZIP comment: calibre and older
        comic apps read only that. Sorted and dated by nothing, so a CBZ stays byte for byte the same."""
        credits = [{"person": self.pen_name, "role": role, "primary": True} for role in ("Writer", "Artist") if self.pen_name]
        if self.translator:
            credits.append({"person": self.translator, "role": "Translator", "primary": False})
        facts: dict[str, object] = {
            "title": self.title,
            "series": self.series,
            "issue": str(self.number),
            "language": self.language,
            "credits": credits,
            "genre": ", ".join(self.genre),
            "comments": self.summary,
            "publisher": self.publisher,
        }
        book = {key: value for key, value in facts.items() if value}
        return json.dumps({"ComicBookInfo/1.0": book}, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def elements(self) -> dict[str, str]:
        """Return the child elements to write, by name; empty values are left out."""
        values = {
            "Title": self.title,
            "Series": self.series,
            "Number": str(self.number),
            "Summary": self.summary,
            "Writer": self.pen_name,
            "Penciller": self.pen_name,
            # A translation's translator is credited as its letterer, the nearest role the schema has.
            "Letterer": self.translator,
            "Publisher": self.publisher,
            "Genre": ", ".join(self.genre),
            "Web": self.web,
            "PageCount": str(len(self.pages)),
            "LanguageISO": self.language,
            "Format": "Web",
            "Manga": "No",
        }
        return {name: value for name, value in values.items() if value}


def comic_info_xml(info: ComicInfo) -> bytes:
    """Return ComicInfo.xml for an episode: UTF-8, elements in the schema's order, Pages last but one."""
    root = ElementTree.Element("ComicInfo")
    values = info.elements()
    for name in SCHEMA_ORDER:
        if name in values:
            ElementTree.SubElement(root, name).text = values[name]
        elif name == "Pages" and info.pages:
            pages = ElementTree.SubElement(root, "Pages")
            for index, page in enumerate(info.pages):
                ElementTree.SubElement(
                    pages,
                    "Page",
                    {
                        "Image": str(index),
                        "ImageSize": str(page.size),
                        "ImageWidth": str(page.width),
                        "ImageHeight": str(page.height),
                    },
                )
    ElementTree.indent(root)
    xml: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"
