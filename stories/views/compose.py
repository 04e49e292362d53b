"""Writing, editing and deleting posts. The forms parse; the services apply the rules (names,
consent, files) and refuse with messages shown beside the field concerned."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedRequest
from classes.models import Pupil, SchoolClass
from classes.selectors import school_get
from consent.selectors import MediaVerdict, class_verdicts, roster_for
from core.upload_limit import upload_too_large

from ..forms import AboutForm, PostForm, SchoolPostForm
from ..models import Audience, Post
from ..permissions import can_change_post, can_post_to_class, can_post_to_school
from ..selectors import FeedPost, post_for
from ..services.checks import taggable_pupils
from ..services.posts import post_create, post_delete, post_update

POSTED = _("Posted.")
SCHEDULED = _("Scheduled: it will be published on %(when)s.")
UPDATED = _("Saved.")
DELETED = _("The post is deleted.")
NOT_A_PUPIL = _("Choose a pupil of this class.")
UPLOAD_TOO_LARGE = _(
    "The files were too large to receive: a post can carry at most %(limit)s in all. Nothing "
    "was saved."
)

# Where each of the services' refusals is shown (by its code); anything else is about the files.
FIELD_OF_CODE = {
    "empty": "body",
    "too_long": "body",
    "markup": "body",
    "surname": "body",
    "tag_or_no_child": "tagged",
    "tag_and_no_child": "tagged",
    "not_in_audience": "tagged",
    "no_consent": "tagged",
    "urgent": "urgent",
}


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's refusal beside the field it concerns."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        field = FIELD_OF_CODE.get(item.code or "", "attachments")
        form.add_error(field if field in form.fields else None, item)


def _done_message(request: AuthedRequest, post: Post, text: Any = POSTED) -> None:
    if post.published_at is None:
        when = date_format(localtime(post.publish_at, school_get().tz), "DATETIME_FORMAT")
        messages.success(request, SCHEDULED % {"when": when})
    else:
        messages.success(request, text)


def _create(request: AuthedRequest, form: PostForm, **where: Any) -> Post | None:
    if upload_too_large(request):
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        form.add_error("attachments", UPLOAD_TOO_LARGE % {"limit": limit})
        return None
    data = form.cleaned_data
    try:
        return post_create(
            acting_user=request.user,
            body=data["body"],
            uploads=data.get("attachments") or [],
            tagged_ids=data["tagged"],
            no_child_appears=data["no_child_appears"],
            publish_at=data["publish_at"],
            urgent=data.get("urgent", False),
            **where,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _done(request: AuthedRequest, url: str) -> HttpResponse:
    """After a new post: the feed. The composer sends with htmx (so that a refused post keeps
    the files chosen): htmx then loads the feed as a page of its own."""
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def _refused_status(request: AuthedRequest, refused: bool) -> int:
    """400 for a refused post, except to htmx, which swaps in only a success: the page comes
    back with its messages, and the file box, which htmx keeps, still holds the files."""
    return 400 if refused and not request.htmx else 200


def _about(form: AboutForm, school_class: SchoolClass) -> dict[str, Any] | None:
    pupil_id = form.cleaned_data["about"]
    if pupil_id is None:
        return {"audience": Audience.CLASS, "school_class": school_class}
    pupil = Pupil.objects.current().filter(pk=pupil_id, school_class=school_class).first()
    if pupil is None:
        form.add_error("about", NOT_A_PUPIL)
        return None
    return {"audience": Audience.STUDENT, "pupil": pupil}


@require_http_methods(["GET", "POST"])
def compose_class(request: AuthedRequest, class_id: int) -> HttpResponse:
    """A Class Story post, or a Student Story post about one of the class's pupils."""
    school_class = get_object_or_404(SchoolClass, pk=class_id)
    if not can_post_to_class(request.user, school_class):
        raise Http404
    pupils = roster_for(school_class)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    label = str(_("Class Story: %(name)s") % {"name": school_class.name})
    about = AboutForm(*data[:1], pupils=pupils, class_label=label, prefix="to")
    form = PostForm(*data, pupils=pupils)
    if request.method == "POST" and about.is_valid() and form.is_valid():
        where = _about(about, school_class)
        post = _create(request, form, **where) if where else None
        if post is not None:
            _done_message(request, post)
            return _done(request, f"{reverse('stories_feed')}?class={school_class.pk}")
    context = {"school_class": school_class, "about": about, "form": form}
    status = _refused_status(request, bool(about.errors or form.errors))
    return render(request, "stories/compose.html", context, status=status)


def _school_pupils() -> list[MediaVerdict]:
    """Every current pupil, by display name with their class (for tagging a School Story)."""
    by_class = class_verdicts(SchoolClass.objects.values_list("pk", flat=True))
    names = dict(SchoolClass.objects.values_list("pk", "name"))
    verdicts = []
    for class_id, entries in by_class.items():
        for v in entries:
            label = f"{v.display_name} ({names.get(class_id, '')})"
            verdicts.append(MediaVerdict(v.pupil_id, label, v.may_appear, v.reason))
    return sorted(verdicts, key=lambda v: v.display_name.casefold())


@require_http_methods(["GET", "POST"])
def compose_school(request: AuthedRequest) -> HttpResponse:
    """A School Story post (leaders and the office), possibly urgent."""
    if not can_post_to_school(request.user):
        raise Http404
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = SchoolPostForm(*data, pupils=_school_pupils())
    if request.method == "POST" and form.is_valid():
        post = _create(request, form, audience=Audience.SCHOOL)
        if post is not None:
            _done_message(request, post)
            return _done(request, reverse("stories_feed"))
    status = _refused_status(request, bool(form.errors))
    return render(request, "stories/compose.html", {"form": form}, status=status)


def _own_post(request: AuthedRequest, post_id: int) -> FeedPost:
    """The viewer's own post, as a feed shows it: 404 if they cannot see it, 403 if it is
    someone else's."""
    row = post_for(request.user, post_id)
    if row is None:
        raise Http404
    if not can_change_post(request.user, row.post):
        raise PermissionDenied
    return row


def _edit_form(request: AuthedRequest, post: Post) -> PostForm:
    verdicts = roster_for(post.school_class) if post.school_class else _school_pupils()
    allowed = {p.pk for p in taggable_pupils(post)}
    pupils = [v for v in verdicts if v.pupil_id in allowed]
    initial = {
        "body": post.body,
        "tagged": list(post.tagged.values_list("pk", flat=True)),
        "no_child_appears": post.no_child_appears,
        "publish_at": localtime(post.publish_at, school_get().tz)
        if not post.published_at
        else None,
    }
    data = (request.POST,) if request.method == "POST" else ()
    return PostForm(*data, pupils=pupils, with_files=False, initial=initial)


@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, post_id: int) -> HttpResponse:
    """The author changes the text or tags, or removes attachments."""
    post = _own_post(request, post_id).post
    form = _edit_form(request, post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = post_update(
                acting_user=request.user,
                post=post,
                body=data["body"],
                tagged_ids=data["tagged"],
                no_child_appears=data["no_child_appears"],
                remove_keys=request.POST.getlist("remove"),
                publish_at=data["publish_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _done_message(request, post, UPDATED)
            return redirect("stories_post", post_id=post.pk)
    context = {"form": form, "post": post, "editing": True}
    return render(request, "stories/compose.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def delete(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Asks first; deleting removes the post, its likes and its files."""
    row = _own_post(request, post_id)
    if request.method == "POST":
        post_delete(acting_user=request.user, post=row.post)
        messages.success(request, DELETED)
        return redirect("stories_feed")
    return render(request, "stories/delete.html", {"row": row})
