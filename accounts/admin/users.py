"""Accounts in the admin (R1): who may change which account, and give which role, is
``accounts.permissions``' to say, and every change of role, every new account and every
password email goes through ``accounts.services.accounts``, which checks it again.

- An account the person at the keyboard may not manage (their own, an office or leader account
  for the office, a superuser's for anyone but a superuser) opens read-only: a forged POST is
  refused (403) and changes nothing.
- The role menu offers only the roles they may give; a forged role is a form error.
- Admin access, superuser status, groups and permissions are a superuser's to set, on others.
- No one sets another person's password: the password page does not exist (404); instead the
  change page and a bulk action send the holder a reset email, and a new account gets a
  choose-your-password email.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..http import signed_in_user
from ..models import ParentLink, Role, Suspension, User
from ..permissions.accounts import (
    can_manage_account,
    can_reset_two_factor,
    can_send_password_reset,
    can_set_access,
    grantable_roles,
    has_two_factor,
    roles_managed_by,
)
from ..services.accounts import account_create, account_language_set, account_role_set
from ..services.invites import pupil_is_current
from ..services.reasons import check_reason
from ..services.suspensions import account_reinstate, account_suspend
from . import password_actions, reprint, two_factor_actions
from .decisions import Decision, reason_or_page
from .managed import accounts_managed
from .user_forms import ACCESS_FIELDS, ROLE_NOT_YOURS, AccountAddForm, AccountChangeForm

NEW_ACCOUNT_NOTE = _(
    "No password is typed here: once saved, the account’s holder is emailed a link to choose "
    "their own, in their language."
)


REINSTATE = Decision(
    action="reinstate",
    title=_("Reinstate accounts"),
    explanation=_("The people below can sign in and use the portal again at once."),
    button=_("Reinstate"),
)


class _FollowsTheAccount(InlineModelAdmin):
    """An inline of an account's page is editable when the account is (see ``UserAdmin``)."""

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or can_manage_account(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)


class ParentLinkInline(_FollowsTheAccount, admin.TabularInline):
    model = ParentLink
    fk_name = "parent"
    extra = 0
    autocomplete_fields = ["pupil"]
    verbose_name_plural = _("children linked to this parent")


