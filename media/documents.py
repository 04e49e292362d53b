"""PDFs rewritten without what could name a child or reach out of the document (R9, R36).

A work sample made on a school PC names its author in its metadata, and that is often the
child's full name, which R6 keeps out of everything parents see. ``check_pdf`` opens the file
with pikepdf (qpdf) and refuses one that is encrypted (even one that opens without a password:
it cannot be cleaned honestly), broken, or longer than ``MAX_PAGES``. ``clean_pdf`` then
rewrites it:

- no document information (author, title, producer, dates) and no XMP metadata, neither the
  document's nor any page's or picture's (``/Metadata``, ``/PieceInfo``);
- no JavaScript (the document's named scripts, actions of any kind but moving within the
  document), no automatic actions (``/OpenAction``, ``/AA``), no embedded files or file
  attachment annotations, no form submission, and no links out of the document (a ``URI``
  action, whatever its host: the portal's own pages need no link in a child's work);
- what is left is written by qpdf, which writes only the objects the pages still reach, so a
  removed attachment's bytes are gone too.

Pages, text, pictures and links within the document stay as they were. Only pikepdf's
structure is touched: no stream is decompressed, so a compression bomb is never expanded.

``pdf_thumbnail`` draws page 1 of the cleaned PDF for the feed with poppler's ``pdftoppm``
(Debian's poppler-utils; a timeout, at most ``THUMB_LONG_EDGE`` pixels) and re-encodes it with
Pillow as a WebP without metadata. Where ``pdftoppm`` is not installed, or cannot draw the
page, there is no picture and the feed shows the work sample as a button that opens it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pikepdf
from PIL import Image

from .formats import Damaged, FormatError

MAX_PAGES = 100
THUMB_LONG_EDGE = 640
THUMB_QUALITY = 80
RENDER_SECONDS = 30
# Actions that stay: moving to a page or a named place of the same document.
KEPT_ACTIONS = {"/GoTo", "/Named"}
# Annotations that carry or play something other than the page: dropped whole.
DROPPED_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
# Keys removed wherever they appear: metadata, automatic actions, scripts, associated files.
DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA", "/JS", "/AF")
# Keys of the document catalogue removed.
DROPPED_ROOT_KEYS = ("/OpenAction", "/URI", "/SpiderInfo", "/Threads", "/Collection")


class Encrypted(FormatError):
    """A PDF protected with a password (or with permissions only)."""


class TooManyPages(FormatError):
    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages


def check_pdf(source: IO[bytes]) -> int:
    """Open the PDF in ``source``: its number of pages, or ``Encrypted``, ``Damaged`` or
    ``TooManyPages``. Leaves the read position at the start."""
    try:
        with _open(source) as pdf:
            return len(pdf.pages)
    finally:
        source.seek(0)


def clean_pdf(source: IO[bytes]) -> bytes:
    """The PDF in ``source`` rewritten as the module says; raises as ``check_pdf`` does."""
    try:
        with _open(source) as pdf:
            _clean(pdf)
            output = io.BytesIO()
            pdf.save(output, fix_metadata_version=False)
            return output.getvalue()
    finally:
        source.seek(0)


@dataclass(frozen=True)
class Thumbnail:
    """Page 1 as a WebP without metadata."""

    content: bytes
    width: int
    height: int


def pdf_thumbnail(content: bytes) -> Thumbnail | None:
    """Page 1 of the (cleaned) PDF ``content`` drawn at most ``THUMB_LONG_EDGE`` pixels long,
    or ``None`` where ``pdftoppm`` is missing or cannot draw it."""
    command = shutil.which("pdftoppm")
    if command is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source, drawn = Path(folder) / "document.pdf", Path(folder) / "page"
        source.write_bytes(content)
        try:
            done = subprocess.run(  # noqa: S603 - fixed arguments, the paths are ours
                [
                    command,
                    *("-f", "1", "-l", "1", "-singlefile", "-png"),
                    *("-scale-to", str(THUMB_LONG_EDGE), str(source), str(drawn)),
                ],
                capture_output=True,
                timeout=RENDER_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        picture = drawn.with_suffix(".png")
        if done.returncode != 0 or not picture.exists():
            return None
        with Image.open(picture, formats=["PNG"]) as image:
            page = image.convert("RGB")
    output = io.BytesIO()
    page.save(output, format="WEBP", quality=THUMB_QUALITY)  # Pillow writes no metadata
    return Thumbnail(output.getvalue(), page.width, page.height)


def _open(source: IO[bytes]) -> pikepdf.Pdf:
    source.seek(0)
    try:
        pdf = pikepdf.open(io.BytesIO(source.read()))
    except pikepdf.PasswordError:
        raise Encrypted from None
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise Damaged from None
    if pdf.is_encrypted:
        pdf.close()
        raise Encrypted
    try:
        pages = len(pdf.pages)
    except (pikepdf.PdfError, ValueError, RecursionError):
        pdf.close()
        raise Damaged from None
    if pages == 0:
        pdf.close()
        raise Damaged
    if pages > MAX_PAGES:
        pdf.close()
        raise TooManyPages(pages)
    return pdf


def _clean(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in DROPPED_ROOT_KEYS:
        if key in root and not (key == "/OpenAction" and _kept_action(root[key])):
            del root[key]
    if "/Names" in root:
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in root.Names:
                del root.Names[key]
    if "/AcroForm" in root and "/XFA" in root.AcroForm:
        del root.AcroForm["/XFA"]
    for dictionary in _dictionaries(root):
        _clean_dictionary(dictionary)


def _kept_action(value: pikepdf.Object) -> bool:
    """A destination (an array or a name) or an action that stays within the document."""
    if not isinstance(value, pikepdf.Dictionary):
        return isinstance(value, pikepdf.Array | pikepdf.Name | pikepdf.String)
    # A kept action may not go on to another (``/Next``): that one could be a script.
    return str(value.get("/S", "")) in KEPT_ACTIONS and "/Next" not in value


def _clean_dictionary(dictionary: pikepdf.Object) -> None:
    """Remove from a dictionary (or a stream's) what the module says."""
    for key in DROPPED_KEYS:
        if key in dictionary:
            del dictionary[key]
    if "/A" in dictionary and not _kept_action(dictionary.A):
        del dictionary["/A"]
    if "/Annots" in dictionary and isinstance(dictionary.Annots, pikepdf.Array):
        kept = [
            annotation
            for annotation in dictionary.Annots
            if not (
                isinstance(annotation, pikepdf.Dictionary)
                and str(annotation.get("/Subtype", "")) in DROPPED_ANNOTATIONS
            )
        ]
        dictionary.Annots = pikepdf.Array(kept)


def _dictionaries(start: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every dictionary reachable from ``start`` (streams' own dictionaries too), each once."""
    seen: set[tuple[int, int]] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if not isinstance(current, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue  # a number, a name, a string: pikepdf gives those as Python values
        if current.is_indirect:
            if current.objgen in seen:
                continue
            seen.add(current.objgen)
        if isinstance(current, pikepdf.Array):
            pending.extend(current)
        else:
            yield current
            pending.extend(current.values())
