"""What the notification settings page's push section needs (``push_device.html``)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.conf import settings

from ..models import PushSubscription

register = template.Library()


@register.simple_tag(takes_context=True)
def push_device_state(context: template.Context) -> dict[str, Any]:
    """The school's VAPID public key (empty: push is not set up on this server) and the
    SHA-256 of each of the person's push endpoints (one query), so the page's script can tell
    whether this browser's subscription is theirs without the endpoints being in the page."""
    user = context["request"].user
    endpoints = PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True)
    return {
        "public_key": settings.VAPID_PUBLIC_KEY,
        "endpoint_hashes": " ".join(
            hashlib.sha256(endpoint.encode()).hexdigest() for endpoint in endpoints
        ),
    }
