"""Storing a post's attachments under random names and re-encoding its photos (R8, R9, R36).

Uploads are checked (``media.uploads``) before this module writes anything. A PDF is stored
only as rewritten by ``media.documents.clean_pdf`` (no author, title, XMP, scripts, embedded
files or links out), never as uploaded. A photo is kept
as uploaded only until the worker re-encodes it from its pixels (``media.photos``); then only
the re-encoded display size and thumbnail remain. Files of a post that is not saved are removed
at once, and files of deleted attachments once the deletion commits (``media.storage``):
nothing half-stored stays behind.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.queue import enqueue_on_commit
from media.documents import clean_pdf
from media.photos import process_photo
from media.storage import file_save, files_delete, files_delete_on_commit
from media.uploads import CheckedUpload, MediaKind

from ..models import Attachment, AttachmentStatus, Post

logger = logging.getLogger(__name__)


def _save(folder: str, extension: str, content: File) -> str:
    return file_save(f"stories/{folder}", extension, content)


def attachments_store(
    post: Post, uploads: Sequence[UploadedFile], checked: Sequence[CheckedUpload]
) -> list[Attachment]:
    """Write each checked upload under a random name and its row; photos wait for the worker.
    If anything fails, the files written so far are removed before the error goes on."""
    written: list[str] = []
    try:
        attachments = [
            _store_one(post, position, upload, info, written)
            for position, (upload, info) in enumerate(zip(uploads, checked, strict=True))
        ]
    except BaseException:
        files_delete(written)
        raise
    for attachment in attachments:
        if attachment.status == AttachmentStatus.PROCESSING:
            enqueue_on_commit("stories.tasks.process_attachment", attachment.pk)
    return attachments


def _store_one(
    post: Post, position: int, upload: UploadedFile, info: CheckedUpload, written: list[str]
) -> Attachment:
    upload.seek(0)
    content: File = upload
    size = info.size
    if info.kind == MediaKind.DOCUMENT:  # rewritten before it is stored: no author, no script
        content = ContentFile(clean_pdf(upload))
        size = content.size
    name = _save("pending/" if info.kind == MediaKind.PHOTO else "", info.extension, content)
    written.append(name)
    attachment = Attachment(
        post=post, position=position, kind=info.kind, content_type=info.content_type
    )
    attachment.size, attachment.width, attachment.height = size, info.width, info.height
    if info.kind == MediaKind.PHOTO:
        attachment.status = AttachmentStatus.PROCESSING
        attachment.pending.name = name
    else:
        attachment.file.name = name
    attachment.save()
    return attachment


def attachment_process(attachment_id: int) -> None:
    """Re-encode a waiting photo: display size and thumbnail without metadata (R9). Running it
    again for a photo already done does nothing."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update()
            .filter(pk=attachment_id, status=AttachmentStatus.PROCESSING)
            .first()
        )
        if attachment is None:
            return
        try:
            with attachment.pending.open("rb") as source:
                photo = process_photo(source)
        except Exception:
            logger.exception("photo %s could not be processed", attachment.pk)
            attachment.status = AttachmentStatus.FAILED
            attachment.save(update_fields=["status"])
            return
        written = [
            _save("", photo.extension, ContentFile(photo.display)),
            _save("", photo.extension, ContentFile(photo.thumbnail)),
        ]
        pending = attachment.pending.name
        attachment.file.name, attachment.thumbnail.name = written
        attachment.pending.name = ""
        attachment.content_type = photo.content_type
        attachment.size = len(photo.display)
        attachment.width, attachment.height = photo.display_width, photo.display_height
        attachment.thumb_width, attachment.thumb_height = photo.thumb_width, photo.thumb_height
        attachment.status = AttachmentStatus.READY
        attachment.save()
        files_delete_on_commit([pending])
