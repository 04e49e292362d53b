"""The ``Permissions-Policy`` header on every response (W3C Permissions Policy).

The portal uses none of the browser's powerful features: no camera, microphone, location,
payment or USB. The header tells the browser so, for the portal's pages and for anything a page
could embed, so a script that got in (or a document served as media) cannot ask for them.
Neither Django 5.2 nor django-csp sends this header: this middleware does, from the setting
``PERMISSIONS_POLICY``, a mapping of feature to allowed origins (an empty list: nobody).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]
# Allow-list members the header's syntax takes as they are; any other is an origin to quote.
KEYWORDS = frozenset({"*", "self", "src"})


def header_value(policy: Mapping[str, Sequence[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    parts = []
    for feature, allowed in policy.items():
        if isinstance(allowed, str):
            raise ImproperlyConfigured(f"PERMISSIONS_POLICY[{feature!r}] must be a list")
        members = [item if item in KEYWORDS else f'"{item}"' for item in allowed]
        parts.append(f"{feature}=({' '.join(members)})")
    return ", ".join(parts)


class PermissionsPolicyMiddleware:
    """Goes before whitenoise, so static files carry the header too; a view's own header wins."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.value = header_value(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value:
            response.headers.setdefault("Permissions-Policy", self.value)
        return response
