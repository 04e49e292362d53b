"""Privacy's part of the accounts' admin pages (R28): the office's leaver actions on pupils,
the deletion of suspended accounts, and a pupil's deletion that erases what the retention job
would. Accounts registers the pages and knows nothing of privacy; privacy (later in
INSTALLED_APPS) registers them again with its actions added after accounts' own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.admin.pupils import PupilAdmin
from accounts.admin.users import UserAdmin
from accounts.http import signed_in_user
from accounts.models import User
from classes.models import Pupil

from ..retention import pupil_delete
from . import deletion_actions, leaver_actions


class PrivacyUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, deletion_actions.delete_suspended]


class PrivacyPupilAdmin(PupilAdmin):
    actions = [*PupilAdmin.actions, *leaver_actions.ACTIONS]

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


for model, model_admin in ((User, PrivacyUserAdmin), (Pupil, PrivacyPupilAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
