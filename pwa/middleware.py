"""Nothing private lingers in the browser's caches on the device (issue 7, part 6).

The service worker stores only the public app shell; this keeps the browser's own caches clean:

- a response to a signed-in person is ``Cache-Control: private, no-store`` unless its view chose
  otherwise (protected media picks its own), so pages about children are never written to the
  phone's disk cache, and the back button after sign-out cannot bring one back;
- the response that ends a session — signing out, a suspended account, a pupil's session running
  out — carries ``Clear-Site-Data: "cache"``: the browser empties its HTTP and back/forward
  caches for the site (photos that were cached privately included). Not ``"storage"``: that would
  also remove the service worker, and with it the device's push subscription.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]
CLEAR_SITE_DATA = '"cache"'


class PrivateCacheMiddleware:
    """Goes right after Django's ``AuthenticationMiddleware``, before every gate that may sign
    someone out (they answer without calling the views further down)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in and not request.user.is_authenticated:
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        elif request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
