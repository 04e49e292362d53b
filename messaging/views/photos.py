"""Photos of messages, served only to the two sides of the thread (R8): the teacher only once
the message is delivered (R19), nobody once it is withdrawn. Private, never sniffed."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from core.files import protected_file_response

from ..models import MessagePhoto
from ..permissions import photos_visible_to

CACHE = "private, max-age=86400"


def _photo_for(request: AuthedRequest, key: uuid.UUID) -> MessagePhoto:
    photo = photos_visible_to(request.user).filter(key=key).first()
    if photo is None:
        raise Http404
    return photo


def _serve(request: AuthedRequest, key: uuid.UUID, *, thumbnail: bool) -> HttpResponseBase:
    found = _photo_for(request, key)
    return protected_file_response(
        found.thumbnail if thumbnail else found.file,
        download_name=f"photo-{found.message_id}.webp",
        cache=CACHE,
        content_type=found.content_type,
    )


@require_GET
def photo(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    return _serve(request, key, thumbnail=False)


@require_GET
def thumbnail(request: AuthedRequest, key: uuid.UUID) -> HttpResponseBase:
    return _serve(request, key, thumbnail=True)
