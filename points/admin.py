"""The school's skills (leaders) and a read-only list of awards, in the office admin (R25).

Skills are added and archived through the services; a skill's points never change once it is
given, so that the points already awarded for it keep meaning what they meant.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin.base import OfficeOnlyAdmin
from accounts.http import signed_in_user

from .icons import ICONS
from .models import Award, Skill
from .permissions import can_manage_school_skills
from .services.skills import skill_archive, skill_create

FIXED_ONCE_ADDED = _(
    "A skill's name, kind, points and icon cannot change once it is added: awards already "
    "given keep the points they were given with, and parents would see the same skill count "
    "differently over time. To change them, archive this skill and add a new one."
)
SCHOOL_WIDE = _("Skills added here are for the whole school; class teachers add their own.")


class SkillAdminForm(forms.ModelForm):
    icon = forms.ChoiceField(
        label=_("icon"), choices=[(key, icon.label) for key, icon in ICONS.items()]
    )

    class Meta:
        model = Skill
        fields = ["name", "kind", "value", "icon", "archived"]


@admin.register(Skill)
class SkillAdmin(OfficeOnlyAdmin):
    """Office staff and leaders see the skills; leaders add the school's and archive any."""

    form = SkillAdminForm
    list_display = ["name", "kind", "value", "icon", "school_class", "archived"]
    list_filter = ["kind", "archived", ("school_class", admin.EmptyFieldListFilter)]
    list_select_related = ["school_class"]
    search_fields = ["name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_manage_school_skills(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_school_skills(request.user) and not (obj and obj.archived)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return ["name", "kind", "value", "icon"]
        return ["name", "kind", "value", "icon", "school_class", "archived", "fixed_note"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["name", "kind", "value", "icon", "school_class", "fixed_note"]

    @admin.display(description=_("Why these cannot change"))
    def fixed_note(self, obj: Skill) -> str:
        return str(FIXED_ONCE_ADDED)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            form.base_fields["name"].help_text = SCHOOL_WIDE
        return form

    def save_model(self, request: HttpRequest, obj: Skill, form: Any, change: bool) -> None:
        user = signed_in_user(request)
        if not change:
            created = skill_create(
                acting_user=user, name=obj.name, kind=obj.kind, value=obj.value, icon=obj.icon
            )
            obj.pk, obj.created_by = created.pk, created.created_by
        elif "archived" in form.changed_data and obj.archived:
            skill_archive(acting_user=user, skill=obj)


@admin.register(Award)
class AwardAdmin(OfficeOnlyAdmin):
    """Every award, newest first, read-only (one query for the page, whatever its length)."""

    list_display = ["awarded_at", "pupil", "school_class", "skill", "value", "awarded_by", "note"]
    list_filter = ["school_class", "skill", "awarded_at"]
    list_select_related = ["pupil", "school_class", "skill", "awarded_by"]
    date_hierarchy = "awarded_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Award]:
        return super().get_queryset(request).select_related(*self.list_select_related)
