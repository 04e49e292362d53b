"""Turning push on and off for one device: JSON posts from ``static/js/push.js`` on the
notification settings page, with the page's CSRF token. For parents and staff; to pupils these
URLs do not exist (404).

A refusal answers 400 with ``{"error": <a message for the person>}`` and stores nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.http import AuthedRequest

from ..permissions import can_have_notifications
from ..push_devices import push_subscribe, push_unsubscribe

# A subscription is well under 1 KB; anything much larger is not one.
MAX_BODY_BYTES = 4096

UNREADABLE = _("The request could not be read. Reload the page and try again.")
TURNED_ON = _("Notifications are on for this device.")
TURNED_OFF = _("Notifications are off for this device.")

# (pattern in the User-Agent, name shown), first match wins: Edge and Opera also say Chrome.
BROWSERS = (
    (r"Edg/", "Edge"),
    (r"OPR/", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
)
SYSTEMS = (
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
)


@require_POST
def push_subscribe_view(request: AuthedRequest) -> JsonResponse:
    """Store this browser's push subscription for the signed-in person."""
    if not can_have_notifications(request.user):
        raise Http404
    data = _json_object(request)
    keys = data.get("keys") if data else None
    if not data or not isinstance(keys, dict):
        return _refused(str(UNREADABLE))
    fields = (data.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if not all(isinstance(value, str) for value in fields):
        return _refused(str(UNREADABLE))
    endpoint, p256dh, auth = (str(value) for value in fields)
    try:
        push_subscribe(
            acting_user=request.user,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            device=device_label(request.headers.get("User-Agent", "")),
        )
    except ValidationError as error:
        return _refused(error.messages[0])
    return JsonResponse({"message": str(TURNED_ON)}, status=201)


@require_POST
def push_unsubscribe_view(request: AuthedRequest) -> JsonResponse:
    """Forget this browser's push subscription, if it is the signed-in person's."""
    if not can_have_notifications(request.user):
        raise Http404
    data = _json_object(request)
    endpoint = data.get("endpoint") if data else None
    if not isinstance(endpoint, str):
        return _refused(str(UNREADABLE))
    push_unsubscribe(acting_user=request.user, endpoint=endpoint)
    return JsonResponse({"message": str(TURNED_OFF)})


def _json_object(request: AuthedRequest) -> dict[str, Any] | None:
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _refused(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def device_label(user_agent: str) -> str:
    """A short description of the browser for the person's own list ("Chrome on Android"),
    from its User-Agent; empty when it is not recognised."""
    browser = next((name for pattern, name in BROWSERS if re.search(pattern, user_agent)), "")
    system = next((name for pattern, name in SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        return str(_("%(browser)s on %(system)s") % {"browser": browser, "system": system})
    return browser or system
