"""Build test images in memory: comic-like art, hostile uploads and hand-made ICC profiles.

Nothing here is a binary fixture; every byte is generated, so a reader can see exactly what each test
feeds the pipeline. The benchmark (bench/bench_renditions.py) uses the same comic-like art.
"""

from __future__ import annotations

import io
import math
import random
import struct
import zlib
from collections.abc import Sequence

from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageFont, ImageOps

CANARY = "CANARY-7f3a"
XMP_NAMESPACE = "http://ns.adobe.com/xap/1.0/"

WHITE = (255, 255, 255)
INK = (20, 18, 24)


# --- comic-like art --------------------------------------------------------------------------------


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    """Return a vertical two-colour gradient, like a painted sky."""
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return ImageOps.colorize(ramp, black=top, white=bottom)


def _screentone(size: tuple[int, int], spacing: int, radius: int) -> Image.Image:
    """Return a grey halftone dot pattern on white, the manga 'screentone'."""
    tone = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(tone)
    for row, y in enumerate(range(0, size[1] + spacing, spacing)):
        offset = spacing // 2 if row % 2 else 0
        for x in range(-offset, size[0] + spacing, spacing):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(90, 90, 96))
    return tone


def _noise(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Return uniform grey noise, reproducible from the generator (Pillow's effect_noise is not)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _painted(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Return a soft, painterly background: low-frequency colour clouds, as digital painters brush them."""
    width, height = size
    clouds = _noise((max(2, width // 120), max(2, height // 120)), rng).resize(size, Image.Resampling.BICUBIC)
    clouds = clouds.filter(ImageFilter.GaussianBlur(max(2, width // 200)))
    dark = (rng.randrange(20, 90), rng.randrange(40, 110), rng.randrange(60, 140))
    light = (rng.randrange(180, 250), rng.randrange(170, 240), rng.randrange(150, 230))
    return ImageOps.colorize(clouds, black=dark, white=light)


def panel_art(size: tuple[int, int], seed: int, supersample: int = 2) -> Image.Image:
    """Return one panel: background, shaded figures in ink, hatching, a lettered balloon and a border.

    Drawn at supersample times the size and scaled down, so edges are anti-aliased like real digital art.
    """
    rng = random.Random(seed)
    scale = supersample
    width, height = size[0] * scale, size[1] * scale
    kind = rng.choice(("sky", "flat", "tone", "painted"))
    if kind == "sky":
        top_colour = (rng.randrange(30, 120), rng.randrange(80, 160), rng.randrange(170, 250))
        canvas = _gradient((width, height), top_colour, (250, 228, 200))
    elif kind == "tone":
        canvas = _screentone((width, height), spacing=8 * scale, radius=2 * scale)
    elif kind == "painted":
        canvas = _painted((width, height), rng)
    else:
        canvas = Image.new(
            "RGB", (width, height), (rng.randrange(150, 255), rng.randrange(150, 255), rng.randrange(150, 255))
        )
    draw = ImageDraw.Draw(canvas)
    # Figures: flat fills with a soft cel shadow and a heavy ink outline, as a colourist lays them.
    for _ in range(rng.randrange(2, 5)):
        cx, cy = rng.randrange(width // 5, 4 * width // 5), rng.randrange(height // 4, 4 * height // 5)
        radius = rng.randrange(max(8, min(width, height) // 10), max(9, min(width, height) // 4))
        fill = (rng.randrange(40, 250), rng.randrange(40, 250), rng.randrange(40, 250))
        if rng.random() < 0.5:
            shape = [(cx - radius, cy - radius), (cx + radius, cy + radius)]
            draw.ellipse(shape, fill=fill)
            # A soft shadow on the lower right: the disc minus itself shifted, blurred, darkened.
            disc = Image.new("L", (2 * radius + 1, 2 * radius + 1))
            ImageDraw.Draw(disc).ellipse((0, 0, 2 * radius, 2 * radius), fill=110)
            lit = Image.new("L", disc.size)
            lit.paste(disc, (-radius // 3, -radius // 3))
            shade = ImageChops.subtract(disc, lit).filter(ImageFilter.GaussianBlur(2 * scale))
            canvas.paste((0, 0, 0), (cx - radius, cy - radius), mask=shade)
            draw.ellipse(shape, outline=INK, width=4 * scale)
        else:
            points = [
                (cx + radius * math.cos(a) * rng.uniform(0.6, 1.0), cy + radius * math.sin(a) * rng.uniform(0.6, 1.0))
                for a in (i * 2 * math.pi / 7 for i in range(7))
            ]
            draw.polygon(points, fill=fill, outline=INK, width=3 * scale)
    # Hatching: thin diagonal ink lines, the hardest thing for a lossy encoder to keep crisp.
    hatch_left = rng.randrange(0, max(1, width // 2))
    for i in range(0, width // 3, 7 * scale):
        x = hatch_left + i
        draw.line((x, height - height // 3, x + height // 6, height - 4), fill=INK, width=scale)
    # A speech balloon with lettering.
    bw, bh = min(width - 20 * scale, 360 * scale), min(height // 3, 130 * scale)
    bx, by = rng.randrange(10 * scale, max(10 * scale + 1, width - bw - 10 * scale)), 14 * scale
    draw.ellipse((bx, by, bx + bw, by + bh), fill=WHITE, outline=INK, width=3 * scale)
    font = ImageFont.load_default(size=max(12, bh // 5))
    words = rng.choice(("WHERE ARE WE GOING?", "Quiet... they can hear us.", "I remember the river."))
    draw.text((bx + bw // 2, by + bh // 2), words, fill=INK, font=font, anchor="mm")
    draw.rectangle((0, 0, width - 1, height - 1), outline=INK, width=4 * scale)
    if scale > 1:
        canvas = canvas.resize(size, Image.Resampling.LANCZOS)
    return canvas


def comic_page(
    width: int = 1600, height: int = 1280, seed: int = 1, gutter: int = 40, supersample: int = 2
) -> Image.Image:
    """Return an RGB comic page: bordered panels in a grid on white paper with gutters between them."""
    rng = random.Random(seed)
    canvas = Image.new("RGB", (width, height), WHITE)
    rows = max(1, height // 620)
    row_height = (height - gutter * (rows + 1)) // rows
    for row in range(rows):
        top = gutter + row * (row_height + gutter)
        split = rng.choice((None, 0.4, 0.6))
        columns = [(gutter, width - gutter)]
        if split:
            middle = int(width * split)
            columns = [(gutter, middle - gutter // 2), (middle + gutter // 2, width - gutter)]
        for left, right in columns:
            canvas.paste(panel_art((right - left, row_height), rng.randrange(1 << 30), supersample), (left, top))
    return canvas


def scanned(image: Image.Image, strength: float = 0.06, seed: int = 1) -> Image.Image:
    """Return the image with paper grain, as a scanner adds to inked pages."""
    grain = _noise(image.size, random.Random(seed)).convert("RGB")
    return Image.blend(image, grain, strength)


def comic_strip(
    width: int = 800, height: int = 20_000, gutter: int = 120, seed: int = 3, supersample: int = 1
) -> tuple[Image.Image, list[tuple[int, int]]]:
    """Return a tall webtoon strip and the (top, bottom) rows of its white gutters, bottom exclusive."""
    rng = random.Random(seed)
    strip = Image.new("RGB", (width, height), WHITE)
    gutters: list[tuple[int, int]] = []
    y = 0
    while y < height:
        # Panel heights vary, as they do in a real strip, so gutters do not fall on a fixed grid.
        bottom = min(height, y + rng.randrange(700, 1150))
        if bottom - y > 60:
            strip.paste(panel_art((width - 40, bottom - y), rng.randrange(1 << 30), supersample), (20, y))
        gap_bottom = min(height, bottom + gutter)
        if bottom < height:
            gutters.append((bottom, gap_bottom))
        y = gap_bottom
    return strip, gutters


def noisy_strip(width: int = 400, height: int = 3000, seed: int = 5) -> Image.Image:
    """Return a strip with no quiet row anywhere: every row is coloured noise."""
    rng = random.Random(seed)
    return Image.merge("RGB", [_noise((width, height), rng) for _ in range(3)])


# --- encoded uploads -------------------------------------------------------------------------------


def encode(image: Image.Image, format: str, **params: object) -> bytes:
    """Return the image encoded in the given format."""
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def orientation_exif(orientation: int) -> bytes:
    """Return EXIF bytes holding only an orientation tag."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def quadrant_image(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Return a white image whose top-left quadrant is red, to see where a rotation put it."""
    image = Image.new("RGB", size, WHITE)
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    return image


def _tiff_entry(tag: int, kind: int, count: int, value: bytes) -> tuple[int, int, int, bytes]:
    return tag, kind, count, value


def _ascii(tag: int, text: str) -> tuple[int, int, int, bytes]:
    data = text.encode("ascii") + b"\0"
    return _tiff_entry(tag, 2, len(data), data)


def _rationals(tag: int, values: Sequence[tuple[int, int]]) -> tuple[int, int, int, bytes]:
    return _tiff_entry(tag, 5, len(values), b"".join(struct.pack("<II", n, d) for n, d in values))


def _pack_ifd(entries: list[tuple[int, int, int, bytes]], start: int, next_ifd: int) -> bytes:
    """Pack one little-endian IFD placed at offset start, with its out-of-line values after it."""
    entries = sorted(entries)
    table_size = 2 + 12 * len(entries) + 4
    extra = b""
    table = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
        else:
            table += struct.pack("<HHII", tag, kind, count, start + table_size + len(extra))
            extra += value + (b"\0" if len(value) % 2 else b"")
    return table + struct.pack("<I", next_ifd) + extra


def revealing_exif(thumbnail: bytes) -> bytes:
    """Return EXIF (TIFF) bytes with camera, serial number, GPS and an embedded JPEG thumbnail.

    Every text field carries CANARY, and so does the thumbnail, so a leak of any part is visible.
    """

    def pointer(tag: int, offset: int) -> tuple[int, int, int, bytes]:
        return _tiff_entry(tag, 4, 1, struct.pack("<I", offset))

    camera = [_ascii(0x010F, f"Make {CANARY}"), _ascii(0x0110, f"Model {CANARY}"), _ascii(0x013B, CANARY)]
    exif_ifd = [_ascii(0xA431, f"SN-{CANARY}"), _ascii(0xA435, f"LENS-{CANARY}")]
    gps_ifd = [
        _tiff_entry(0x0000, 1, 4, bytes((2, 3, 0, 0))),
        _ascii(0x0001, "N"),
        _rationals(0x0002, [(39, 1), (1, 1), (3000, 100)]),
        _ascii(0x0003, "E"),
        _rationals(0x0004, [(125, 1), (45, 1), (1000, 100)]),
        _ascii(0x0012, f"WGS-84 {CANARY}"),
    ]
    # Offsets are fixed by layout: header, IFD0, Exif IFD, GPS IFD, IFD1, thumbnail.
    ifd0_start = 8
    sizes_known = False
    exif_start = gps_start = ifd1_start = thumb_start = 0
    while True:
        ifd0 = _pack_ifd([*camera, pointer(0x8769, exif_start), pointer(0x8825, gps_start)], ifd0_start, ifd1_start)
        exif_block = _pack_ifd(exif_ifd, exif_start, 0)
        gps_block = _pack_ifd(gps_ifd, gps_start, 0)
        ifd1 = _pack_ifd(
            [
                _tiff_entry(0x0103, 3, 1, struct.pack("<H", 6)),
                pointer(0x0201, thumb_start),
                pointer(0x0202, len(thumbnail)),
            ],
            ifd1_start,
            0,
        )
        layout = (
            ifd0_start + len(ifd0),
            ifd0_start + len(ifd0) + len(exif_block),
            ifd0_start + len(ifd0) + len(exif_block) + len(gps_block),
            ifd0_start + len(ifd0) + len(exif_block) + len(gps_block) + len(ifd1),
        )
        if sizes_known and layout == (exif_start, gps_start, ifd1_start, thumb_start):
            break
        exif_start, gps_start, ifd1_start, thumb_start = layout
        sizes_known = True
    return b"II*\0" + struct.pack("<I", ifd0_start) + ifd0 + exif_block + gps_block + ifd1 + thumbnail


def xmp_packet() -> bytes:
    """Return an XMP packet naming an author and a location, both carrying CANARY."""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:xmp="{XMP_NAMESPACE}" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmp:CreatorTool="{CANARY}-tool"><dc:creator><rdf:Seq><rdf:li>{CANARY} real name</rdf:li>'
        "</rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def iptc_segment() -> bytes:
    """Return a JPEG APP13 (Photoshop IRB) segment with an IPTC by-line carrying CANARY."""
    byline = f"{CANARY} by-line".encode()
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\0" + resource + (b"\0" if len(iptc) % 2 else b"")
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def revealing_jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    """Return a JPEG carrying every leak we know of: EXIF+GPS+serial+thumbnail, XMP, IPTC, COM, ICC."""
    thumbnail = encode(Image.new("RGB", (16, 12), (200, 10, 10)), "JPEG", comment=f"thumb {CANARY}")
    jpeg = encode(
        comic_page(*size, seed=7, gutter=10),
        "JPEG",
        quality=90,
        exif=b"Exif\0\0" + revealing_exif(thumbnail),
        xmp=xmp_packet(),
        comment=f"shot by {CANARY}",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    # Insert the IPTC segment right after SOI; decoders skip APPn segments they do not use.
    return jpeg[:2] + iptc_segment() + jpeg[2:]


def with_trailing_html(data: bytes) -> bytes:
    """Return the bytes with an HTML page appended after the image, a classic polyglot."""
    return data + f"<html><script>alert('{CANARY}')</script></html>".encode()


def svg_document() -> bytes:
    """Return a small SVG drawing (which an artist might rename to .png)."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )


def forged_png(width: int, height: int) -> bytes:
    """Return a tiny PNG whose IHDR claims the given size (valid CRC) over a few bytes of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def animated_gif(colours: Sequence[tuple[int, int, int]] = ((255, 0, 0), (0, 255, 0), (0, 0, 255))) -> bytes:
    """Return an animated GIF with one flat-coloured frame per colour."""
    frames = [Image.new("RGB", (32, 24), colour) for colour in colours]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def animated_webp(colours: Sequence[tuple[int, int, int]] = ((255, 0, 0), (0, 0, 255))) -> bytes:
    """Return an animated WebP with one flat-coloured frame per colour."""
    frames = [Image.new("RGB", (32, 24), colour) for colour in colours]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True)


# --- hand-made ICC profiles ------------------------------------------------------------------------
# Pillow can only create sRGB, LAB and XYZ profiles, so the profiles tests need are built here from the
# ICC.1 specification: a v2 header, a tag table and the few tag types littleCMS needs.

D50 = (0.9642, 1.0, 0.8249)

# Adobe RGB (1998) primaries, chromatically adapted to D50 (Bradford), as Adobe's own profile carries.
ADOBE_RGB_COLORANTS = ((0.60974, 0.31111, 0.01947), (0.20528, 0.62567, 0.06087), (0.14919, 0.06322, 0.74457))
ADOBE_RGB_GAMMA = 563 / 256  # 2.19921875, stored as u8Fixed8Number 0x0233


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz: Sequence[float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in xyz)


def _desc_tag(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\0"
    # textDescriptionType: ASCII part, then empty Unicode and ScriptCode parts.
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * 12 + b"\0" * 67


def _icc(device_class: bytes, colour_space: bytes, pcs: bytes, tags: Sequence[tuple[bytes, bytes]]) -> bytes:
    """Assemble an ICC v2.1 profile from (signature, data) tags; equal data is stored once."""
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    blobs: list[bytes] = []
    placed: dict[bytes, tuple[int, int]] = {}
    table = struct.pack(">I", len(tags))
    for signature, data in tags:
        if data not in placed:
            placed[data] = (offset, len(data))
            padded = data + b"\0" * (-len(data) % 4)
            blobs.append(padded)
            offset += len(padded)
        table += signature + struct.pack(">II", *placed[data])
    body = table + b"".join(blobs)
    header = (
        struct.pack(">I", 128 + len(body))
        + b"\0\0\0\0"
        + struct.pack(">I", 0x02100000)
        + device_class
        + colour_space
        + pcs
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)  # perceptual rendering intent
        + b"".join(_s15(v) for v in D50)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + body


def adobe_rgb_profile() -> bytes:
    """Return a matrix/TRC profile with Adobe RGB (1998) primaries and gamma, built in code."""
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    red, green, blue = ADOBE_RGB_COLORANTS
    return _icc(
        b"mntr",
        b"RGB ",
        b"XYZ ",
        [
            (b"desc", _desc_tag("Adobe RGB (1998)-compatible test profile")),
            (b"wtpt", _xyz_tag(D50)),
            (b"rXYZ", _xyz_tag(red)),
            (b"gXYZ", _xyz_tag(green)),
            (b"bXYZ", _xyz_tag(blue)),
            (b"rTRC", curve),
            (b"gTRC", curve),
            (b"bTRC", curve),
            (b"cprt", b"text\0\0\0\0" + b"no copyright\0"),
        ],
    )


def srgb_to_lab(rgb: Sequence[int]) -> tuple[float, float, float]:
    """Return CIE L*a*b* (D50) of an sRGB colour, by the published formulas."""
    linear = [((c / 255 + 0.055) / 1.055) ** 2.4 if c / 255 > 0.04045 else c / 255 / 12.92 for c in rgb]
    # sRGB to XYZ, Bradford-adapted to D50 (the ICC connection space).
    matrix = ((0.4360747, 0.3850649, 0.1430804), (0.2225045, 0.7168786, 0.0606169), (0.0139322, 0.0971045, 0.7141733))
    x, y, z = (sum(m * c for m, c in zip(row, linear, strict=True)) for row in matrix)

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x / D50[0]), f(y / D50[1]), f(z / D50[2])
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def cmyk_profile(cyan_looks_like: tuple[int, int, int] = (236, 0, 140)) -> bytes:
    """Return a CMYK printer profile (lut16, 2-point grid) whose pure cyan prints as the given sRGB colour.

    The other corners follow the naive ink model, so a conversion that really goes through the profile
    is told apart from Pillow's profile-less CMYK->RGB by where pure cyan lands.
    """
    grid: list[bytes] = []
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    if (c, m, y, k) == (1, 0, 0, 0):
                        rgb: tuple[int, int, int] = cyan_looks_like
                    else:
                        red, green, blue = (round(255 * (1 - ink) * (1 - k)) for ink in (c, m, y))
                        rgb = (red, green, blue)
                    lightness, a, b = srgb_to_lab(rgb)
                    # ICC v2 16-bit Lab: L 0..100 -> 0..0xFF00, a/b -128..127.996 -> 0..0xFFFF.
                    grid.append(
                        struct.pack(
                            ">HHH",
                            round(lightness / 100 * 0xFF00),
                            min(0xFFFF, max(0, round((a + 128) * 256))),
                            min(0xFFFF, max(0, round((b + 128) * 256))),
                        )
                    )
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    ramp = struct.pack(">HH", 0, 0xFFFF)
    lut = (
        b"mft2\0\0\0\0"
        + bytes((4, 3, 2, 0))
        + identity
        + struct.pack(">HH", 2, 2)
        + ramp * 4
        + b"".join(grid)
        + ramp * 3
    )
    return _icc(
        b"prtr",
        b"CMYK",
        b"Lab ",
        [
            (b"desc", _desc_tag("CMYK test profile with a magenta cyan")),
            (b"wtpt", _xyz_tag(D50)),
            (b"A2B0", lut),
            (b"cprt", b"text\0\0\0\0" + b"no copyright\0"),
        ],
    )


def adobe_rgb_to_srgb(rgb: Sequence[int]) -> tuple[int, int, int]:
    """Return the sRGB value of an Adobe RGB (1998) colour, computed independently of littleCMS."""
    linear = [(c / 255) ** ADOBE_RGB_GAMMA for c in rgb]
    to_xyz = ((0.5767309, 0.1855540, 0.1881852), (0.2973769, 0.6273491, 0.0752741), (0.0270343, 0.0706872, 0.9911085))
    to_srgb = (
        (3.2404542, -1.5371385, -0.4985314),
        (-0.9692660, 1.8760108, 0.0415560),
        (0.0556434, -0.2040259, 1.0572252),
    )
    xyz = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in to_xyz]
    out = []
    for row in to_srgb:
        value = min(1.0, max(0.0, sum(m * c for m, c in zip(row, xyz, strict=True))))
        value = 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
        out.append(round(value * 255))
    return out[0], out[1], out[2]


def glyph_shapes(picture: Image.Image, *, dark_ink: bool = True) -> list[bytes]:
    """Return the ink of each run of inked columns (roughly one per glyph), as black-and-white pixels.

    dark_ink: letters darker than the ground (a balloon); False for light letters on a dark card.
    """
    ink = picture.convert("L").point(lambda value: 255 if (value < 128) == dark_ink else 0)
    columns = [ink.crop((x, 0, x + 1, ink.height)).getbbox() is not None for x in range(ink.width)]
    shapes: list[bytes] = []
    start: int | None = None
    for x, inked in enumerate([*columns, False]):
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            shapes.append(ink.crop((start, 0, x, ink.height)).tobytes())
            start = None
    return shapes
