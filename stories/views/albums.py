"""The photo viewer and the albums (R8, R15): pages around the photos, which are still served
only by ``stories.views.media`` after its permission check. A missing post, photo, class or
child and one that is not the viewer's are both 404."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.http import AuthedRequest
from classes.models import Pupil, SchoolClass
from classes.names import display_names

from ..albums import class_album, photo_view, pupil_album
from ..permissions import can_download_media, can_see_class_album, can_see_pupil_album
from ..selectors import Cursor
from ..services.likes import posts_mark_seen


@require_GET
def photo(request: AuthedRequest, post_id: int, key: uuid.UUID) -> HttpResponse:
    """One photo of a post, with the post's text and author, the photos before and after it
    (links, arrow keys and swipes), a way back, and a download where the school allows it."""
    view = photo_view(request.user, post_id, key)
    if view is None:
        raise Http404
    post = view.row.post
    posts_mark_seen(viewer=request.user, post_ids=[] if view.row.seen else [post.pk])
    context = {"view": view, "may_download": can_download_media(request.user)}
    return render(request, "stories/photo.html", context)


@require_GET
def class_album_page(request: AuthedRequest, class_id: int) -> HttpResponse:
    """A class's photos by month, for those who read its Class Story."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_see_class_album(request.user, school_class):
        raise Http404
    album = class_album(request.user, school_class, Cursor.parse(request.GET.get("after")))
    context = {"album": album, "school_class": school_class}
    return render(request, "stories/album.html", context)


@require_GET
def child_album_page(request: AuthedRequest, pupil_id: int) -> HttpResponse:
    """A child's own album: the photos that tag them and their Student Story's."""
    pupil = get_object_or_404(Pupil.objects.select_related("school_class"), pk=pupil_id)
    if not can_see_pupil_album(request.user, pupil):
        raise Http404
    album = pupil_album(request.user, pupil, Cursor.parse(request.GET.get("after")))
    name = display_names([pupil])[pupil.pk]
    context = {"album": album, "pupil": pupil, "pupil_name": name}
    return render(request, "stories/album.html", context)
