"""PDFs rewritten without metadata, scripts, attachments or links out; bad ones refused (R36).

Every PDF is made here with pikepdf (``tests.media.corpus``).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from media import documents, uploads
from media.uploads import MediaKind, check_upload
from tests.media import corpus
from tests.requirements import require_or_skip


def cleaned(path: Path) -> bytes:
    with path.open("rb") as source:
        return documents.clean_pdf(source)


def refusal(name: str, content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    return refused.value.messages


def test_R36_a_cleaned_pdf_keeps_no_document_information_and_no_xmp() -> None:
    source = corpus.pdf_with_everything()
    with pikepdf.open(source) as before:  # the sample does carry what must go
        assert before.docinfo["/Author"] == corpus.NAME and "/Metadata" in before.Root
    with pikepdf.open(io.BytesIO(cleaned(source))) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        with pdf.open_metadata() as xmp:
            assert not list(xmp.keys())
        assert len(pdf.pages) == 1
    assert corpus.NAME.encode() not in cleaned(source)


def test_R36_a_cleaned_pdf_has_no_script_attachment_form_action_or_link_out() -> None:
    content = cleaned(corpus.pdf_with_everything())
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments
        page = pdf.pages[0].obj
        assert "/AA" not in page
        actions = [str(annotation.A.S) for annotation in page.Annots if "/A" in annotation]
        assert actions == ["/GoTo"]  # the link within the document stays, the others go
    for trace in (b"app.alert", b"tracker.example", b"x.example", b"7/10", b"/JavaScript"):
        assert trace not in content


def test_R36_a_plain_pdf_comes_through_with_its_pages() -> None:
    with pikepdf.open(io.BytesIO(cleaned(corpus.plain_pdf(3)))) as pdf:
        assert len(pdf.pages) == 3


@pytest.mark.parametrize("make", [corpus.encrypted_pdf, corpus.encrypted_pdf_without_password])
def test_R36_an_encrypted_pdf_is_refused(make: Callable[[], Path]) -> None:
    assert refusal("report.pdf", make().read_bytes()) == [
        str(uploads.ENCRYPTED % {"name": "report.pdf"})
    ]


def test_R36_a_broken_pdf_is_refused_as_damaged() -> None:
    broken = b"%PDF-1.7\n" + b"\x00garbage that is no PDF at all\n" * 20 + b"%%EOF\n"
    assert refusal("work.pdf", broken) == [str(uploads.DAMAGED % {"name": "work.pdf"})]


def test_R36_a_pdf_over_the_page_limit_is_refused() -> None:
    content = corpus.plain_pdf(documents.MAX_PAGES + 1).read_bytes()
    assert refusal("book.pdf", content) == [
        str(uploads.TOO_MANY_PAGES % {"name": "book.pdf", "pages": 101, "limit": 100})
    ]
    at_limit = corpus.plain_pdf(documents.MAX_PAGES).read_bytes()
    assert check_upload(SimpleUploadedFile("book.pdf", at_limit)).kind == MediaKind.DOCUMENT


def test_R36_page_one_is_drawn_as_a_webp_without_metadata() -> None:
    require_or_skip(shutil.which("pdftoppm") is not None, "needs pdftoppm (poppler-utils)")
    thumbnail = documents.pdf_thumbnail(cleaned(corpus.pdf_with_everything()))
    assert thumbnail is not None
    with Image.open(io.BytesIO(thumbnail.content)) as page:
        assert page.format == "WEBP" and not page.getexif() and not page.info.get("xmp")
        # An A4 page (595 × 842 points) drawn at most 640 pixels long.
        assert page.size == (thumbnail.width, thumbnail.height) == (453, 640)


def test_R36_without_pdftoppm_there_is_no_page_picture(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert documents.pdf_thumbnail(cleaned(corpus.plain_pdf())) is None


def test_R36_a_page_pdftoppm_cannot_draw_gives_no_picture() -> None:
    require_or_skip(shutil.which("pdftoppm") is not None, "needs pdftoppm (poppler-utils)")
    assert documents.pdf_thumbnail(b"%PDF-1.7\nnot really\n%%EOF\n") is None
