"""Photos with messages (R8, R9), through the media package, as a post's photos: the upload is
checked by its content, re-encoded (orientation applied, no metadata, at most 2048 px) before
anything is stored, and kept under random names. Processing happens in the request, before
the message is written, so a message and its photos are stored together or not at all (at
most 3 photos, well under a second each)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from media.photos import ProcessedPhoto, process_photo
from media.storage import file_save, files_delete
from media.uploads import MediaKind, check_uploads

from .models import Message, MessagePhoto

MAX_PHOTOS = 3
ONLY_PHOTOS = _("“%(name)s” is not a photo: messages can carry photos only (JPEG, PNG, WebP).")
TOO_MANY = _("A message can carry at most %(limit)d photos.")


def photos_prepare(uploads: Sequence[UploadedFile]) -> list[ProcessedPhoto]:
    """Check and re-encode the photos of a message before anything is written; refused with
    one clear message (ValidationError, code ``photos``)."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(TOO_MANY, code="photos", params={"limit": MAX_PHOTOS})
    try:
        checked = check_uploads(uploads)
    except ValidationError as error:  # the upload check's clear messages, marked as photos'
        raise ValidationError(
            [ValidationError(m, code="photos") for m in error.messages]
        ) from None
    for upload, info in zip(uploads, checked, strict=True):
        if info.kind != MediaKind.PHOTO:
            raise ValidationError(ONLY_PHOTOS, code="photos", params={"name": upload.name})
    prepared = []
    for upload in uploads:
        upload.seek(0)
        prepared.append(process_photo(cast(BinaryIO, upload)))
    return prepared


def photos_store(message: Message, photos: Sequence[ProcessedPhoto]) -> list[MessagePhoto]:
    """Write the re-encoded photos under random names and their rows; on any failure the
    files written so far are removed before the error goes on."""
    written: list[str] = []
    try:
        rows = []
        for position, photo in enumerate(photos):
            names = [
                file_save("messages/", photo.extension, ContentFile(data))
                for data in (photo.display, photo.thumbnail)
            ]
            written += names
            rows.append(
                MessagePhoto(
                    message=message,
                    position=position,
                    file=names[0],
                    thumbnail=names[1],
                    content_type=photo.content_type,
                    width=photo.display_width,
                    height=photo.display_height,
                    thumb_width=photo.thumb_width,
                    thumb_height=photo.thumb_height,
                )
            )
        return MessagePhoto.objects.bulk_create(rows)
    except BaseException:
        files_delete(written)
        raise
