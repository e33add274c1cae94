"""The image pipeline, one test per case: refusals, normalising, leaks, slicing, masters and renditions.

Every input is generated in code by tests/imagegen.py; none of these tests needs the Flask app.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from comics.images import encoding, normalising, opening, pipeline, slicing
from comics.images.encoding import RenditionSpec
from comics.images.opening import ImageLimits, RejectedImage
from tests import imagegen

SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
# What must never appear in any byte we write, whatever the upload carried.
FORBIDDEN = (
    imagegen.CANARY.encode(),
    b"Exif",
    b"http://ns.adobe.com/xap",
    b"ICC_PROFILE",
    b"Photoshop 3.0",
    b"8BIM",
)


def open_bytes(data: bytes) -> Image.Image:
    """Return an encoded image decoded, for looking at what we wrote."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def normalised(data: bytes, filename: str = "upload") -> Image.Image:
    """Return an upload opened and normalised."""
    return normalising.normalise(opening.open_image(data, filename).image)


def every_output(data: bytes, filename: str) -> list[bytes]:
    """Return every byte string the pipeline would store for an upload: masters and renditions."""
    slices, _ = pipeline.prepare_panels(data, filename)
    outputs = []
    for piece in slices:
        outputs.append(encoding.encode_master(piece))
        specs = encoding.rendition_specs(piece.width)
        outputs.extend(rendition.data for rendition in encoding.render_renditions(piece, specs))
    return outputs


def close_to(actual: object, expected: tuple[int, ...], tolerance: int) -> bool:
    """Return whether a pixel is within tolerance of the expected colour in every band."""
    assert isinstance(actual, tuple)
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def refusal(data: bytes, filename: str, limits: ImageLimits = ImageLimits()) -> RejectedImage:
    """Return the RejectedImage opening the bytes raises."""
    with pytest.raises(RejectedImage) as caught:
        opening.open_image(data, filename, limits)
    return caught.value


# --- opening ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["JPEG", "PNG", "WEBP", "GIF", "AVIF"])
def test_each_allowed_format_opens(format: str) -> None:
    data = imagegen.encode(imagegen.quadrant_image(), format)
    opened = opening.open_image(data, f"panel.{format.lower()}")
    assert opened.format == format
    assert opened.image.size == (60, 40)
    assert opened.notes == []


def test_format_is_decided_by_the_bytes_not_the_name() -> None:
    data = imagegen.encode(imagegen.quadrant_image(), "PNG")
    assert opening.open_image(data, "photo.jpg").format == "PNG"


def test_open_reads_a_path_and_a_file_object(tmp_path: Path) -> None:
    data = imagegen.encode(imagegen.quadrant_image(), "PNG")
    path = tmp_path / "panel.png"
    path.write_bytes(data)
    assert opening.open_image(path, "panel.png").image.size == (60, 40)
    assert opening.open_image(io.BytesIO(data), "panel.png").image.size == (60, 40)


def test_refusal_message_names_the_file_and_the_reason() -> None:
    error = RejectedImage("page1.png", "the file is empty")
    assert str(error) == "page1.png: the file is empty"
    assert (error.filename, error.reason) == ("page1.png", "the file is empty")
    assert isinstance(error, ValueError)


def test_empty_file_is_refused() -> None:
    assert refusal(b"", "page1.png").reason == "the file is empty"


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(imagegen.encode(imagegen.quadrant_image(), "PNG"))
    with pytest.raises(RejectedImage, match=r"limit is 0\.0 MB"):
        opening.open_image(path, "huge.png", ImageLimits(max_bytes=10))


def test_oversized_bytes_are_refused() -> None:
    data = imagegen.encode(imagegen.quadrant_image(), "PNG")
    assert "limit" in refusal(data, "huge.png", ImageLimits(max_bytes=len(data) - 1)).reason


