"""Normalising a decoded upload: orientation baked in, 8-bit sRGB, transparency on white, no metadata.

Every byte the pipeline writes is re-encoded from pixels held in an image with no metadata attached,
so nothing the artist's camera, scanner or editor wrote (GPS, serial numbers, XMP authors, comments,
ICC profiles, thumbnails) can reach a reader.
"""

from __future__ import annotations

import io
from typing import cast

from PIL import Image, ImageCms, ImageOps

from comics.images.opening import exif_orientation

WHITE = (255, 255, 255)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_SIXTEEN_BIT = {"I", "I;16", "I;16L", "I;16B", "I;16N"}


def bake_orientation(image: Image.Image) -> Image.Image:
    """Return the image turned the way its EXIF orientation says, so pixels stand upright."""
    if exif_orientation(image) == 1:
        return image
    return ImageOps.exif_transpose(image)


def to_eight_bit(image: Image.Image) -> Image.Image:
    """Return a 16-bit greyscale image scaled to 8-bit "L" (Pillow's own convert clips at 255)."""
    if image.mode not in _SIXTEEN_BIT:
        return image
    if image.mode != "I;16":
        image = image.convert("I")
    return image.point(lambda value: value * (1 / 257) + 0.5).convert("L")


def to_working_mode(image: Image.Image) -> Image.Image:
    """Return the image as 8-bit L, LA, RGB, RGBA or CMYK, with any transparency as an alpha band."""
    image = to_eight_bit(image)
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode in ("L", "RGB") and image.info.get("transparency") is not None:
        # A tRNS colour key: Pillow turns the keyed colour into alpha on conversion.
        return image.convert("LA" if image.mode == "L" else "RGBA")
    if image.mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if image.mode in ("La", "RGBa"):
        return image.convert("LA" if image.mode == "La" else "RGBA")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def band_extrema(image: Image.Image) -> list[tuple[float, float]]:
    """Return (lowest, highest) for each band of the image."""
    extrema = image.getextrema()
    if len(image.getbands()) == 1:
        return [cast("tuple[float, float]", extrema)]
    return list(cast("tuple[tuple[float, float], ...]", extrema))


def flatten_on_white(image: Image.Image) -> Image.Image:
    """Return an LA or RGBA image composited over white as L or RGB; return other modes unchanged."""
    if image.mode not in ("LA", "RGBA"):
        return image
    opaque_mode = image.mode[:-1]
    if band_extrema(image)[-1][0] == 255:
        return image.convert(opaque_mode)
    canvas = Image.new(opaque_mode, image.size, 255 if opaque_mode == "L" else WHITE)
    # The image is its own mask: pasting blends by its alpha without splitting out the bands.
    canvas.paste(image, (0, 0), image)
    return canvas


_PROFILE_SPACE = {"L": "GRAY", "RGB": "RGB", "CMYK": "CMYK"}


def to_srgb(image: Image.Image, icc_profile: bytes | None, *, in_place: bool = False) -> Image.Image:
    """Return L, RGB or CMYK colours converted from their embedded ICC profile to sRGB, as RGB.

    CMYK without a profile falls back to Pillow's ink-model conversion; an unreadable profile, or one
    for another colour space, is ignored and the pixels are taken as sRGB, as browsers do. in_place
    lets an RGB image the caller owns be converted without a second full-size copy.
    """
    if icc_profile:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if profile.profile.xcolor_space.strip() == _PROFILE_SPACE.get(image.mode):
                in_place = in_place and image.mode == "RGB"
                # Relative colorimetric with black-point compensation is Photoshop's default, and
                # keeps CMYK blacks from crushing; for matrix profiles it equals perceptual.
                converted = ImageCms.profileToProfile(
                    image,
                    profile,
                    _SRGB,
                    renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                    outputMode="RGB",
                    inPlace=in_place,
                    flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
                )
                return image if converted is None else converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return image if image.mode == "RGB" else image.convert("RGB")


def bare(image: Image.Image) -> Image.Image:
    """Return a new image holding only the pixels: no EXIF, ICC, XMP, comments or other info."""
    fresh = image.copy()
    fresh.info = {}
    return fresh


def normalise(image: Image.Image) -> Image.Image:
    """Return upright, 8-bit sRGB pixels flattened on white, in a new image that carries no metadata."""
    icc_profile = image.info.get("icc_profile")
    # Flatten before the colour conversion: transparency is composited on white paper in the
    # artist's own colour space, and the conversion can then reuse the flattened copy in place,
    # which keeps an 800x30000 RGBA strip to two full-size images in memory instead of three.
    working = flatten_on_white(to_working_mode(bake_orientation(image)))
    result = to_srgb(working, icc_profile, in_place=working is not image)
    if result is image:
        return bare(image)
    # Every step above made a new plain Image; emptying its info leaves nothing but pixels, without
    # copying a 70 MB strip once more.
    result.info = {}
    return result

