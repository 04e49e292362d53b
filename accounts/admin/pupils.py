from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil

from ..models import ParentLink
from ..permissions.accounts import can_manage_accounts
from ..services.invites import pupil_is_current
from . import invite_actions, picture_code_actions, reprint

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ParentLinkInline(admin.TabularInline):
    model = ParentLink
    fk_name = "pupil"
    extra = 0
    autocomplete_fields = ["parent"]
    verbose_name_plural = _("parents and carers linked to this pupil")


class ParentTotal(TypedDict):
    parent_total: int


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = [
        "first_name",
        "surname",
        "school_class",
        "date_of_birth",
        "parent_count",
        "leaving_date",
    ]
    list_filter = [
        "school_class__year_group",
        "school_class",
        ("leaving_date", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["school_class"]
    # A class and a half to a page: each row's cost is Django's rendering (the checkbox, the
    # links), so fewer rows is a faster page; the class filter finds the rest.
    list_per_page = 50
    search_fields = ["first_name", "surname"]
    autocomplete_fields = ["school_class"]
    inlines = [ParentLinkInline]
    actions = [
        *invite_actions.ACTIONS,
        reprint.reprint_lost_letter,
        *picture_code_actions.ACTIONS,
    ]

    # The page says "N pupils" once: no second count of the whole table beside the filtered one.
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pupil]:
        # A subquery rather than a join and GROUP BY: the page's count leaves it out.
        links = (
            ParentLink.objects.filter(pupil=OuterRef("pk"))
            .order_by()
            .values("pupil")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(parent_total=Coalesce(Subquery(links), 0, output_field=IntegerField()))
        )

    @admin.display(description=_("parents linked"), ordering="parent_total")
    def parent_count(self, obj: WithAnnotations[Pupil, ParentTotal]) -> int:
        return obj.parent_total

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<pupil_id>/reprint-letter/",
                self.admin_site.admin_view(self.reprint_view),
                name="classes_pupil_reprint_letter",
            ),
            *super().get_urls(),
        ]

    def reprint_view(self, request: HttpRequest, pupil_id: str) -> HttpResponse:
        return reprint.reprint_view(self, request, pupil_id)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        pupil = self.get_object(request, object_id)
        may_reprint = (
            pupil is not None and pupil_is_current(pupil) and can_manage_accounts(request.user)
        )
        context = {
            **(extra_context or {}),
            "reprint_url": reprint.reprint_url(pupil.pk) if may_reprint and pupil else "",
        }
        return super().change_view(request, object_id, form_url, context)
