"""The pure parts of an edition: JPEG settings, ComicInfo.xml, deterministic ZIPs, slides, the scroll and its subtitles, the script."""
from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pyjpegli
import pytest
from PIL import Image, ImageDraw

from comics.editions.comic_info import SCHEMA_ORDER, ComicInfo, PageInfo, comic_info_xml
from comics.editions.html_reader import TEMPLATES
from comics.editions.jpeg import (
    EDITION_MAX_WIDTH,
    PAGE_QUALITY,
    encode_baseline_jpeg,
    encode_page,
    fit_width,
    is_baseline,
    jpeg_segments,
    page_encoder,
)
from comics.editions.reproducible_zips import FIXED_TIME, write_zip
from comics.editions.scroll_plan import FPS, plan_scroll, srt_text
from comics.editions.slides import SLIDE_SIZE, compose_slide, group_pieces, render_slides, screen_pieces
from comics.images.encoding import encode_rendition, resized
from tests.comics.editions.checks import COMIC_INFO_V2, check_comic_info, check_jpeg, require_tool


def drawing(width: int, height: int, bands: int = 4) -> Image.Image:
    """A tall picture with busy bands and white gutters between them, like a strip."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    band = height // bands
    for index in range(bands):
        top = index * band + 20
        for x in range(0, width, 7):
            draw.line((x, top, width - x, top + band - 40), fill=(x % 255, 90, 160), width=3)
    return image


PURE_MODULES = ["jpeg", "comic_info", "reproducible_zips", "slides", "scroll_plan", "video"]
# What a pure module may import besides the standard library: Pillow, jpegli, its pure neighbours and the
# pure image steps (comics.images' own purity is tests/comics/images/test_imaging.py's to check).
PURE_IMPORTS = ("PIL", "pyjpegli", "comics.editions.", "comics.images.encoding", "comics.images.slicing", "comics.images.normalising")


@pytest.mark.parametrize("name", PURE_MODULES)
def test_the_pure_modules_import_neither_flask_nor_the_database(name: str) -> None:
    tree = ast.parse((Path(__file__).resolve().parents[3] / "comics" / "editions" / f"{name}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported = [node.module]
        elif isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        else:
            continue
        for module in imported:
            top = module.partition(".")[0]
            assert top in sys.stdlib_module_names or module.startswith(PURE_IMPORTS), f"{name} imports {module}"


def test_a_page_is_a_bare_baseline_jpeg_at_most_800_wide() -> None:
    source = drawing(1600, 1200)
    source.info["comment"] = b"made on my laptop"
    source.info["exif"] = b"Exif\x00\x00MM"
    page = encode_page(source)
    assert (page.width, page.height) == (EDITION_MAX_WIDTH, 600)
    check_jpeg(page.data, "page")
    with Image.open(io.BytesIO(page.data)) as decoded:
        assert decoded.size == (800, 600) and "progressive" not in decoded.info
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(decoded.info)


def test_the_encoding_is_repeatable() -> None:
    image = drawing(300, 400)
    assert encode_baseline_jpeg(image) == encode_baseline_jpeg(image)
    assert is_baseline(encode_baseline_jpeg(image))
    assert encode_page(image).data == encode_page(image).data


def test_a_page_is_encoded_by_jpegli_with_the_jfif_header_every_decoder_expects() -> None:
    data = encode_page(drawing(400, 300)).data
    assert jpeg_segments(data)[0] == 0xE0 and data[6:11] == b"JFIF\x00"
    assert [marker for marker in jpeg_segments(data) if 0xE1 <= marker <= 0xEF or marker == 0xFE] == []
    assert page_encoder().startswith(f"jpegli-{pyjpegli.__version__}-q{PAGE_QUALITY}")


def test_a_page_has_huffman_tables_made_for_it_and_the_same_pixels_as_jpegli_wrote() -> None:
    require_tool("jpegtran")
    image = drawing(400, 300)
    plain = bytes(pyjpegli.encode(image.tobytes(), image.width, image.height, PAGE_QUALITY))
    page = encode_page(image).data
    assert page_encoder().endswith("-optimize") and len(page) < len(plain)
    assert is_baseline(page)
    with Image.open(io.BytesIO(plain)) as before, Image.open(io.BytesIO(page)) as after:
        assert before.tobytes() == after.tobytes()  # a lossless pass: the same coefficients, the same pixels


def test_the_site_and_the_editions_share_one_encoder() -> None:
    image = drawing(1000, 600)
    assert fit_width(image).tobytes() == resized(image, EDITION_MAX_WIDTH).tobytes()
    assert encode_page(image).data == encode_rendition(resized(image, EDITION_MAX_WIDTH), "jpeg", baseline=True)
    with pytest.raises(ValueError, match="only a JPEG can be baseline"):
        encode_rendition(image, "webp", baseline=True)


def test_comic_info_follows_the_schema_in_order_with_page_sizes() -> None:
    assert list(SCHEMA_ORDER) == [name for name, _ in COMIC_INFO_V2]
    info = ComicInfo("강 <1>", "등불 & co", 3, "ko", "하늘", summary="요약", translator="번역가", pages=(PageInfo(10, 800, 1200), PageInfo(20, 800, 600)))
    root = check_comic_info(comic_info_xml(info))
    assert [child.tag for child in root] == ["Title", "Series", "Number", "Summary", "Writer", "Penciller", "Letterer", "Genre", "PageCount", "LanguageISO", "Format", "Manga", "Pages"]
    assert root.findtext("Title") == "강 <1>" and root.findtext("PageCount") == "2"
    pages = root.findall("Pages/Page")
    assert [page.attrib for page in pages] == [
        {"Image": "0", "ImageSize": "10", "ImageWidth": "800", "ImageHeight": "1200"},
        {"Image": "1", "ImageSize": "20", "ImageWidth": "800", "ImageHeight": "600"},
    ]


def test_the_lxml_schema_check_agrees_when_lxml_is_there() -> None:
    etree = pytest.importorskip("lxml.etree")
    # The sequence of the v2.0 schema's root, rebuilt from the transcription in checks.py.
    simple = {"string": "xs:string", "int": "xs:int"}
    elements = "".join(
        f'<xs:element minOccurs="0" name="{name}" type="{simple.get(kind, "xs:string")}"/>' if kind != "ArrayOfComicPageInfo"
        else f'<xs:element minOccurs="0" name="{name}" type="Pages"/>'
        for name, kind in COMIC_INFO_V2
    )
    schema = etree.XMLSchema(etree.fromstring(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="ComicInfo"><xs:complexType><xs:sequence>'
        f'{elements}</xs:sequence></xs:complexType></xs:element><xs:complexType name="Pages"><xs:sequence>'
        '<xs:element name="Page" minOccurs="0" maxOccurs="unbounded"><xs:complexType>'
        '<xs:attribute name="Image" type="xs:int" use="required"/><xs:attribute name="ImageSize" type="xs:long"/>'
        '<xs:attribute name="ImageWidth" type="xs:int"/><xs:attribute name="ImageHeight" type="xs:int"/>'
        '</xs:complexType></xs:element></xs:sequence></xs:complexType></xs:schema>'
    ))  # fmt: skip
    xml = comic_info_xml(ComicInfo("T", "S", 1, "en", "P", pages=(PageInfo(1, 2, 3),)))
    schema.assertValid(etree.fromstring(xml))


def test_a_zip_is_the_same_whatever_the_order_and_holds_nothing_but_names_and_bytes() -> None:
    entries = [("b.txt", b"words " * 50), ("a/0001.jpg", b"\xff\xd8jpeg"), ("ComicInfo.xml", b"<x/>")]
    first, second = io.BytesIO(), io.BytesIO()
    write_zip(first, entries)
    write_zip(second, list(reversed(entries)))
    assert first.getvalue() == second.getvalue()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["ComicInfo.xml", "a/0001.jpg", "b.txt"]
        for info in archive.infolist():
            assert info.date_time == FIXED_TIME and info.extra == b"" and info.comment == b""
            assert info.external_attr >> 16 == 0o100644
        assert archive.getinfo("a/0001.jpg").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("b.txt").compress_type == zipfile.ZIP_DEFLATED


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a\\b"])
def test_a_zip_refuses_paths_that_leave_it(name: str) -> None:
    with pytest.raises(ValueError, match="relative"):
        write_zip(io.BytesIO(), [(name, b"")])


def test_slides_cut_a_tall_panel_at_quiet_rows_and_pack_short_ones() -> None:
    tall = drawing(640, 3000, bands=6)  # gutters every 500 rows; at the readable width, so not scaled
    pieces = list(screen_pieces([tall]))
    assert all(piece.height <= SLIDE_SIZE[1] for piece in pieces)
    assert sum(piece.height for piece in pieces) == 3000
    # Each cut is in a white gutter, not through the drawing.
    top = 0
    for piece in pieces[:-1]:
        top += piece.height
        assert tall.crop((0, top - 1, 640, top + 1)).getextrema() == ((255, 255), (255, 255), (255, 255))
    short = [drawing(400, 300), drawing(400, 300), drawing(400, 600)]
    assert [len(group) for group in group_pieces(screen_pieces(short))] == [2, 1]
    slide = compose_slide([short[0], short[1]])
    assert slide.size == SLIDE_SIZE and slide.getpixel((0, 0)) == (0, 0, 0)
    for data in render_slides(short):
        check_jpeg(data, "slide")


def test_the_scroll_rests_on_every_panel_and_subtitles_follow_it() -> None:
    plan = plan_scroll([500, 1500, 400], ["One.", "", "Three,\n\nand more."])
    assert [stop.offset for stop in plan.stops] == [0, 500, 1680]
    for stop in plan.stops:
        stay = plan.offsets[stop.first_frame : stop.first_frame + stop.frames]
        assert stay[0] == stop.offset and stay.count(stop.offset) >= 2 * FPS  # arrives, and rests at least 2 s
    assert plan.offsets == tuple(sorted(plan.offsets))  # always down
    srt = srt_text(plan, ["One.", "", "Three,\n\nand more."]).decode()
    cues = srt.split("\r\n\r\n")
    assert len(cues) == 2 and cues[0].startswith("1\r\n00:00:00,000 --> 00:00:02,")
    assert cues[1].split("\r\n")[2:] == ["Three,", "and more.", ""]
    third = plan.stops[2]
    start = third.first_frame * 1000 // FPS
    assert f"00:00:{start // 1000:02d},{start % 1000:03d} --> " in cues[1]


# --- the reader's script: ES5 only ------------------------------------------------------------------

# Syntax newer than ES5 (2009), which an old Firefox or a TV's browser would refuse to parse.
ES2015_SYNTAX = re.compile(r"\b(?:let|const|class|import|export|async|await|yield)\b|=>|`|\.\.\.|\?\.|\?\?|\*\*")


def strip_strings_and_comments(source: str) -> str:
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', source, flags=re.DOTALL)


def test_every_script_is_es5() -> None:
    """No ES2015+ syntax (checked on the code with comments and strings taken out), and node parses it.

    A token check rather than an ES5 parser: the script is one small file, and a parser (acorn) would
    be a Node package CI machines do not have. node --check proves the file parses at all.
    """
    scripts = sorted(TEMPLATES.glob("*.js"))
    assert scripts
    for script in scripts:
        code = strip_strings_and_comments(script.read_text())
        assert not ES2015_SYNTAX.search(code), f"{script.name}: {ES2015_SYNTAX.search(code)}"
        assert "fetch" not in code and "localStorage" not in code and "cookie" not in code
    node = require_tool("node")
    for script in scripts:
        subprocess.run([node, "--check", str(script)], check=True)
