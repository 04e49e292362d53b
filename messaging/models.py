"""Private threads between a parent and a teacher about one child (R18–R21). Messages are the
school's record: never deleted by either side, only withdrawn by their author for a few
minutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import Pupil


class Thread(models.Model):
    """One parent, one teacher, one child: the only shape a conversation has (R18)."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parent_threads"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_threads"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="message_threads")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "teacher", "pupil"], name="one_thread_per_parent_teacher_child"
            )
        ]

    def __str__(self) -> str:
        return f"thread #{self.pk}"


class Message(models.Model):
    """A message in a thread. A parent's message to a teacher is stored at once and delivered
    (visible to the teacher) from ``deliver_at``, the start of the next working period (R19);
    it is due an answer by ``reply_due_at`` (R21)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_parent = models.BooleanField()
    body = models.TextField(_("message"))
    language = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)
    deliver_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    reply_due_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "sent_at"], name="message_thread_order"),
            models.Index(
                fields=["deliver_at"], condition=Q(seen_at__isnull=True), name="message_unseen"
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"