def test_svg_renamed_png_is_refused_naming_svg() -> None:
    error = refusal(imagegen.svg_document(), "page1.png")
    assert str(error).startswith("page1.png: this looks like an SVG drawing")
    assert "upload PNG, JPEG, WebP, GIF or AVIF" in error.reason


def test_tiff_renamed_jpg_is_refused_naming_tiff() -> None:
    data = imagegen.encode(imagegen.quadrant_image(), "TIFF")
    assert "TIFF" in refusal(data, "scan.jpg").reason


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (imagegen.encode(imagegen.quadrant_image(), "BMP"), "BMP"),
        (imagegen.encode(imagegen.quadrant_image(), "ICO"), "ICO"),
        (imagegen.encode(imagegen.quadrant_image(), "PDF"), "PDF"),
        (imagegen.encode(imagegen.quadrant_image(), "EPS"), "EPS"),
        (b"8BPS\x00\x01" + bytes(20), "PSD"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b"just some text, not an image", "not an image"),
    ],
    ids=["bmp", "ico", "pdf", "eps", "psd", "heic", "text"],
)
def test_other_formats_are_refused_by_name(data: bytes, named: str) -> None:
    assert named in refusal(data, "page.png").reason


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to decode pixels fail the test loudly."""

    def load(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_png_claiming_10000_square_is_refused_before_decoding(no_decoding: None) -> None:
    # 100 M pixels passes Pillow's error threshold but trips its warning, which we treat as a refusal.
    assert "pixels" in refusal(imagegen.forged_png(10_000, 10_000), "bomb.png").reason


def test_png_claiming_20000_square_is_refused_before_decoding(no_decoding: None) -> None:
    assert "pixels" in refusal(imagegen.forged_png(20_000, 20_000), "bomb.png").reason


def test_pixel_limit_is_checked_from_the_header(no_decoding: None) -> None:
    # 49 M pixels is under Pillow's own bomb threshold, so only our limit stands in the way.
    assert refusal(imagegen.forged_png(7_000, 7_000), "big.png").reason == (
        "it has 7000 × 7000 = 49 million pixels; the limit is 40 million"
    )


def test_width_limit_is_checked_from_the_header(no_decoding: None) -> None:
    assert "9000 pixels wide" in refusal(imagegen.forged_png(9_000, 100), "wide.png").reason


def test_height_limit_is_checked_from_the_header(no_decoding: None) -> None:
    assert "61000 pixels tall" in refusal(imagegen.forged_png(100, 61_000), "tall.png").reason


def test_an_800_by_30000_strip_is_within_the_limits() -> None:
    header = Image.open(io.BytesIO(imagegen.forged_png(800, 30_000)))
    assert opening.check_header(header, "strip.png", ImageLimits()) == 1


def test_too_many_frames_are_refused() -> None:
    error = refusal(imagegen.animated_gif(), "anim.gif", ImageLimits(max_frames=2))
    assert error.reason == "it has 3 frames; the limit is 2"


def test_truncated_jpeg_is_refused() -> None:
    data = imagegen.encode(imagegen.comic_page(320, 240, supersample=1), "JPEG")
    assert "damaged or incomplete" in refusal(data[: len(data) // 2], "cut.jpg").reason


def test_loading_truncated_images_must_stay_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        opening.open_image(imagegen.encode(imagegen.quadrant_image(), "PNG"), "panel.png")


def test_animated_gif_uses_the_first_frame_and_says_so() -> None:
    opened = opening.open_image(imagegen.animated_gif(), "wave.gif")
    assert normalising.normalise(opened.image).getpixel((5, 5)) == (255, 0, 0)
    assert opened.notes == ["animated GIF: only the first frame is used"]


def test_animated_webp_uses_the_first_frame_and_says_so() -> None:
    opened = opening.open_image(imagegen.animated_webp(), "wave.webp")
    assert normalising.normalise(opened.image).getpixel((5, 5)) == (255, 0, 0)
    assert opened.notes == ["animated WebP: only the first frame is used"]


def test_large_jpeg_is_decoded_at_a_reduced_scale_still_wide_enough() -> None:
    data = imagegen.encode(Image.new("RGB", (3400, 200), (10, 120, 200)), "JPEG")
    assert opening.open_image(data, "scan.jpg", draft_width=1600).image.size == (1700, 100)


def test_rotated_jpeg_is_drafted_by_its_upright_width() -> None:
    # Stored 200 wide and 3400 tall, shown 3400 wide: the draft must keep the upright width >= 1600.
    data = imagegen.encode(Image.new("RGB", (200, 3400), (10, 120, 200)), "JPEG", exif=imagegen.orientation_exif(6))
    opened = opening.open_image(data, "scan.jpg", draft_width=1600)
    assert normalising.normalise(opened.image).size == (1700, 100)


# --- normalising -----------------------------------------------------------------------------------


def test_exif_orientation_6_rotates_the_pixels() -> None:
    data = imagegen.encode(imagegen.quadrant_image((60, 40)), "JPEG", quality=95, exif=imagegen.orientation_exif(6))
    image = normalised(data)
    assert image.size == (40, 60)
    # Orientation 6 is "rotate 90° clockwise to view": the red top-left corner ends up top-right.
    assert close_to(image.getpixel((35, 5)), (255, 0, 0), 12)
    assert close_to(image.getpixel((5, 5)), (255, 255, 255), 12)


def test_adobe_rgb_profile_is_converted_to_srgb() -> None:
    colours = [(200, 100, 50), (30, 160, 90)]
    image = Image.new("RGB", (2, 1))
    for x, colour in enumerate(colours):
        image.putpixel((x, 0), colour)
    data = imagegen.encode(image, "PNG", icc_profile=imagegen.adobe_rgb_profile())
    result = normalised(data)
    for x, colour in enumerate(colours):
        expected = imagegen.adobe_rgb_to_srgb(colour)
        assert expected != colour
        assert close_to(result.getpixel((x, 0)), expected, 2)


def test_srgb_tagged_image_keeps_its_colours() -> None:
    data = imagegen.encode(Image.new("RGB", (4, 4), (200, 100, 50)), "PNG", icc_profile=SRGB_ICC)
    assert close_to(normalised(data).getpixel((1, 1)), (200, 100, 50), 1)


def test_unreadable_icc_profile_is_ignored() -> None:
    data = imagegen.encode(Image.new("RGB", (4, 4), (200, 100, 50)), "PNG", icc_profile=b"not a profile")
    assert normalised(data).getpixel((1, 1)) == (200, 100, 50)


def test_cmyk_jpeg_without_a_profile_becomes_rgb() -> None:
    data = imagegen.encode(Image.new("CMYK", (16, 16), (255, 0, 0, 0)), "JPEG", quality=95)
    image = normalised(data, "print.jpg")
    assert image.mode == "RGB"
    assert close_to(image.getpixel((8, 8)), (0, 255, 255), 8)


def test_cmyk_jpeg_with_a_profile_is_converted_through_the_profile() -> None:
    # The hand-made profile prints pure cyan as magenta-pink: only a real ICC conversion gets that.
    data = imagegen.encode(
        Image.new("CMYK", (16, 16), (255, 0, 0, 0)), "JPEG", quality=95, icc_profile=imagegen.cmyk_profile()
    )
    assert close_to(normalised(data, "print.jpg").getpixel((8, 8)), (236, 0, 140), 8)


def test_16_bit_png_is_scaled_to_8_bit() -> None:
    image = Image.new("I;16", (4, 1))
    for x, value in enumerate((0, 64 * 257, 32896, 65535)):
        image.putpixel((x, 0), value)
    result = normalised(imagegen.encode(image, "PNG"))
    assert [result.getpixel((x, 0)) for x in range(4)] == [(0, 0, 0), (64, 64, 64), (128, 128, 128), (255, 255, 255)]


def test_palette_png_transparency_is_flattened_on_white() -> None:
    image = Image.new("P", (4, 1))
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.putpixel((2, 0), 1)
    image.putpixel((3, 0), 1)
    result = normalised(imagegen.encode(image, "PNG", transparency=0))
    assert result.mode == "RGB"
    assert [result.getpixel((x, 0)) for x in range(4)] == [(255, 255, 255)] * 2 + [(0, 0, 255)] * 2


def test_grey_with_alpha_is_flattened_on_white() -> None:
    image = Image.new("LA", (3, 1))
    for x, pixel in enumerate(((100, 0), (100, 255), (0, 128))):
        image.putpixel((x, 0), pixel)
    result = normalised(imagegen.encode(image, "PNG"))
    assert result.getpixel((0, 0)) == (255, 255, 255)
    assert result.getpixel((1, 0)) == (100, 100, 100)
    assert close_to(result.getpixel((2, 0)), (127, 127, 127), 1)


def test_rgba_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (0, 0, 255, 255))
    result = normalised(imagegen.encode(image, "PNG"))
    assert [result.getpixel((x, 0)) for x in range(2)] == [(255, 255, 255), (0, 0, 255)]


def test_transparent_adobe_rgb_is_flattened_and_converted() -> None:
    image = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (200, 100, 50, 255))
    result = normalised(imagegen.encode(image, "PNG", icc_profile=imagegen.adobe_rgb_profile()))
    assert close_to(result.getpixel((0, 0)), (255, 255, 255), 1)
    assert close_to(result.getpixel((1, 0)), imagegen.adobe_rgb_to_srgb((200, 100, 50)), 2)


def test_normalised_image_carries_no_metadata() -> None:
    image = normalised(imagegen.revealing_jpeg())
    assert image.mode == "RGB"
    assert image.info == {}
    assert len(image.getexif()) == 0


# --- nothing leaks ---------------------------------------------------------------------------------


def test_no_output_byte_carries_the_uploads_metadata() -> None:
    upload = imagegen.revealing_jpeg()
    # The upload really carries every leak: GPS, serial, XMP, IPTC, a comment, ICC and a thumbnail.
    assert all(marker in upload for marker in FORBIDDEN)
    assert upload.count(b"\xff\xd8") >= 2  # its own SOI plus the embedded EXIF thumbnail's
    outputs = every_output(upload, "revealing.jpg")
    assert len(outputs) == 4  # one master, three renditions of a 320 px image
    for data in outputs:
        for marker in FORBIDDEN:
            assert marker not in data
        decoded = open_bytes(data)
        assert len(decoded.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(decoded.info)


def test_png_text_exif_and_icc_chunks_do_not_survive() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", f"{imagegen.CANARY} real name")
    text.add_itxt("Comment", f"{imagegen.CANARY} location", lang="ko")
    thumbnail = imagegen.encode(Image.new("RGB", (8, 8)), "JPEG")
    upload = imagegen.encode(
        imagegen.quadrant_image((200, 120)),
        "PNG",
        pnginfo=text,
        exif=imagegen.revealing_exif(thumbnail),
        icc_profile=SRGB_ICC,
    )
    assert imagegen.CANARY.encode() in upload
    for data in every_output(upload, "panel.png"):
        for marker in (imagegen.CANARY.encode(), b"tEXt", b"iTXt", b"eXIf", b"iCCP", b"Exif"):
            assert marker not in data


def test_trailing_bytes_after_a_jpeg_are_gone_from_every_output() -> None:
    upload = imagegen.with_trailing_html(imagegen.encode(imagegen.quadrant_image((200, 120)), "JPEG"))
    for data in every_output(upload, "panel.jpg"):
        assert b"<html" not in data
        assert b"<script" not in data
        assert imagegen.CANARY.encode() not in data


# --- slicing ---------------------------------------------------------------------------------------


def test_tall_strip_is_cut_at_gutters_into_short_slices() -> None:
    strip, gutters = imagegen.comic_strip(800, 20_000)
    slices = slicing.slice_strip(strip, slice_height=1280, search_window=256)
    assert sum(piece.height for piece in slices) == 20_000
    assert all(piece.width == 800 and piece.height <= 1280 for piece in slices)
    top, cuts_in_gutters = 0, 0
    for piece in slices[:-1]:
        cut, limit = top + piece.height, top + 1280
        if 20_000 - limit < 1280 // 5:  # the balanced last cut, tested on its own below
            break
        # A seam is quiet when both rows around it are gutter: top + 1 <= cut <= bottom - 1.
        seams = [min(limit, bottom - 1) for start, bottom in gutters if start + 1 <= min(limit, bottom - 1)]
        in_window = [seam for seam in seams if seam >= limit - 256]
        assert cut == (max(in_window) if in_window else limit)
        cuts_in_gutters += bool(in_window)
        top = cut
    assert cuts_in_gutters >= 3


def test_strip_without_quiet_rows_is_cut_at_the_limit() -> None:
    slices = slicing.slice_strip(imagegen.noisy_strip(400, 3000))
    assert [piece.height for piece in slices] == [1280, 1280, 440]


def test_a_strip_just_over_the_limit_is_split_near_its_middle_not_into_a_sliver() -> None:
    # A full 1280 px slice would leave 10 px; the rest is split in two near the middle instead.
    assert [piece.height for piece in slicing.slice_strip(Image.new("RGB", (800, 1290), "white"))] == [645, 645]
    # With no quiet row the cut is hard, in the middle.
    assert [piece.height for piece in slicing.slice_strip(imagegen.noisy_strip(400, 1300))] == [650, 650]
    assert [piece.height for piece in slicing.slice_strip(imagegen.noisy_strip(400, 1301))] == [651, 650]


def test_the_balanced_cut_still_prefers_a_quiet_row() -> None:
    strip = imagegen.noisy_strip(400, 1300)
    strip.paste((255, 255, 255), (0, 600, 400, 640))  # a gutter a little above the middle
    heights = [piece.height for piece in slicing.slice_strip(strip)]
    assert heights == [639, 661]


@pytest.mark.parametrize(("size", "refused"), [((800, 2400), False), ((2400, 800), False), ((800, 2401), True), ((2401, 800), True), ((1, 4), True)])
def test_single_pictures_are_held_to_a_shape(size: tuple[int, int], refused: bool) -> None:
    image = Image.new("RGB", size, "white")
    if not refused:
        opening.check_proportions(image, "cover.png", "a cover", 3)
        return
    with pytest.raises(opening.RejectedImage, match=rf"^cover\.png: a cover can be at most 3 times .* this one is {size[0]} × {size[1]} pixels"):
        opening.check_proportions(image, "cover.png", "a cover", 3)


def test_short_image_is_not_sliced() -> None:
    image = Image.new("RGB", (800, 1280), "white")
    assert slicing.slice_strip(image) == [image]


def test_several_files_sort_in_natural_order() -> None:
    names = ["10.png", "2.png", "page 1.png", "1.png", "Page 10.png", "page 9.png"]
    assert sorted(names, key=pipeline.natural_key) == [
        "1.png",
        "2.png",
        "10.png",
        "page 1.png",
        "page 9.png",
        "Page 10.png",
    ]


def test_natural_order_is_the_same_for_decomposed_korean_names() -> None:
    # macOS sends Hangul decomposed (NFD); the order must not depend on that.
    names = [unicodedata.normalize("NFD", "화10.png"), "화2.png", unicodedata.normalize("NFD", "화1.png")]
    ordered = [unicodedata.normalize("NFC", name) for name in sorted(names, key=pipeline.natural_key)]
    assert ordered == ["화1.png", "화2.png", "화10.png"]


# --- masters and renditions ------------------------------------------------------------------------


def test_master_is_narrowed_to_the_maximum_width() -> None:
    assert encoding.make_master(Image.new("RGB", (2000, 100)), 1600).size == (1600, 80)


def test_master_is_never_upscaled() -> None:
    assert encoding.make_master(Image.new("RGB", (700, 100)), 1600).size == (700, 100)


def test_master_bytes_are_lossless_and_match_the_extension() -> None:
    page = imagegen.comic_page(300, 200, supersample=1)
    decoded = open_bytes(encoding.encode_master(page))
    assert (decoded.format or "").lower() == encoding.MASTER_EXTENSION
    assert decoded.convert("RGB").tobytes() == page.tobytes()


def test_rendition_widths_never_exceed_the_master() -> None:
    specs = encoding.rendition_specs(1000)
    assert sorted({spec.width for spec in specs}) == [480, 800]
    assert {spec.format for spec in specs} == {"avif", "webp", "jpeg"}
    assert len(specs) == 6


def test_master_narrower_than_every_width_gets_its_own_width() -> None:
    assert encoding.rendition_specs(300, formats=("webp",)) == [RenditionSpec(300, "webp")]


def test_unknown_rendition_format_is_refused() -> None:
    with pytest.raises(ValueError):
        RenditionSpec(480, "gif")


def test_renditions_have_the_named_sizes_and_formats() -> None:
    master = imagegen.comic_page(500, 300, supersample=1)
    specs = encoding.rendition_specs(master.width, widths=(160, 320))
    renditions = encoding.render_renditions(master, specs)
    assert [(r.width, r.format) for r in renditions] == [(s.width, s.format) for s in specs]
    for rendition in renditions:
        decoded = open_bytes(rendition.data)
        assert (
            decoded.size == (rendition.width, rendition.height) == (rendition.width, round(300 * rendition.width / 500))
        )
        assert Image.MIME[decoded.format or ""] == rendition.media_type
    assert {(r.format, r.media_type, r.extension) for r in renditions} == {
        ("avif", "image/avif", "avif"),
        ("webp", "image/webp", "webp"),
        ("jpeg", "image/jpeg", "jpg"),
    }


def test_each_rendition_width_is_resized_once_straight_from_the_master(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[int, int], tuple[int, int]]] = []
    resize = Image.Image.resize

    def counting_resize(self: Image.Image, size: tuple[int, int], *args: Any, **kwargs: Any) -> Image.Image:
        calls.append((self.size, size))
        return resize(self, size, *args, **kwargs)

    master = imagegen.comic_page(500, 300, supersample=1)
    monkeypatch.setattr(Image.Image, "resize", counting_resize)
    encoding.render_renditions(master, encoding.rendition_specs(500, widths=(120, 240, 360)))
    assert sorted(calls, reverse=True) == [((500, 300), (360, 216)), ((500, 300), (240, 144)), ((500, 300), (120, 72))]


def test_renditions_are_what_a_naive_resize_and_encode_would_give() -> None:
    master = imagegen.comic_page(500, 300, supersample=1)
    specs = encoding.rendition_specs(500, widths=(160, 320), formats=("webp", "jpeg"))
    for rendition in encoding.render_renditions(master, specs):
        direct = master.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
        assert rendition.data == encoding.encode_rendition(direct, rendition.format)


def test_threads_do_not_change_a_single_byte() -> None:
    master = imagegen.comic_page(640, 400, supersample=1)
    specs = encoding.rendition_specs(640, widths=(160, 320, 480))
    alone = encoding.render_renditions(master, specs, threads=1)
    for _ in range(2):
        together = encoding.render_renditions(master, specs, threads=3)
        assert [r.data for r in together] == [r.data for r in alone]


def test_the_master_encoded_beside_the_renditions_is_the_same_master() -> None:
    master = Image.open(io.BytesIO(imagegen.encode(imagegen.comic_page(640, 400, supersample=1), "PNG")))  # lazy
    specs = encoding.rendition_specs(640, widths=(160, 320))
    expected = encoding.encode_master(master), [r.data for r in encoding.render_renditions(master, specs, threads=1)]
    for threads in (1, 2, 3):
        png, renditions = encoding.encode_master_and_renditions(master, specs, threads=threads)
        assert (png, [r.data for r in renditions]) == expected


def test_a_failed_master_encode_fails_the_set(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_png(image: Image.Image) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(encoding, "encode_master", failing_png)
    master = imagegen.comic_page(400, 240, supersample=1)
    for threads in (1, 2):
        with pytest.raises(OSError, match="disk full"):
            encoding.encode_master_and_renditions(master, encoding.rendition_specs(400, widths=(100,)), threads=threads)


def test_encoding_never_saves_the_callers_image() -> None:
    # Image.save keeps its options on the image: two threads saving one image at once would swap them.
    image = imagegen.comic_page(320, 200, supersample=1)
    for format in encoding.FORMATS:
        encoding.encode_rendition(image, format)
    assert not hasattr(image, "encoderinfo")


def test_a_lazily_decoded_master_is_loaded_once_before_the_threads_share_it() -> None:
    master = Image.open(io.BytesIO(imagegen.encode(imagegen.comic_page(400, 240, supersample=1), "PNG")))
    renditions = encoding.render_renditions(master, encoding.rendition_specs(400, widths=(100, 200)), threads=4)
    assert [open_bytes(r.data).size for r in renditions] == [(100, 60)] * 3 + [(200, 120)] * 3


def test_a_failed_encode_fails_the_whole_set(monkeypatch: pytest.MonkeyPatch) -> None:
    encode = encoding.encode_rendition

    def failing_webp(image: Image.Image, format: str, *, threads: int | None = None) -> bytes:
        if format == "webp":
            raise OSError("encoder ran out of memory")
        return encode(image, format, threads=threads)

    monkeypatch.setattr(encoding, "encode_rendition", failing_webp)
    master = imagegen.comic_page(400, 240, supersample=1)
    for threads in (1, 2):
        with pytest.raises(OSError, match="out of memory"):
            encoding.render_renditions(master, encoding.rendition_specs(400, widths=(100, 200)), threads=threads)


def test_renditions_are_never_upscaled() -> None:
    with pytest.raises(ValueError, match="upscale"):
        encoding.render_renditions(Image.new("RGB", (300, 200)), [RenditionSpec(480, "jpeg")])


def test_prepare_panels_narrows_and_slices_a_wide_strip() -> None:
    strip, _ = imagegen.comic_strip(1000, 3000)
    slices, notes = pipeline.prepare_panels(imagegen.encode(strip, "PNG"), "strip.png", master_width=800)
    assert notes == []
    assert all(piece.width == 800 and piece.height <= 1280 for piece in slices)
    assert sum(piece.height for piece in slices) == 2400


def test_imaging_and_storage_do_not_import_flask() -> None:
    pure = (
        "comics.images.opening", "comics.images.normalising", "comics.images.slicing", "comics.images.encoding",
        "comics.images.pipeline", "comics.images.storage", "comics.images.uploaded_archives", "comics.discovery.card_drawing",
        "comics.images.disclosure", "comics.images.reading", "comics.images.looking", "comics.images.setup",
    )
    code = f"import sys, {', '.join(pure)}; sys.exit('flask' in sys.modules or 'sqlalchemy' in sys.modules)"
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


WEB_FRAMEWORKS = ("flask", "werkzeug", "flask_babel", "flask_login", "flask_wtf")


def test_no_module_of_comics_images_imports_flask() -> None:
    """comics/images/ holds pixels, storage, models, the queue and jobs; its web face is comics.site_images.

    Read from the source, since comics.images.models needs the database's extension (which Flask-SQLAlchemy
    brings) and so cannot be imported without Flask; the import-linter contract checks the same.
    """
    package = Path(__file__).resolve().parents[3] / "comics" / "images"
    found = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [f"{path.name} imports {name}" for name in names if name.split(".")[0] in WEB_FRAMEWORKS]
    assert found == []
