"""Storing a post's attachments under random names, re-encoding its photos and transcoding its
recordings (R8, R9, R36).

Uploads are checked (``media.uploads``) before this module writes anything. A PDF is stored
only as rewritten by ``media.documents.clean_pdf`` (no author, title, XMP, scripts, embedded
files or links out), never as uploaded, with its page 1 drawn as its thumbnail where
``pdftoppm`` can. A photo or a recording is kept as uploaded
(``pending``) only until the worker has made the copy that is served: a photo re-encoded from
its pixels (``media.photos``), a video or sound transcoded without metadata
(``media.recordings``), a video with its WebP poster as its thumbnail. Until then the post shows
"processing"; if the worker cannot make the copy, the attachment is marked failed, the upload
is removed and the author is told (``Kind.MEDIA_FAILED``). Files of a post that is not saved
are removed at once, and files of deleted attachments once the deletion commits
(``media.storage``): nothing half-stored stays behind.

A recording's transcode takes minutes, so it holds no row lock: the worker claims the
attachment (``claimed_at``, renewed by ``core.claims.ClaimKeeper`` while ffmpeg runs), makes
the copy in a private folder, and then, in one short transaction, stores it if the attachment
is still waiting, or throws it away if the post was deleted meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from classes.models import School
from classes.selectors import school_get
from core.claims import CLAIM_TTL, ClaimKeeper, stamp_renewal
from core.queue import enqueue_on_commit
from media.documents import clean_pdf, pdf_thumbnail
from media.photos import process_photo
from media.recordings import Transcoded, TranscodeError, transcode_audio, transcode_video
from media.storage import file_save, files_delete, files_delete_on_commit
from media.tempfiles import local_copy, work_folder
from media.uploads import CheckedUpload, MediaKind
from notifications.models import Kind
from notifications.services import Event, notify

from ..models import Attachment, AttachmentStatus, Post

logger = logging.getLogger(__name__)

# Kinds the worker makes a copy of; the others are stored as they are (a PDF once cleaned).
WAITING_KINDS = (MediaKind.PHOTO, MediaKind.AUDIO, MediaKind.VIDEO)
RECORDINGS = (MediaKind.AUDIO, MediaKind.VIDEO)


def recording_limit_seconds() -> float:
    """The longest recording a post may carry, as the school has set it (the field's default
    before the school's row exists)."""
    try:
        minutes = school_get().max_recording_minutes
    except School.DoesNotExist:
        minutes = School._meta.get_field("max_recording_minutes").get_default()
    return float(minutes * 60)


def _save(folder: str, extension: str, content: File) -> str:
    return file_save(f"stories/{folder}", extension, content)


def attachments_store(
    post: Post, uploads: Sequence[UploadedFile], checked: Sequence[CheckedUpload]
) -> list[Attachment]:
    """Write each checked upload under a random name and its row; photos and recordings wait
    for the worker. If anything fails, the files written so far are removed before the error
    goes on."""
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
            enqueue_on_commit(task_for(attachment.kind), attachment.pk)
    return attachments


def task_for(kind: str) -> str:
    """The task that makes the copy of an attachment of this kind: recordings go to the
    worker's media queue (one transcode per core), photos to the ordinary one."""
    if kind in RECORDINGS:
        return "stories.tasks.transcode_attachment"
    return "stories.tasks.process_attachment"


def _store_one(
    post: Post, position: int, upload: UploadedFile, info: CheckedUpload, written: list[str]
) -> Attachment:
    upload.seek(0)
    content: File = upload
    size = info.size
    attachment = Attachment(
        post=post, position=position, kind=info.kind, content_type=info.content_type
    )
    if info.kind == MediaKind.DOCUMENT:  # rewritten before it is stored: no author, no script
        cleaned = clean_pdf(upload)
        content, size = ContentFile(cleaned), len(cleaned)
        _store_page_one(attachment, cleaned, written)
    waits = info.kind in WAITING_KINDS
    name = _save("pending/" if waits else "", info.extension, content)
    written.append(name)
    attachment.size, attachment.width, attachment.height = size, info.width, info.height
    if waits:
        attachment.status = AttachmentStatus.PROCESSING
        attachment.pending.name = name
    else:
        attachment.file.name = name
    attachment.save()
    return attachment


def _store_page_one(attachment: Attachment, cleaned: bytes, written: list[str]) -> None:
    """A work sample's page 1 as its thumbnail, when it can be drawn (``pdf_thumbnail``)."""
    thumbnail = pdf_thumbnail(cleaned)
    if thumbnail is None:
        return
    name = _save("", ".webp", ContentFile(thumbnail.content))
    written.append(name)
    attachment.thumbnail.name = name
    attachment.thumb_width, attachment.thumb_height = thumbnail.width, thumbnail.height


def attachment_process(attachment_id: int) -> None:
    """Re-encode a waiting photo: display size and thumbnail without metadata (R9). Running it
    again for a photo already done does nothing."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update()
            .filter(pk=attachment_id, status=AttachmentStatus.PROCESSING, kind=MediaKind.PHOTO)
            .first()
        )
        if attachment is None:
            return
        try:
            with attachment.pending.open("rb") as source:
                photo = process_photo(source)
        except Exception:
            logger.exception("photo %s could not be processed", attachment.pk)
            _fail(attachment)
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


def attachment_transcode(attachment_id: int) -> None:
    """Transcode a waiting recording (R36): a video to H.264/AAC MP4 with a WebP poster, sound
    to AAC M4A, without metadata. Does nothing for one done, failed, gone, or claimed by a live
    worker."""
    claim = _claim(attachment_id)
    if claim is None:
        return
    attachment, stamp = claim
    claims = Attachment.objects.filter(pk=attachment_id, status=AttachmentStatus.PROCESSING)
    with ClaimKeeper(stamp_renewal(claims, "claimed_at", stamp)), work_folder() as folder:
        try:
            made = _transcode(attachment, folder)
        except (TranscodeError, OSError):
            logger.exception("recording %s could not be transcoded", attachment.pk)
            with transaction.atomic():
                failed = claims.select_for_update().first()
                if failed is not None:
                    _fail(failed)
            return
        _store_copy(attachment_id, made)


def _claim(attachment_id: int) -> tuple[Attachment, dt.datetime] | None:
    stamp = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stamp - CLAIM_TTL)
    waiting = Attachment.objects.filter(
        free, pk=attachment_id, status=AttachmentStatus.PROCESSING, kind__in=RECORDINGS
    )
    if not waiting.update(claimed_at=stamp):
        return None
    return Attachment.objects.get(pk=attachment_id), stamp


def _transcode(attachment: Attachment, folder: Path) -> Transcoded:
    limit = recording_limit_seconds()
    with attachment.pending.open("rb") as source, local_copy(source) as path:
        if attachment.kind == MediaKind.VIDEO:
            return transcode_video(path, folder, max_seconds=limit)
        return transcode_audio(path, folder, max_seconds=limit)


def _store_copy(attachment_id: int, made: Transcoded) -> None:
    """Keep the copy if the attachment still waits for it; the upload goes once this commits."""
    with made.path.open("rb") as copy:
        written = [_save("", made.extension, File(copy))]
    if made.poster:
        written.append(_save("", ".webp", ContentFile(made.poster)))
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update()
            .filter(pk=attachment_id, status=AttachmentStatus.PROCESSING)
            .first()
        )
        if attachment is None:  # deleted, or done by another worker meanwhile
            files_delete(written)
            return
        pending = attachment.pending.name
        attachment.file.name = written[0]
        attachment.thumbnail.name = written[1] if made.poster else ""
        attachment.pending.name = ""
        attachment.content_type = made.content_type
        attachment.size = made.path.stat().st_size
        attachment.width, attachment.height = made.width, made.height
        attachment.thumb_width, attachment.thumb_height = made.poster_width, made.poster_height
        attachment.status = AttachmentStatus.READY
        attachment.claimed_at = None
        attachment.save()
        files_delete_on_commit([pending])


def _fail(attachment: Attachment) -> None:
    """The copy cannot be made: the attachment is failed, the upload removed, the author
    told (in the same transaction, so they are told once)."""
    pending = attachment.pending.name
    attachment.status = AttachmentStatus.FAILED
    attachment.pending.name = ""
    attachment.claimed_at = None
    attachment.save(update_fields=["status", "pending", "claimed_at"])
    if pending:
        files_delete_on_commit([pending])
    author_id = Post.objects.filter(pk=attachment.post_id).values_list("author_id", flat=True)
    author = author_id.first()
    if author is not None:
        link = reverse("stories_post", args=[attachment.post_id])
        notify([Event(Kind.MEDIA_FAILED, f"media-failed:{attachment.pk}", author, link, {})])
