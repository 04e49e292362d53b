"""Typing for requests that have passed the sign-in gate."""

from __future__ import annotations

from django.http import HttpRequest

from core.http import HtmxHttpRequest

from .models import User


class AuthedRequest(HtmxHttpRequest):
    """A request whose user is signed in (every view not marked ``login_not_required``), with
    django-htmx's ``htmx`` details."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user of ``request``; for admin code, which Django types loosely."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("this code path needs a signed-in user")
    return user
