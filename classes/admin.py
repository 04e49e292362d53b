from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Closure, CoverAssignment, School, SchoolClass, SchoolClassUserObjectPermission
from .selectors import SUPPORT, TEACH

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class SchoolForm(forms.ModelForm):
    working_days = forms.MultipleChoiceField(
        label=_("working days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = School
        fields = [
            "name",
            "time_zone",
            "working_days",
            "working_day_starts",
            "working_day_ends",
            "office_phone",
            "office_email",
            "max_recording_minutes",
            "staff_emails_per_day",
            "parents_may_download_media",
            "staff_two_factor_required",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["working_days"] = list(self.instance.working_days)

    def clean_working_days(self) -> str:
        return "".join(sorted(self.cleaned_data["working_days"]))


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    form = SchoolForm
    list_display = ["name", "time_zone", "office_phone", "office_email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not School.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Who may teach or support a class: the accounts app's roles, named here by value, since classes
# sits below accounts (tests/accounts check that they are roles).
ASSIGNABLE_ROLES = ("teacher", "support", "leader")


# What the office reads when it assigns staff, rather than Django's name of a permission
# ("School and classes | class | Teaches this class").
PART_LABELS = {TEACH: _("Teaches this class"), SUPPORT: _("Supports this class")}


class PartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return str(PART_LABELS.get(obj.codename, obj.name))


class StaffAssignmentForm(forms.ModelForm):
    class Meta:
        model = SchoolClassUserObjectPermission
        fields = ["user", "permission"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django makes a ModelChoiceField of each foreign key.
        user = cast(forms.ModelChoiceField, self.fields["user"])
        user.queryset = get_user_model()._default_manager.filter(role__in=ASSIGNABLE_ROLES)
        self.fields["permission"] = PartChoiceField(
            queryset=Permission.objects.filter(
                content_type__app_label="classes", codename__in=[TEACH, SUPPORT]
            ).order_by("-codename"),  # "teach_class" first
            label=pgettext_lazy(
                "a staff member's part in a class: teacher or support staff", "as"
            ),
        )


class StaffAssignmentInline(admin.TabularInline):
    """Staff assignments are django-guardian object permissions, edited here (R1)."""

    model = SchoolClassUserObjectPermission
    form = StaffAssignmentForm
    extra = 1
    verbose_name = _("staff member")
    verbose_name_plural = _("staff of this class")
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolClassUserObjectPermission]:
        return super().get_queryset(request).select_related("user", "permission")


class CoverWhenFilter(admin.SimpleListFilter):
    """Covers still to come (or under way), or those over."""

    title = _("when")
    parameter_name = "when"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("upcoming", _("Now and upcoming")), ("past", _("Past"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=timezone.now())
        if self.value() == "past":
            return queryset.filter(ends_at__lte=timezone.now())
        return queryset


class CoverInline(admin.TabularInline):
    """A class's covers under way or to come, soonest first; past ones are a link away (the
    class's page would otherwise grow by a row every week of the year)."""

    model = CoverAssignment
    extra = 0
    autocomplete_fields = ["teacher"]
    ordering = ["starts_at"]
    verbose_name_plural = _("cover now and upcoming")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CoverAssignment]:
        return super().get_queryset(request).filter(ends_at__gt=timezone.now())


class PupilTotal(TypedDict):
    pupil_total: int


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ["name", "year_group", "academic_year", "class_code", "pupil_count"]
    list_filter = ["year_group", "academic_year"]
    search_fields = ["name", "class_code"]
    inlines = [StaffAssignmentInline, CoverInline]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        past = reverse("admin:classes_coverassignment_changelist")
        context = {
            **(extra_context or {}),
            "past_covers_url": f"{past}?school_class__id__exact={object_id}&when=past",
        }
        return super().change_view(request, object_id, form_url, context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolClass]:
        return (
            super()
            .get_queryset(request)
            .annotate(pupil_total=Count("pupils", filter=Q(pupils__leaving_date__isnull=True)))
        )

    @admin.display(description=_("pupils"), ordering="pupil_total")
    def pupil_count(self, obj: WithAnnotations[SchoolClass, PupilTotal]) -> int:
        return obj.pupil_total


@admin.register(CoverAssignment)
class CoverAssignmentAdmin(admin.ModelAdmin):
    list_display = ["teacher", "school_class", "starts_at", "ends_at"]
    list_filter = [CoverWhenFilter, "school_class"]
    list_select_related = ["teacher", "school_class"]
    autocomplete_fields = ["teacher"]
    date_hierarchy = "starts_at"


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["reason", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"
    search_fields = ["reason"]
