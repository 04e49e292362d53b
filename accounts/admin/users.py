from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..http import signed_in_user
from ..models import ParentLink, Suspension, User
from ..services.suspensions import account_reinstate, account_suspend
from .deletion_actions import delete_suspended


class ParentLinkInline(admin.TabularInline):
    model = ParentLink
    fk_name = "parent"
    extra = 0
    autocomplete_fields = ["pupil"]
    verbose_name_plural = _("children linked to this parent")


class SuspensionInline(admin.TabularInline):
    model = Suspension
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["suspended_at", "reason", "suspended_by", "lifted_at", "lifted_by"]
    readonly_fields = ["suspended_at", "reason", "suspended_by", "lifted_at", "lifted_by"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the parent is told)"), widget=forms.Textarea, max_length=2000
    )


@admin.register(ParentLink)
class ParentLinkAdmin(admin.ModelAdmin):
    """Who is linked to whom, searchable by either side."""

    list_display = ["parent", "pupil", "pupil_class", "created_at"]
    list_select_related = ["parent", "pupil__school_class"]
    list_filter = ["pupil__school_class"]
    search_fields = ["parent__email", "parent__last_name", "pupil__first_name", "pupil__surname"]
    autocomplete_fields = ["parent", "pupil"]

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, obj: ParentLink) -> object:
        return obj.pupil.school_class


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "role", "is_suspended", "last_login"]
    list_filter = ["role", "is_suspended", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["is_suspended", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("title", "first_name", "last_name", "role", "preferred_language")},
        ),
        (
            _("Access"),
            {"fields": ("is_active", "is_suspended", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "title",
                    "first_name",
                    "last_name",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ["groups"]
    inlines = [ParentLinkInline, SuspensionInline]
    actions = ["suspend", "reinstate", delete_suspended]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).exclude(role="pupil")

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Accounts are deleted only through the data-protection service (the person, or the
        office's action for suspended accounts), which also removes their files, sessions and
        cached data (R28); the admin's plain delete would leave those behind."""
        return False

    @admin.action(description=_("Suspend the selected accounts"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        form = SuspendForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return render(
                request,
                "admin/accounts/suspend.html",
                {"form": form, "users": queryset, **self.admin_site.each_context(request)},
            )
        done = 0
        for user in queryset:
            try:
                account_suspend(
                    acting_user=signed_in_user(request),
                    user=user,
                    reason=form.cleaned_data["reason"],
                )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request, ngettext("%d account suspended.", "%d accounts suspended.", done) % done
        )
        return None

    @admin.action(description=_("Reinstate the selected accounts"))
    def reinstate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                account_reinstate(acting_user=signed_in_user(request), user=user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request, ngettext("%d account reinstated.", "%d accounts reinstated.", done) % done
        )
