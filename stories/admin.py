"""Who has read an urgent School Story post (issue 21): every parent with a child at the school
now, read or not, for the urgent post the office chooses (the latest by default), to print, to
download as CSV, and to phone those who have not read it. "Read" is what the author's reach
counts (R30): the post was on the parent's screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import ParentLink, Role
from consent.admin.office_lists import OfficeListAdmin

from .models import Audience, Post, PostSeen, UrgentNoticeReader

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

POST_PARAMETER = "post"
NOT_READ = _("Not read")
READ_ON = _("Read %(when)s")
NO_URGENT_POST = _("No urgent School Story post has been published yet.")


class SeenAt(TypedDict):
    seen_at: Any


def urgent_posts() -> QuerySet[Post]:
    """Published urgent School Story posts, the latest first."""
    return Post.objects.filter(
        audience=Audience.SCHOOL, urgent=True, published_at__isnull=False
    ).order_by("-published_at", "-pk")


def chosen_post_id(request: HttpRequest) -> int | None:
    """The urgent post the list is about: the one in the address, else the latest."""
    wanted = request.GET.get(POST_PARAMETER, "")
    posts = urgent_posts()
    if wanted.isdigit():
        posts = posts.filter(pk=int(wanted))
    return posts.values_list("pk", flat=True).first()


def _post_label(post: Post) -> str:
    when = date_format(post.published_at or post.publish_at, pgettext("date format", "j M Y"))
    return f"{when}: {Truncator(post.body).chars(60)}"


class UrgentPostFilter(admin.SimpleListFilter):
    """Which urgent post; the queryset itself is chosen in ``get_queryset``."""

    title = _("urgent post")
    parameter_name = POST_PARAMETER

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(post.pk), _post_label(post)) for post in urgent_posts()[:20]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", NOT_READ), ("yes", _("Read"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(seen_at__isnull=self.value() == "no")
        return queryset


@admin.register(UrgentNoticeReader)
class UrgentNoticeReaderAdmin(OfficeListAdmin):
    list_display = ["name", "email", "preferred_language", "read"]
    list_display_links = None
    list_filter = [UrgentPostFilter, ReadFilter]
    search_fields = ["email", "first_name", "last_name"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """Parents of a current pupil, each with when they read the chosen post (or None)."""
        current_child = ParentLink.objects.filter(
            parent=OuterRef("pk"),
            pupil__leaving_date__isnull=True,
            pupil__school_class__isnull=False,
        )
        post_id = chosen_post_id(request)
        if post_id is None:
            return UrgentNoticeReader.objects.none()
        seen = PostSeen.objects.filter(post_id=post_id, user=OuterRef("pk"))
        return (
            UrgentNoticeReader.objects.filter(Exists(current_child), role=Role.PARENT)
            .annotate(seen_at=Subquery(seen.values("seen_at")[:1]))
            .order_by("last_name", "first_name", "email")
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if chosen_post_id(request) is None:
            messages.info(request, NO_URGENT_POST)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj: UrgentNoticeReader) -> str:
        return obj.get_full_name()

    @admin.display(description=_("read"), ordering="seen_at")
    def read(self, obj: WithAnnotations[UrgentNoticeReader, SeenAt]) -> str:
        if obj.seen_at is None:
            return str(NOT_READ)
        when = date_format(obj.seen_at, pgettext("date format", "j M Y"))
        return str(READ_ON % {"when": when})

    def list_headers(self) -> Sequence[str | Promise]:
        return [_("name"), _("email address"), _("preferred language"), _("read")]

    def list_rows(self, queryset: QuerySet[Any]) -> list[list[object]]:
        return [
            [p.get_full_name(), p.email, p.get_preferred_language_display(), self.read(p)]
            for p in queryset
        ]
