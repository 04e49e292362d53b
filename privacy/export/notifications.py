"""Notifications (R19, R21, R31): what the person was told and how, their settings, digests
and devices. A device's push address and keys are secrets of the browser, not in the file."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from notifications.models import (
    DigestPreference,
    DigestSent,
    Notification,
    NotificationSetting,
    PushSubscription,
)

from .base import Area, Part, Subject


def _notifications(subject: Subject) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(recipient=subject.user).order_by("created_at", "pk")
    return [
        {
            "about": n.get_kind_display(),
            "details": n.context,
            "link": n.link,
            "how": n.get_channel_display(),
            "urgent": n.urgent,
            "created": n.created_at,
            "shown_from": n.deliver_at,
            "read": n.read_at,
            "email": n.get_email_state_display(),
            "emailed": n.emailed_at,
            "push": n.get_push_state_display(),
            "pushed": n.pushed_at,
        }
        for n in rows.iterator(chunk_size=2000)
    ]


def _settings(subject: Subject) -> dict[str, Any]:
    user = subject.user
    preference = DigestPreference.objects.filter(user=user).first()
    return {
        "notification_settings": [
            {"about": s.get_kind_display(), "how": s.get_channel_display()}
            for s in NotificationSetting.objects.filter(user=user).order_by("kind")
        ],
        "daily_digest_time": {"time": preference.send_at} if preference else None,
        "daily_digests_sent": [
            {"day": d.day, "sent": d.sent_at, "notifications": d.notifications}
            for d in DigestSent.objects.filter(user=user).order_by("day")
        ],
        "push_devices": [
            {"device": p.device, "added": p.created_at, "last_sent": p.last_sent_at}
            for p in PushSubscription.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


def build(subject: Subject) -> Part:
    return Part(
        {
            "notifications": _notifications(subject),
            **_settings(subject),
        }
    )


AREA = Area(
    filename="notifications.json",
    description=_(
        "Notifications: what you were told, when and how (portal, email, push); your "
        "notification settings, daily digests and the devices you turned push on for."
    ),
    covers={
        "notifications.Notification": "notifications",
        "notifications.NotificationSetting": "notification_settings",
        "notifications.DigestPreference": "daily_digest_time",
        "notifications.DigestSent": "daily_digests_sent",
        "notifications.PushSubscription": "push_devices",
    },
    build=build,
)
