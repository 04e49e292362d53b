"""The data-processing consent gate (R4): until a parent has agreed to the school's current
data-processing consent form for every linked child, the form is the only page they see.

It runs after ``accounts.middleware.CodeOfConductMiddleware``: the code of conduct comes first,
so the code's page is exempt here too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.middleware import Handler, is_static_request, url_name_of
from accounts.models import Role
from dojo_portal.pwa import URL_NAMES as PWA_URL_NAMES

from .services.data_processing import dp_pending_exists

# Pages a parent may reach before agreeing: the form itself, the code of conduct (its gate comes
# first), sign-out, joining with another invite code (which adds a child to agree for), the
# language switch (to read the form in their own language) and the health check.
DP_EXEMPT_URL_NAMES = frozenset(
    {"dp_consent", "conduct", "account_logout", "join", "join_done", "healthz", "set_language"}
    # the privacy notices: a parent reads what they agree to before agreeing (R28)
    | {"privacy_notice_parents", "privacy_notice_pupils"}
    # the installable app's public files (manifest, service worker, offline page, icons)
    | PWA_URL_NAMES
    # an email's unsubscribe link works without signing in, so before agreeing too (R31)
    | {"notifications_unsubscribe"}
    # someone who will not agree may delete their account instead (R28)
    | {"privacy_account_delete"}
)


class DataProcessingConsentMiddleware:
    """A signed-in parent with a child still to agree for is sent to the form (one query).

    No published form means no gate; staff and pupils are never gated by it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.role == Role.PARENT
            and not is_static_request(request)
            and url_name_of(request) not in DP_EXEMPT_URL_NAMES
            and dp_pending_exists(user)
        ):
            return redirect("dp_consent")
        return self.get_response(request)
