"""Every kind of media a post carries is stored clean (R9, R36): the stored copy of each file of
the corpus (``tests.media.corpus``, made with ffmpeg and pikepdf) is checked with pikepdf and
ffprobe, and bad input leaves nothing on disk.
"""

from __future__ import annotations

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stories.models import AttachmentStatus
from tests.media import corpus

from .conftest import class_post, media_files


def upload_of(path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


@pytest.mark.django_db
def test_R36_a_work_sample_is_stored_without_its_author_title_xmp_or_scripts(
    teacher, school_class
) -> None:
    post = class_post(
        teacher,
        school_class,
        uploads=[upload_of(corpus.pdf_with_everything())],
        no_child_appears=True,
    )
    attachment = post.attachments.get()
    assert (attachment.status, attachment.content_type) == (
        AttachmentStatus.READY,
        "application/pdf",
    )
    with attachment.file.open("rb") as stored:
        content = stored.read()
    assert attachment.size == len(content)
    with pikepdf.open(attachment.file.path) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert "/OpenAction" not in pdf.Root and not pdf.attachments
    assert corpus.NAME.encode() not in content
    assert len(media_files()) == 1
