"""The devices on which people turned web push on (R31): one subscription per browser, made
and forgotten from the notification settings page (``views/push.py``). Every endpoint and key
is checked by ``push_endpoints`` before it is stored."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from .models import PushSubscription
from .permissions import can_have_notifications
from .push_endpoints import subscription_check


@transaction.atomic
def push_subscribe(
    *, acting_user: User, endpoint: str, p256dh: str, auth: str, device: str = ""
) -> PushSubscription:
    """Turn push on for the acting user on one device (browser). A device that was someone
    else's (a shared tablet) becomes the acting user's. Beyond ``PUSH_MAX_DEVICES`` the device
    unused longest is forgotten. Raises ``ValidationError`` (nothing stored) for an endpoint
    or keys that ``push_endpoints`` refuses, ``PermissionDenied`` for pupils."""
    if not can_have_notifications(acting_user):
        raise PermissionDenied
    checked = subscription_check(endpoint=endpoint, p256dh=p256dh, auth=auth)
    subscription = (
        PushSubscription.objects.select_for_update().filter(endpoint=checked.endpoint).first()
    )
    if subscription is None or subscription.user_id != acting_user.pk:
        subscription = subscription or PushSubscription(endpoint=checked.endpoint)
        subscription.user = acting_user
        subscription.created_at = timezone.now()
        subscription.last_sent_at = None
    subscription.p256dh = checked.p256dh
    subscription.auth = checked.auth
    subscription.device = device[:80]
    subscription.full_clean(validate_unique=False)
    subscription.save()
    _forget_devices_beyond_limit(acting_user, keep=subscription.pk)
    return subscription


def _forget_devices_beyond_limit(user: User, *, keep: int) -> None:
    devices = PushSubscription.objects.filter(user=user).exclude(pk=keep)
    spare = settings.PUSH_MAX_DEVICES - 1
    last_used = Coalesce("last_sent_at", "created_at")
    stale = devices.order_by(last_used.desc(), "-pk").values_list("pk", flat=True)
    PushSubscription.objects.filter(pk__in=list(stale[spare:])).delete()


def push_unsubscribe(*, acting_user: User, endpoint: str) -> bool:
    """Turn push off on one device of the acting user's; another person's device is left
    alone. Returns whether a device was forgotten."""
    if not can_have_notifications(acting_user):
        raise PermissionDenied
    deleted, _by_model = PushSubscription.objects.filter(
        user=acting_user, endpoint=endpoint.strip()
    ).delete()
    return bool(deleted)