class SuspensionInline(_FollowsTheAccount, admin.StackedInline):
    model = Suspension
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["suspended_at", "reason", "suspended_by", "lifted_at", "lifted_by"]
    readonly_fields = ["suspended_at", "reason", "suspended_by", "lifted_at", "lifted_by"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SuspendForm(forms.Form):
    # No max_length: a reason too long gets the service's message, which says how long it is.
    reason = forms.CharField(label=_("Reason (the parent is told)"), widget=forms.Textarea)

    def clean_reason(self) -> str:
        return check_reason(self.cleaned_data["reason"], required=True)


@admin.register(ParentLink)
class ParentLinkAdmin(admin.ModelAdmin):
    """Who is linked to whom, searchable by either side."""

    list_display = ["parent", "pupil", "pupil_class", "created_at", "lost_letter"]
    list_select_related = ["parent", "pupil__school_class"]
    list_filter = ["pupil__school_class"]
    search_fields = ["parent__email", "parent__last_name", "pupil__first_name", "pupil__surname"]
    autocomplete_fields = ["parent", "pupil"]
    actions = [reprint.reprint_lost_letter]

    @admin.display(description=_("lost letter"))
    def lost_letter(self, obj: ParentLink) -> str:
        """A link to reprint the pupil's letter, for a pupil in a class now."""
        if not pupil_is_current(obj.pupil):
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reprint.reprint_url(obj.pupil_id), _("Reprint a lost letter")
        )

    @admin.display(description=_("class"), ordering="pupil__school_class__name")
    def pupil_class(self, obj: ParentLink) -> object:
        return obj.pupil.school_class


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountAddForm
    add_form_template = None
    change_form_template = "admin/accounts/user/change_form.html"
    ordering = ["last_name", "first_name", "email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "role",
        "preferred_language",
        "is_suspended",
        "last_login",
    ]
    list_filter = ["role", "preferred_language", "is_suspended", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["is_suspended", "has_password", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "has_password")}),
        (
            _("Person"),
            {"fields": ("title", "first_name", "last_name", "role", "preferred_language")},
        ),
        (_("Access"), {"fields": ("is_active", "is_suspended", *ACCESS_FIELDS)}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": NEW_ACCOUNT_NOTE,
                "fields": AccountAddForm.Meta.fields,
            },
        ),
    )
    filter_horizontal = ["groups", "user_permissions"]
    inlines = [ParentLinkInline, SuspensionInline]
    actions = ["suspend", "reinstate", password_actions.send_password_email]

    class Media:
        css = {"all": ["accounts/admin_users.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).exclude(role=Role.PUPIL)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<id>/password-email/",
                self.admin_site.admin_view(self.password_email_view),
                name="accounts_user_password_email",
            ),
            path(
                "<id>/two-factor-reset/",
                self.admin_site.admin_view(self.two_factor_reset_view),
                name="accounts_user_two_factor_reset",
            ),
            *super().get_urls(),
        ]

    # Who may do what --------------------------------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(roles_managed_by(request.user))

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is None:
            return bool(roles_managed_by(request.user))
        return can_manage_account(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        """Accounts are deleted only through the data-protection service (the person, or the
        office's action for suspended accounts), which also removes their files, sessions and
        cached data (R28); the admin's plain delete would leave those behind."""
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not can_set_access(request.user, obj):
            fields += ACCESS_FIELDS
        return fields

    def get_inlines(self, request: HttpRequest, obj: User | None) -> list[Any]:
        """A parent's children, and an account's suspensions when it has any: nothing empty
        (an empty table is a scrolling region with nothing to focus on a phone). A new account
        is made first (its holder gets their email), then linked."""
        if obj is None:
            return []
        inlines: list[Any] = [ParentLinkInline] if obj.role == Role.PARENT else []
        if obj.suspensions.exists():
            inlines.append(SuspensionInline)
        return inlines

    def get_form(
        self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[User]]:
        """The role menu offers only the roles the person may give this account (or a new
        one); any other value, however it was sent, is ``ROLE_NOT_YOURS`` on the field."""
        form = super().get_form(request, obj, change=change, **kwargs)
        role = form.base_fields.get("role")
        if isinstance(role, forms.ChoiceField):
            allowed = grantable_roles(request.user, obj)
            role.choices = [(value, label) for value, label in Role.choices if value in allowed]
            role.error_messages["invalid_choice"] = ROLE_NOT_YOURS
        return form

    @admin.display(description=_("password"), boolean=True)
    def has_password(self, obj: User) -> bool:
        """Whether the holder has chosen a password yet (never the password, nor its hash)."""
        return obj.has_usable_password()

    # Saving through the services --------------------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        acting_user = signed_in_user(request)
        if not change:
            assert isinstance(form, AccountAddForm)  # the add page's form (``add_form``)
            made = account_create(acting_user=acting_user, **form.account_details())
            # The admin carries on with the object its form built (the history entry, the
            # redirect to the new account's page): it now stands for the stored account.
            obj.pk, obj.password, obj.is_staff = made.pk, made.password, made.is_staff
            obj._state.adding, obj._state.db = False, made._state.db
            return
        role, language = obj.role, obj.preferred_language
        # The role and the language are the services' to change, checked again; a new
        # language also has the person's feed translated into it (R32, R34).
        obj.role = form.initial["role"]
        obj.preferred_language = form.initial.get("preferred_language", language)
        super().save_model(request, obj, form, change)
        if role != obj.role:
            changed = account_role_set(acting_user=acting_user, user=obj, role=role)
            obj.role, obj.is_staff = changed.role, changed.is_staff
        if language != obj.preferred_language:
            changed = account_language_set(acting_user=acting_user, user=obj, language=language)
            obj.preferred_language = changed.preferred_language

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Nobody sets another person's password, a superuser included (the holder chooses it
        from a reset email), and one's own is changed on one's account page, which asks for
        the current one: this page does not exist."""
        raise Http404

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            "may_send_password_email": user is not None
            and can_send_password_reset(request.user, user),
            "may_reset_two_factor": user is not None
            and can_reset_two_factor(request.user, user)
            and has_two_factor(user),
        }
        return super().change_view(request, object_id, form_url, context)

    def password_email_view(self, request: HttpRequest, id: str) -> HttpResponse:
        return password_actions.password_email_view(self, request, id)

    def two_factor_reset_view(self, request: HttpRequest, id: str) -> HttpResponse:
        return two_factor_actions.two_factor_reset_view(self, request, id)

    # Bulk actions -----------------------------------------------------------------------------

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
        for user in accounts_managed(self, request, queryset):
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
    def reinstate(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        reason, page = reason_or_page(self, request, queryset, REINSTATE)
        if page is not None:
            return page
        done = 0
        for user in accounts_managed(self, request, queryset):
            try:
                account_reinstate(
                    acting_user=signed_in_user(request), user=user, reason=reason or ""
                )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(
            request, ngettext("%d account reinstated.", "%d accounts reinstated.", done) % done
        )
        return None
