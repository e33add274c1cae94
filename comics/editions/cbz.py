"""A CBZ of one episode in one language: baseline JPEG pages and a ComicInfo.xml, with the same facts as
ComicBookInfo in the ZIP comment (calibre reads only that), byte for byte repeatable.

build_cbz is the one builder: the offline edition writes its result to a file, and a web download
(issue 14) can send the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from comics.editions.comic_info import ComicInfo, PageInfo, comic_info_xml
from comics.editions.jpeg import EncodedPage, page_name
from comics.editions.records import NEUTRAL, EpisodeContent, Imprint
from comics.editions.reproducible_zips import write_zip


def episode_comic_info(episode: EpisodeContent, pages: Sequence[EncodedPage], imprint: Imprint = NEUTRAL) -> ComicInfo:
    """Return the ComicInfo of an episode whose pages are these."""
    return ComicInfo(
        title=episode.title,
        series=episode.series_title,
        number=episode.number,
        language=episode.language,
        pen_name=episode.pen_name,
        summary=episode.series_summary,
        translator=episode.translator,
        pages=tuple(PageInfo(len(page.data), page.width, page.height) for page in pages),
        publisher=imprint.site_name,
        web=imprint.site_url,
    )


def build_cbz(episode: EpisodeContent, pages: Sequence[EncodedPage], imprint: Imprint = NEUTRAL) -> bytes:
    """Return the CBZ of an episode: its pages in order (0001.jpg…) and ComicInfo.xml."""
    if len(pages) != len(episode.panels):
        raise ValueError(f"{len(pages)} pages for an episode of {len(episode.panels)} panels")
    info = episode_comic_info(episode, pages, imprint)
    entries = [(page_name(index), page.data) for index, page in enumerate(pages)]
    entries.append(("ComicInfo.xml", comic_info_xml(info)))
    buffer = io.BytesIO()
    write_zip(buffer, entries, comment=info.comic_book_info())
    return buffer.getvalue()
