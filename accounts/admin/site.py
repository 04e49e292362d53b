"""The Django admin behind the portal's sign-in: same rate limits, TOTP required (R1, R5)."""

from __future__ import annotations

import weakref
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.today import today_items

from ..permissions.accounts import can_manage_accounts, can_use_admin

# Each request's answer while it lives: the admin asks for every page several times (the view's
# guard, the site's permission check, the sidebar), and each would be a query.
_allowed: weakref.WeakKeyDictionary[HttpRequest, bool] = weakref.WeakKeyDictionary()


def admin_allowed(request: HttpRequest) -> bool:
    """``can_use_admin`` for the request's user, asked of the database once per request."""
    if request not in _allowed:
        _allowed[request] = can_use_admin(request.user)
    return _allowed[request]


def secure_admin(site: admin.AdminSite) -> None:
    """Send the admin's sign-in through allauth and require TOTP before any admin page."""
    site.login = secure_admin_login(site.login)  # type: ignore[method-assign]
    site.site_header = site.site_title = _("School portal office")

    def has_permission(request: HttpRequest) -> bool:
        return admin_allowed(request)

    site.has_permission = has_permission  # type: ignore[method-assign]
    original_view = site.admin_view

    def admin_view(view: Any, cacheable: bool = False) -> Any:
        guarded = original_view(view, cacheable)

        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if can_manage_accounts(request.user) and not admin_allowed(request):
                return redirect("admin_needs_mfa")
            return guarded(request, *args, **kwargs)

        return wrapper

    site.admin_view = admin_view  # type: ignore[method-assign]
    original_index = site.index

    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """The office's today page: what waits, with counts and links (``core.today``)."""
        context = {**(extra_context or {}), "today": today_items(request.user)}
        return original_index(request, extra_context=context)

    site.index = index  # type: ignore[method-assign]
