"""Typing for requests as the middleware leaves them."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware (installed for every request): ``htmx`` says
    whether htmx sent it, and what for."""

    htmx: HtmxDetails
