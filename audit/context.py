"""The address of the request being served, for entries written by services that are not given
the request (R28: every entry says from which address), and the person it was made by.

``RequestAddressMiddleware`` sets both for the length of each request; outside a request (Celery
tasks, management commands) there is none, and entries say so by leaving the address empty.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from core.ratelimit import client_ip

_current_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def valid_address(value: str) -> str | None:
    """``value`` if it is an IP address, else None (a malformed header must not fail a write)."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_address(request: HttpRequest | None) -> str | None:
    """The client address of ``request``, or of the request being served when it is None."""
    if request is not None:
        return valid_address(client_ip(request))
    return _current_address.get()


@contextmanager
def serving_address(address: str | None) -> Iterator[None]:
    """Entries written inside this block carry ``address`` (the middleware's way, and tests')."""
    token = _current_address.set(valid_address(address) if address else None)
    try:
        yield
    finally:
        _current_address.reset(token)


def request_actor(user_id: object) -> Any:
    """The signed-in user of the request being served, if it is ``user_id``, else None.

    That object was loaded when the request began (the sign-in gates read it before any view),
    so it holds the person's role as it was when they acted; a copy read from the database
    afterwards holds the role the request may have given them."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated and user.pk == user_id:
        return user
    return None


class RequestAddressMiddleware:
    """Makes the client's address (``core.ratelimit.client_ip``) and the request's user
    known to the audit log for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            with serving_address(client_ip(request)):
                return self.get_response(request)
        finally:
            _current_request.reset(token)
