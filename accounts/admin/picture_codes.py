"""Pupils' picture codes in the admin: read-only, with their locks and an unlock action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from classes.models import SchoolClass

from ..http import signed_in_user
from ..models import PupilLogin
from ..services.pupil_login import pupil_unlock


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", str(_("Locked"))), ("no", str(_("Not locked")))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PupilLogin]
    ) -> QuerySet[PupilLogin]:
        if self.value() == "yes":
            return queryset.filter(locked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(locked_at__isnull=True)
        return queryset


@admin.register(PupilLogin)
class PupilLoginAdmin(admin.ModelAdmin):
    """Codes are given with the pupils' action “Give new picture codes and print cards”."""

    list_display = ["pupil", "school_class", "failed_attempts", "first_failure_at", "locked_at"]
    list_filter = [LockedFilter, "pupil__school_class"]
    list_select_related = ["pupil__school_class"]
    search_fields = ["pupil__first_name", "pupil__surname"]
    readonly_fields = ("pupil", "failed_attempts", "first_failure_at", "locked_at")
    fields = readonly_fields
    actions = ["unlock"]

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def school_class(self, obj: PupilLogin) -> SchoolClass | None:
        return obj.pupil.school_class

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Unlock the selected picture codes"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[PupilLogin]) -> None:
        done = 0
        for login in queryset.select_related("pupil"):
            try:
                pupil_unlock(acting_user=signed_in_user(request), pupil=login.pupil)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
                continue
            done += 1
        self.message_user(
            request,
            ngettext("%d picture code unlocked.", "%d picture codes unlocked.", done) % done,
        )
