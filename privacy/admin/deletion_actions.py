"""The office deletes suspended accounts from the admin (R5, R28), after a confirmation page
that says what goes and what stays. The work is ``privacy.deletion``'s."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin.managed import accounts_managed
from accounts.http import signed_in_user
from accounts.models import User

from ..deletion import account_delete_suspended
from ..permissions.deletion import can_delete_suspended_accounts

CONFIRM_FIELD = "confirm_delete"


@admin.action(description=_("Delete the selected suspended accounts"))
def delete_suspended(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse | None:
    """First a page listing the accounts, then (confirmed) each is deleted; an account that is
    not suspended is named and left alone."""
    acting_user = signed_in_user(request)
    if not can_delete_suspended_accounts(acting_user):
        raise PermissionDenied
    people = list(queryset.order_by("last_name", "first_name", "pk"))
    if CONFIRM_FIELD not in request.POST:
        context = {
            "people": people,
            "confirm_field": CONFIRM_FIELD,
            **modeladmin.admin_site.each_context(request),
        }
        return render(request, "admin/accounts/delete_suspended.html", context)
    done = 0
    for person in accounts_managed(modeladmin, request, people):
        try:
            account_delete_suspended(acting_user=acting_user, user=person)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(
        request, ngettext("%d account deleted.", "%d accounts deleted.", done) % done
    )
    return None
