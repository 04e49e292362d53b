"""The feeds (R15): a parent's children's stories merged, a teacher's classes (with a filter), a
pupil's own; one post; likes without a reload (htmx) or with a plain form (R16)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthedRequest
from accounts.models import Role
from classes.models import SchoolClass
from classes.selectors import staff_classes

from ..permissions import can_like_post, can_post_to_school
from ..selectors import Cursor, feed_page, own_posts_to_attend, post_for
from ..services.likes import post_like, post_unlike, posts_mark_seen

STAFF = (Role.TEACHER, Role.SUPPORT, Role.LEADER, Role.OFFICE)


def _class_filter(request: AuthedRequest) -> tuple[list[SchoolClass], int | None]:
    """Staff's classes (to filter by and to post to) and the chosen one, if it is theirs."""
    if request.user.role not in (Role.TEACHER, Role.SUPPORT, Role.LEADER):
        return [], None
    classes = staff_classes(request.user)
    try:
        chosen = int(request.GET.get("class", ""))
    except ValueError:
        return classes, None
    return classes, chosen if chosen in {c.pk for c in classes} else None


@require_GET
def feed(request: AuthedRequest) -> HttpResponse:
    """The stories this person may see, newest first; ``?after=`` continues (htmx appends the
    next page; without JavaScript it is a link to the next page)."""
    classes, class_id = _class_filter(request)
    page = feed_page(
        request.user,
        cursor=Cursor.parse(request.GET.get("after")),
        class_id=class_id,
        class_ids={school_class.pk for school_class in classes},
    )
    unseen = [row.post.pk for row in page.posts if not row.seen]
    posts_mark_seen(viewer=request.user, post_ids=unseen)
    context: dict[str, object] = {
        "posts": page.posts,
        "next_cursor": page.next_cursor,
        "classes": classes,
        "class_id": class_id,
        "may_like": can_like_post(request.user),
        "may_post_school": can_post_to_school(request.user),
    }
    if request.htmx and request.GET.get("after"):
        return render(request, "stories/includes/feed_page.html", context)
    if request.user.role in STAFF:
        own = own_posts_to_attend(request.user)
        context.update(hidden=own.hidden, scheduled=own.scheduled)
    return render(request, "stories/feed.html", context)


@require_GET
def post_detail(request: AuthedRequest, post_id: int) -> HttpResponse:
    row = post_for(request.user, post_id)
    if row is None:
        raise Http404
    unseen = row.post.published_at and not row.seen
    posts_mark_seen(viewer=request.user, post_ids=[row.post.pk] if unseen else [])
    context = {"row": row, "may_like": can_like_post(request.user), "single": True}
    return render(request, "stories/post.html", context)


@require_POST
def like(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Like (or, with ``action=unlike``, take back a like of) a post the person can see."""
    row = post_for(request.user, post_id)
    if row is None or row.post.published_at is None or not can_like_post(request.user):
        raise Http404
    change = post_unlike if request.POST.get("action") == "unlike" else post_like
    post = change(acting_user=request.user, post=row.post)
    if request.htmx:
        context = {"post": post, "liked": change is post_like, "may_like": True}
        return render(request, "stories/includes/like.html", context)
    return redirect(f"{reverse('stories_feed')}#post-{post.pk}")
