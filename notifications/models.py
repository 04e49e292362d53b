"""Notifications (R31): one row per event and recipient, each person's settings, their daily
digests, their devices for web push, and the addresses that bounce.

A notification is recorded once (a unique key per recipient, kind and event), so a sweep run
again, or by two beat processes, never repeats one. How it reaches its reader is data too: the
channel chosen when it was recorded, when it may be delivered (``deliver_at``: staff are held to
the next working period, R19), and the state of its email and its push. Delivery is driven by a
sweep every minute, never by a web request.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import ConstraintErrorsOnFields

# What each constraint says when a form breaks it (shown beside the field it is about).
NOTIFIED_ALREADY = _("This person has been notified of this already.")
SETTING_EXISTS = _("There is a setting for this kind of notification already.")
DIGEST_SENT_ALREADY = _("This person’s digest for this day has been sent already.")


class Kind(models.TextChoices):
    """The events people are told about."""

    NEW_POST = "post", _("New posts about your child")
    NEW_MESSAGE = "message", _("New messages")
    REPLY_OVERDUE = "overdue", _("Replies that are overdue")
    POST_HIDDEN = "hidden", _("Your post hidden after a consent change")
    WARNING = "warning", _("Formal warnings")
    URGENT = "urgent", _("Urgent announcements")
    PUPIL_LOCKED = "pupil_lock", _("Picture codes locked")
    SIGN_IN = "signin", _("Many wrong passwords for your account")
    MEDIA_FAILED = "media_fail", _("A video or recording of your post could not be processed")
    SUSPENDED = "suspended", _("Your account suspended")
    REINSTATED = "reinstated", _("Your account reinstated")
    HANDOVER = "handover", _("Questions passed on when a cover ends")


class Channel(models.TextChoices):
    """How a person wants to hear of one kind of event."""

    PORTAL = "portal", _("In the portal only")
    EMAIL = "email", _("Email at once")
    DIGEST = "digest", _("Daily email digest")
    OFF = "off", _("Off")


class Delivery(models.TextChoices):
    """The state of one notification's email, or of its push."""

    NONE = "none", _("Not sent by this channel")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DIGESTED = "digested", _("Sent in a daily digest")
    FAILED = "failed", _("Failed after retries")
    BOUNCED = "bounced", _("Address bounced")
    CAPPED = "capped", _("Not emailed: the day's most emails for staff were sent")


class Notification(models.Model):
    """One event told to one person."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The event, unique per recipient and kind: "message:42", "post:7".
    key = models.CharField(max_length=64)
    # What the texts need (display names and times only, never message or post text).
    context = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Shown and sent from then on: staff are held to the next working period (R19, R31).
    deliver_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # When the email may next be tried (backoff after a failure).
    email_next_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True)
    push_state = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.NONE)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                name="notification_once_per_event",
                violation_error_code="notified_already",
                violation_error_message=NOTIFIED_ALREADY,
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "deliver_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["email_next_at"],
                condition=Q(email_state="pending"),
                name="notification_email_due",
            ),
            models.Index(
                fields=["deliver_at"],
                condition=Q(push_state="pending"),
                name="notification_push_due",
            ),
            models.Index(
                fields=["recipient", "deliver_at"],
                condition=Q(channel="digest", email_state="pending"),
                name="notification_digest_due",
            ),
            models.Index(fields=["kind", "key"], name="notification_event"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.recipient_id}"

    @property
    def urgent(self) -> bool:
        """An urgent announcement (R31): by every channel, and a banner until read."""
        return self.kind == Kind.URGENT


class EmailProblem(Notification):
    """The notifications whose email failed or bounced: the office's list in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("undelivered email")
        verbose_name_plural = _("undelivered emails")


def default_digest_time() -> dt.time:
    return dt.time(18, 0)


class NotificationSetting(ConstraintErrorsOnFields, models.Model):
    """A person's choice of channel for one kind of event; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_setting_once",
                violation_error_code="setting_exists",
                violation_error_message=SETTING_EXISTS,
            )
        ]

    constraint_fields = {"setting_exists": "kind"}

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"


class DigestPreference(models.Model):
    """When a person's daily digest is sent, in the school's time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    send_at = models.TimeField(_("digest time"), default=default_digest_time)

    def __str__(self) -> str:
        return f"{self.user_id} at {self.send_at:%H:%M}"


class DigestSent(models.Model):
    """One digest per person per day: the row is the claim, inserted before the email is sent,
    so two beat processes never both send it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notifications = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="digest_once_a_day",
                violation_error_code="digest_sent_already",
                violation_error_message=DIGEST_SENT_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"digest {self.day} to {self.user_id}"


class PushSubscription(models.Model):
    """One device (browser) on which a person turned on push notifications."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=60)
    # The browser's own short description ("Chrome on Android"), for the person's device list.
    device = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return str(
            _("push to user %(user)s (%(device)s)")
            % {"user": self.user_id, "device": self.device or _("device")}
        )


class BouncedAddress(models.Model):
    """An email address the mail server refused: nothing more is sent to it, and the office
    sees it (and who has it) in the admin until the person changes it or the office clears it."""

    email = models.EmailField(_("email address"), unique=True)
    reason = models.CharField(_("reason"), max_length=200)
    bounced_at = models.DateTimeField(_("bounced at"), default=timezone.now)

    class Meta:
        verbose_name = _("bounced email address")
        verbose_name_plural = _("bounced email addresses")

    def __str__(self) -> str:
        return self.email
