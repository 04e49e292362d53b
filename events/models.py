"""Events (R35): a staff post that is also a date in the diary, the replies families give for
each child, and each parent's private calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil
from core.constraints import ConstraintErrorsOnFields
from stories.models import Post

ENDS_BEFORE_IT_STARTS = _("The event cannot end before it starts.")
TIMES_OR_ALL_DAY = _("Give a start time, or mark the event as all day.")
REPLIED_ALREADY = _("This child has a reply for this event already.")


class Event(ConstraintErrorsOnFields, models.Model):
    """The diary part of a post: when and where, what to bring, and by when families reply.

    An all-day event has no times. ``reminded_at`` is set once, when the author reminds the
    families who have not answered: there is one reminder per event.
    """

    post = models.OneToOneField(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="event"
    )
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"))
    all_day = models.BooleanField(_("all day"), default=False)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    bring = models.CharField(_("what to bring"), max_length=300, blank=True)
    reply_by = models.DateTimeField(_("reply needed by"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="event_ends_after_it_starts",
                violation_error_code="event_ends_before_it_starts",
                violation_error_message=ENDS_BEFORE_IT_STARTS,
            ),
            models.CheckConstraint(
                condition=Q(all_day=True, starts_at__isnull=True, ends_at__isnull=True)
                | Q(all_day=False, starts_at__isnull=False),
                name="event_times_or_all_day",
                violation_error_code="event_times_or_all_day",
                violation_error_message=TIMES_OR_ALL_DAY,
            ),
        ]
        indexes = [models.Index(fields=["starts_on"], name="event_by_date")]

    constraint_fields = {
        "event_ends_before_it_starts": "ends_on",
        "event_times_or_all_day": "starts_at",
    }

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on})"


class Answer(models.TextChoices):
    GOING = "going", _("Going")
    NOT_GOING = "not_going", _("Not going")
    MAYBE = "maybe", _("Maybe")


class Reply(ConstraintErrorsOnFields, models.Model):
    """One child's answer to one event, given by a parent of the child, changeable until the
    event's reply deadline. One per child: the constraint keeps two parents (or two taps at
    once) from storing two."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="replies"
    )
    pupil = models.ForeignKey(
        Pupil, verbose_name=_("pupil"), on_delete=models.CASCADE, related_name="event_replies"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="event_replies",
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    constraint_fields = {"replied_already": "pupil"}

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "pupil"],
                name="event_one_reply_per_child",
                violation_error_code="replied_already",
                violation_error_message=REPLIED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.pupil_id}: {self.answer}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A parent's private calendar address. The address carries ``key``, signed; revoking it
    stamps ``revoked_at`` and the parent is given a new one, so a copied address stops working
    at once."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    key = models.CharField(max_length=40, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_parent",
                violation_error_code="feed_live_already",
                violation_error_message=_("This parent has a calendar address already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} ({'revoked' if self.revoked_at else 'live'})"
