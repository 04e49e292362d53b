"""Class lists to print or take to a spreadsheet (issue 21): each current pupil by the name the
portal shows them by (R6, first name and only as much of the surname as tells two apart), with
how many parents or carers have joined for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from classes.names import display_names

from ..models import ClassListPupil
from .office_lists import OfficeListAdmin
from .pupils import ClassFilter

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Joined(TypedDict):
    parents_joined: int


@admin.register(ClassListPupil)
class ClassListAdmin(OfficeListAdmin):
    list_display = ["first_name", "surname", "school_class", "parents"]
    list_display_links = None
    list_filter = [("school_class", ClassFilter)]
    search_fields = ["first_name", "surname"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClassListPupil]:
        return (
            ClassListPupil.objects.current()
            .select_related("school_class")
            .annotate(parents_joined=Count("parent_links"))
            .order_by("school_class__name", "first_name", "surname")
        )

    @admin.display(description=_("parents or carers joined"), ordering="parents_joined")
    def parents(self, obj: WithAnnotations[ClassListPupil, Joined]) -> int:
        return obj.parents_joined

    def list_headers(self) -> Sequence[str | Promise]:
        return [_("class"), _("name"), _("parents or carers joined")]

    def list_rows(self, queryset: QuerySet[Any]) -> list[list[object]]:
        pupils = list(queryset)
        names = display_names(pupils)
        return [
            [p.school_class.name if p.school_class else "", names[p.pk], p.parents_joined]
            for p in pupils
        ]
