from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Role


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up (R1): parents join with an invite code, staff are created by the office."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if user.is_suspended:
            return render(request, "accounts/suspended.html", status=403)
        if user.role == Role.PUPIL:
            return render(request, "accounts/pupil_use_picture_code.html", status=403)
        return super().pre_login(request, user, **kwargs)
