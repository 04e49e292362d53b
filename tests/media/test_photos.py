"""Photos are re-encoded from their pixels: upright, sRGB, resized, and without metadata (R9).

Every photo is generated here: no picture of a real person.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import ExifTags, Image, ImageCms

from media.photos import PhotoError, ProcessedPhoto, process_photo

ORIENTATION = ExifTags.Base.Orientation
GPS_INFO = ExifTags.Base.GPSInfo


def camera_exif(orientation: int) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera model and where the photo was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[GPS_INFO] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def two_tone(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...], mode="RGB"):
    """An image whose top half is one colour and bottom half another (as stored)."""
    image = Image.new(mode, size, bottom)
    image.paste(top, (0, 0, size[0], size[1] // 2))
    return image


def encoded(image: Image.Image, format_: str, **options) -> io.BytesIO:
    output = io.BytesIO()
    image.save(output, format=format_, **options)
    output.seek(0)
    return output


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def webp_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a WebP file (RIFF): pixels are VP8/VP8L/ALPH, metadata EXIF/ICCP/XMP."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    chunks, position = [], 12
    while position + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[position : position + 8])
        chunks.append(kind)
        position += 8 + size + (size & 1)
    return chunks


RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture(scope="module")
def phone_photo() -> ProcessedPhoto:
    """A 3000×2000 JPEG stored sideways (EXIF orientation 6: turn 90° clockwise to view), with
    GPS; the stored top half is red, the bottom half blue."""
    source = encoded(
        two_tone((3000, 2000), RED, BLUE), "JPEG", quality=90, exif=camera_exif(6).tobytes()
    )
    return process_photo(source)


def close_to(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 24) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=False))


def test_R9_exif_orientation_is_applied_so_the_photo_comes_out_upright(
    phone_photo: ProcessedPhoto,
) -> None:
    assert (phone_photo.display_width, phone_photo.display_height) == (1365, 2048)
    display = opened(phone_photo.display).convert("RGB")
    assert display.size == (1365, 2048)
    # Turned clockwise: the stored top (red) is now on the right, the bottom (blue) on the left.
    assert close_to(pixel(display, (1200, 1024)), RED)
    assert close_to(pixel(display, (150, 1024)), BLUE)


def exif_that_pillow_cannot_rewrite(orientation: int) -> bytes:
    """EXIF with the image width written as text (as some editors do) and an orientation:
    Pillow reads it, but ``exif_transpose`` fails when it writes the EXIF back."""
    data_offset = 8 + 2 + 12 * 2 + 4
    entries = struct.pack(">HHII", 0x0100, 2, 6, data_offset) + struct.pack(
        ">HHIHH", ORIENTATION, 3, 1, orientation, 0
    )
    ifd = struct.pack(">IH", 8, 2) + entries + struct.pack(">I", 0)
    return b"Exif\x00\x00MM\x00*" + ifd + b"Phone\x00"


def test_R9_damaged_exif_still_gives_an_upright_photo_without_metadata() -> None:
    source = encoded(
        two_tone((600, 400), RED, BLUE), "JPEG", exif=exif_that_pillow_cannot_rewrite(6)
    )
    photo = process_photo(source)
    display = opened(photo.display).convert("RGB")
    assert display.size == (400, 600)
    assert close_to(pixel(display, (350, 300)), RED)
    assert close_to(pixel(display, (50, 300)), BLUE)
    assert dict(opened(photo.display).getexif()) == {}


def test_R9_display_and_thumbnail_long_edges_are_2048_and_640(
    phone_photo: ProcessedPhoto,
) -> None:
    assert (phone_photo.thumb_width, phone_photo.thumb_height) == (427, 640)
    assert opened(phone_photo.thumbnail).size == (427, 640)
    assert max(opened(phone_photo.display).size) == 2048


def test_R9_no_exif_gps_xmp_or_icc_survives(phone_photo: ProcessedPhoto) -> None:
    for data in (phone_photo.display, phone_photo.thumbnail):
        image = opened(data)
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp"} & set(image.info)
        assert set(webp_chunks(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}


def test_R9_both_images_are_webp(phone_photo: ProcessedPhoto) -> None:
    assert (phone_photo.content_type, phone_photo.extension) == ("image/webp", ".webp")
    assert opened(phone_photo.display).format == "WEBP"
    assert opened(phone_photo.thumbnail).format == "WEBP"


def test_R9_metadata_in_the_source_png_and_webp_is_dropped_too() -> None:
    image = two_tone((300, 200), RED, BLUE)
    for source in (
        encoded(image, "PNG", exif=camera_exif(1).tobytes()),
        encoded(image, "WEBP", exif=camera_exif(1).tobytes(), xmp=b"<x:xmpmeta/>"),
    ):
        photo = process_photo(source)
        assert set(webp_chunks(photo.display)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
        assert dict(opened(photo.display).getexif()) == {}


def test_R9_a_png_with_transparency_keeps_it() -> None:
    image = Image.new("RGBA", (800, 600), (40, 160, 60, 255))
    image.paste((0, 0, 0, 0), (0, 0, 400, 300))
    photo = process_photo(encoded(image, "PNG"))
    display = opened(photo.display)
    assert display.mode == "RGBA"
    assert pixel(display, (50, 50))[3] == 0
    assert pixel(display, (700, 500))[3] == 255
    assert opened(photo.thumbnail).mode == "RGBA"


def test_R9_an_opaque_png_with_an_alpha_channel_becomes_rgb() -> None:
    photo = process_photo(encoded(Image.new("RGBA", (300, 200), (10, 20, 30, 255)), "PNG"))
    assert opened(photo.display).mode == "RGB"


def test_R9_a_cmyk_jpeg_ends_rgb_with_its_colours() -> None:
    # Pure magenta + yellow ink is red.
    photo = process_photo(encoded(Image.new("CMYK", (400, 300), (0, 255, 255, 0)), "JPEG"))
    display = opened(photo.display)
    assert display.mode == "RGB"
    assert close_to(pixel(display, (200, 150)), (255, 0, 0), tolerance=30)


def swapped_primaries_profile() -> bytes:
    """An RGB ICC profile like sRGB, but with the red and green primaries swapped: a photo in
    it whose pixels say "red" is green on screen once the profile is honoured."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", data[128:132])
    entries = {bytes(data[132 + 12 * n : 136 + 12 * n]): 132 + 12 * n for n in range(count)}
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4 : red + 12], data[green + 4 : green + 12] = (
        data[green + 4 : green + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def test_R9_an_embedded_colour_profile_is_converted_to_srgb_then_dropped() -> None:
    source = encoded(
        Image.new("RGB", (400, 300), (255, 0, 0)),
        "JPEG",
        quality=95,
        icc_profile=swapped_primaries_profile(),
    )
    photo = process_photo(source)
    display = opened(photo.display)
    assert "icc_profile" not in display.info
    assert close_to(pixel(display, (200, 150)), (0, 255, 0), tolerance=30)


def test_R9_a_large_jpeg_is_decoded_at_reduced_size_and_still_fills_2048() -> None:
    source = encoded(two_tone((6000, 4000), RED, BLUE), "JPEG", quality=80)
    photo = process_photo(source)
    assert (photo.display_width, photo.display_height) == (2048, 1365)
    assert (photo.thumb_width, photo.thumb_height) == (640, 427)
    display = opened(photo.display).convert("RGB")
    assert close_to(pixel(display, (1000, 100)), RED)
    assert close_to(pixel(display, (1000, 1300)), BLUE)


def test_R9_a_small_photo_is_not_enlarged() -> None:
    photo = process_photo(encoded(two_tone((300, 200), RED, BLUE), "JPEG"))
    assert (photo.display_width, photo.display_height) == (300, 200)
    assert (photo.thumb_width, photo.thumb_height) == (300, 200)


def test_R9_a_16_bit_grey_png_is_scaled_not_clipped() -> None:
    photo = process_photo(encoded(Image.new("I;16", (200, 100), 32768), "PNG"))
    grey = pixel(opened(photo.display).convert("RGB"), (100, 50))
    assert close_to(grey, (128, 128, 128), tolerance=4)


def test_R9_a_palette_png_with_a_transparent_colour_keeps_it() -> None:
    image = Image.new("P", (200, 100), 0)
    image.putpalette([255, 255, 255, 200, 30, 30])
    image.paste(1, (100, 0, 200, 100))
    photo = process_photo(encoded(image, "PNG", transparency=0))
    display = opened(photo.display)
    assert display.mode == "RGBA"
    assert pixel(display, (20, 50))[3] == 0
    assert close_to(pixel(display, (150, 50)), (200, 30, 30, 255))


def test_R9_an_iphone_heic_photo_is_re_encoded_as_webp() -> None:
    source = encoded(two_tone((2400, 1800), RED, BLUE), "HEIF", quality=80)
    photo = process_photo(source)
    assert (photo.display_width, photo.display_height) == (2048, 1536)
    assert opened(photo.display).format == "WEBP"
    assert close_to(pixel(opened(photo.display).convert("RGB"), (1000, 200)), RED, 30)


@pytest.mark.parametrize(
    "content",
    [
        b"<html></html>",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",
        encoded(Image.new("RGB", (10, 10)), "TIFF").getvalue(),
        encoded(Image.new("RGB", (400, 300)), "JPEG").getvalue()[:300],
    ],
    ids=["html", "eps", "tiff", "cut-jpeg"],
)
def test_R9_anything_but_an_allowed_readable_photo_raises_photo_error(content: bytes) -> None:
    with pytest.raises(PhotoError):
        process_photo(io.BytesIO(content))
