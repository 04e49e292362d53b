"""Attachments are only ever served here, after checking that the viewer may see the post (R8):
by nginx (X-Accel-Redirect) in production, by Django with the embedded default. Private to the
browser, never sniffed as another type."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from core.files import protected_file_response
from media.uploads import MediaKind

from ..permissions import can_download_media
from ..selectors import attachment_for

DOWNLOAD_NOT_ALLOWED = _("The school has not allowed parents to download photos and recordings.")

# Files never change under a key (an edit makes new ones), so the browser may keep them for a
# day — privately: never a shared cache.
CACHE = "private, max-age=86400"
NAMES = {
    MediaKind.PHOTO: "photo",
    MediaKind.AUDIO: "recording",
    MediaKind.VIDEO: "video",
    MediaKind.DOCUMENT: "work-sample",
}


def _serve(
    request: AuthedRequest, key: uuid.UUID, *, thumbnail: bool, download: bool = False
) -> HttpResponseBase:
    attachment = attachment_for(request.user, key)
    if attachment is None:
        raise Http404
    if download and not can_download_media(request.user):
        context = {"message": DOWNLOAD_NOT_ALLOWED, "post_id": attachment.post_id}
        return render(request, "stories/download_refused.html", context, status=403)
    file = attachment.thumbnail if thumbnail else attachment.file
    if not file.name:  # a photo or recording still processing, or one that failed
        raise Http404
    extension = "." + file.name.rsplit(".", 1)[-1] if "." in file.name else ""
    name = f"{NAMES.get(MediaKind(attachment.kind), 'file')}-{attachment.post_id}{extension}"
    # A video's thumbnail is its WebP poster: its type is read from its name, not the video's.
    content_type = None if thumbnail else attachment.content_type
    return protected_file_response(
        file,
        download_name=name,
        cache=CACHE,
        content_type=content_type,
        as_attachment=download,
        request=request,
    )


@require_GET
def media(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    return _serve(request, key, thumbnail=False)


@require_GET
def thumbnail(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    return _serve(request, key, thumbnail=True)


@require_GET
def download(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    """The file saved as a download: for those who may see the post and may download (staff;
    parents where the school allows it); the others may still view it in the portal, and are
    told so (403)."""
    return _serve(request, key, thumbnail=False, download=True)
