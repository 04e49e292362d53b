"""Re-encoding photos for parents' screens (R9).

``process_photo`` rebuilds a photo from its pixels: the EXIF orientation is applied, colours
are converted to sRGB (through the embedded ICC profile, when there is one), and two WebP
images are written — a display size and a thumbnail for feeds on phones — with no EXIF (GPS
included), XMP, ICC profile or any other metadata of the original. The original's bytes never
reach a parent.

WebP rather than JPEG: every browser parents use shows it, and its files are smaller, which
matters on phones (the benchmark's 12 MP photo: 0.76 MB at WebP quality 80, 0.97 MB at JPEG
quality 85). Encoding it is the slowest step, about 0.3 s for a
2048-pixel photo on one core, well inside the 1.5 s budget (docs/benchmarks.md).

Callers check the upload first (``media.uploads.check_upload``): this function trusts that
the source is an allowed photo of a sane size, but still opens it with the allowed decoders
only. A post's photos are re-encoded by the worker (``stories.services.media``), a message's in
the request, before the message is written (``messaging.photos``).
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass
from typing import BinaryIO

from PIL import ExifTags, Image, ImageCms, ImageOps

from .formats import PILLOW_FORMATS

DISPLAY_LONG_EDGE = 2048
THUMB_LONG_EDGE = 640
WEBP_QUALITY = 80
# libwebp's default effort: method 6 saves about 5 % more bytes at three times the time.
WEBP_METHOD = 4
# Resize in two steps (a fast integer reduction, then Lanczos over the last factor of 3):
# visually the same as Lanczos all the way, and several times faster on a 12 MP photo.
REDUCING_GAP = 3.0

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# EXIF orientation → the turn that shows the photo upright (as in ImageOps.exif_transpose).
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# ICC colour spaces we convert from, and the Pillow modes whose pixels they describe.
_ICC_MODES = {"RGB ": ("RGB", "RGBA"), "CMYK": ("CMYK",)}


class PhotoError(ValueError):
    """The source could not be read as a photo."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """The two re-encoded images of a photo; both carry no metadata at all."""

    display: bytes
    display_width: int
    display_height: int
    thumbnail: bytes
    thumb_width: int
    thumb_height: int
    content_type: str
    extension: str


def process_photo(source: BinaryIO) -> ProcessedPhoto:
    """Re-encode the photo in ``source``: upright, sRGB, at most 2048 px and 640 px long.

    Keeps transparency when the source has any (RGBA output), otherwise RGB. Never enlarges.
    Raises ``PhotoError`` if the source is not a photo that the allowed decoders can read.
    """
    try:
        upright, icc_profile = _open_upright(source)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        raise PhotoError(str(error)) from error
    transparent = _has_transparency(upright)
    display = _to_srgb(
        _fit(_resizable(upright, transparent), DISPLAY_LONG_EDGE), icc_profile, transparent
    )
    thumbnail = _fit(display, THUMB_LONG_EDGE)
    return ProcessedPhoto(
        display=_webp(display),
        display_width=display.width,
        display_height=display.height,
        thumbnail=_webp(thumbnail),
        thumb_width=thumbnail.width,
        thumb_height=thumbnail.height,
        content_type="image/webp",
        extension=".webp",
    )


def _open_upright(source: BinaryIO) -> tuple[Image.Image, bytes | None]:
    """Decode the photo (a JPEG at a reduced scale when it is much larger than needed) and
    apply its EXIF orientation; also return its ICC profile, if any."""
    source.seek(0)
    with Image.open(source, formats=list(PILLOW_FORMATS)) as opened:
        if opened.format in ("JPEG", "MPO"):
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly from the compressed data,
            # never below the requested size: an 8000 px photo decodes at 4000 px.
            scale = DISPLAY_LONG_EDGE / max(opened.size)
            if scale < 1:
                opened.draft(
                    None, (math.ceil(opened.width * scale), math.ceil(opened.height * scale))
                )
        opened.load()
        icc_profile = opened.info.get("icc_profile") or None
        upright = _apply_orientation(opened)
    return upright, icc_profile


def _apply_orientation(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF (or XMP) orientation says.

    ``exif_transpose`` also rewrites the EXIF it keeps, and fails on some damaged EXIF that
    phones and editors write; that EXIF is dropped here anyway, so the turn is then made from
    the orientation alone, and a photo whose orientation cannot be read stays as stored.
    """
    try:
        return ImageOps.exif_transpose(image)
    except (TypeError, ValueError, SyntaxError, OSError, KeyError, struct.error):
        pass
    try:
        method = _ORIENTATIONS.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    except (TypeError, ValueError, SyntaxError, OSError, KeyError, struct.error):
        method = None
    return image.transpose(method) if method is not None else image.copy()


def _has_transparency(image: Image.Image) -> bool:
    """Whether any pixel is not fully opaque (an alpha channel of all 255 does not count)."""
    if not image.has_transparency_data:
        return False
    alpha = image.convert("RGBA").getchannel("A")
    return alpha.getextrema() != (255, 255)


def _resizable(image: Image.Image, transparent: bool) -> Image.Image:
    """The image in a mode that resamples well and that the colour conversion understands.

    RGB, RGBA and CMYK stay as they are (their ICC profile describes them); palette, grey and
    16-bit images become RGB or RGBA. 16-bit grey is scaled down, not clipped.
    """
    if image.mode in ("RGB", "CMYK") or (image.mode == "RGBA" and transparent):
        return image
    if image.mode.startswith("I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGBA" if transparent else "RGB")


def _fit(image: Image.Image, long_edge: int) -> Image.Image:
    """The image scaled down so that its longer side is ``long_edge`` (never enlarged)."""
    width, height = image.size
    if max(width, height) <= long_edge:
        return image
    scale = long_edge / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _to_srgb(image: Image.Image, icc_profile: bytes | None, transparent: bool) -> Image.Image:
    """The image as sRGB RGB (RGBA when transparent), through its ICC profile if it has one.

    A profile that LittleCMS cannot read, or that does not describe the image's mode, is
    ignored: the pixels are then taken as sRGB already, which is what browsers would do.
    """
    mode = "RGBA" if transparent else "RGB"
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if image.mode in _ICC_MODES.get(source.profile.xcolor_space, ()):
                converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
                if converted is not None:
                    image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image if image.mode == mode else image.convert(mode)


def _webp(image: Image.Image) -> bytes:
    """Encode as WebP. Pillow writes metadata only when asked (``exif=``, ``icc_profile=``,
    ``xmp=``); none is passed, so the file carries pixels and nothing else."""
    output = io.BytesIO()
    image.save(output, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return output.getvalue()
