from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from privacy.retention import pupil_delete

from ..http import signed_in_user
from ..models import ParentLink
from . import invite_actions, leaver_actions, picture_code_actions


class ParentLinkInline(admin.TabularInline):
    model = ParentLink
    fk_name = "pupil"
    extra = 0
    autocomplete_fields = ["parent"]
    verbose_name_plural = _("parents and carers linked to this pupil")


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
    search_fields = ["first_name", "surname"]
    autocomplete_fields = ["school_class"]
    inlines = [ParentLinkInline]
    actions = [*invite_actions.ACTIONS, *picture_code_actions.ACTIONS, *leaver_actions.ACTIONS]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pupil]:
        return super().get_queryset(request).annotate(parent_total=Count("parent_links"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The Year 6 leavers action takes the whole year group, with no pupil ticked.
        return super().changelist_view(leaver_actions.without_selection(request), extra_context)

    def delete_model(self, request: HttpRequest, obj: Pupil) -> None:
        """Deleting a pupil erases what the retention job would (R28), media files included:
        a plain delete would leave their photos on disk and in other pupils' posts."""
        pupil_delete(acting_user=signed_in_user(request), pupil_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Pupil]) -> None:
        acting_user = signed_in_user(request)
        for pupil_id in queryset.values_list("pk", flat=True):
            pupil_delete(acting_user=acting_user, pupil_id=pupil_id)

    def get_deleted_objects(
        self, objs: Sequence[Pupil] | QuerySet[Pupil], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        """The confirmation page lists what goes with the pupil; erasing a pupil's records is
        the office's to do (R1), so it needs no admin permission on each kind of record (posts
        and points have no admin of their own)."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    @admin.display(description=_("parents linked"), ordering="parent_total")
    def parent_count(self, obj: Pupil) -> int:
        return obj.parent_total  # type: ignore[attr-defined]
