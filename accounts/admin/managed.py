"""Bulk actions on accounts reach only the accounts the person at the keyboard may manage
(``accounts.permissions.accounts.can_manage_account``); the services check the same predicate
again."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..http import signed_in_user
from ..models import User
from ..permissions.accounts import can_manage_account

NOT_YOURS_TO_CHANGE = _("%(who)s: this account is not yours to change, so it was left alone.")


def accounts_managed(
    modeladmin: admin.ModelAdmin[User], request: HttpRequest, accounts: Iterable[User]
) -> Iterator[User]:
    """The selected accounts the person at the keyboard may manage; each other one is named in
    a warning and left alone."""
    actor = signed_in_user(request)
    for user in accounts:
        if can_manage_account(actor, user):
            yield user
        else:
            modeladmin.message_user(request, NOT_YOURS_TO_CHANGE % {"who": user}, messages.WARNING)
