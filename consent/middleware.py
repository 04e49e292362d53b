"""The data-processing consent gate (R4): until a parent has agreed to the school's current
data-processing consent form for every linked child, the form is the only page they see.

It runs after ``accounts.middleware.CodeOfConductMiddleware``: the code of conduct comes first,
so the code's page is exempt here too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.middleware import CONDUCT_EXEMPT_URL_NAMES, Handler, is_static_request, url_name_of
from accounts.models import Role

from .selectors.data_processing import dp_gate_pending

# Pages a parent may reach before agreeing: the form itself and every page open before the code
# of conduct is accepted (its gate comes first): sign-out, joining with another invite code
# (which adds a child to agree for), the language switch, the privacy notices, the app's public
# files, an email's unsubscribe link and deleting the account instead (R28).
DP_EXEMPT_URL_NAMES = CONDUCT_EXEMPT_URL_NAMES | {"dp_consent"}


class DataProcessingConsentMiddleware:
    """A signed-in parent with a child still to agree for is sent to the form (one query while
    something is pending; none once the cache remembers that nothing is).

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
            and dp_gate_pending(user)
        ):
            return redirect("dp_consent")
        return self.get_response(request)
