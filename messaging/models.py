"""Private threads between a parent and a teacher about one child (R18–R21). Messages are the
school's record: never deleted by either side, only withdrawn by their author for a few
minutes."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classes.models import CoverAssignment, Pupil
from core.constraints import ConstraintErrorsOnFields

# What each constraint says when a form breaks it (shown beside the field it is about).
THREAD_EXISTS = _(
    "There is a conversation between this parent and this teacher about this child already."
)
THREAD_TEACHER_OR_OFFICE = _(
    "A conversation is with a teacher (and has no office topic) or with the office (and has "
    "no teacher)."
)
PHRASE_LISTED_ALREADY = _("This phrase is in the list already.")
FLAGGED_ALREADY = _("This message has been flagged already.")
MESSAGE_TRANSLATED_ALREADY = _("This message has a translation into this language already.")


# A message's author may withdraw it this long after sending it; the thread page shows Withdraw
# only within it.
WITHDRAW_WITHIN = dt.timedelta(minutes=5)


class Topic(models.TextChoices):
    """What belongs to the office rather than the teacher (R22)."""

    ABSENCE = "absence", _("Absence")
    SICKNESS = "sickness", _("Sickness")
    DINNERS = "dinners", _("School dinners")
    COMPLAINT = "complaint", _("Complaint")
    URGENT = "urgent", _("Urgent (such as collecting a child)")
    PROGRESS = "progress", _("Progress: a meeting")
    OTHER = "other", _("Other")


# Messages are the school's record and outlive their authors' accounts (R28): whoever deleted
# their account is shown like this until the message retention period ends.
FORMER_PARENT = _("a former parent/carer")
FORMER_STAFF = _("a former member of staff")


class Thread(ConstraintErrorsOnFields, models.Model):
    """One parent, one teacher, one child (R18); or, with no teacher, a parent's conversation
    with the office inbox about one child and one topic (R22).

    A deleted parent's threads stay, with no parent (R28). A deleted teacher's threads stay too
    and pass to the office inbox (no teacher), so a parent's last words are not lost with the
    teacher's account."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parent_threads",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teacher_threads",
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="message_threads")
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_threads",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A question asked of a cover teacher that was still open when the cover ended passes to
    # the class teacher (R18, R21): who covered, and when the thread was handed over.
    covered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "teacher", "pupil"],
                condition=Q(teacher__isnull=False),
                name="one_thread_per_parent_teacher_child",
                violation_error_code="thread_exists",
                violation_error_message=THREAD_EXISTS,
            ),
            models.CheckConstraint(
                condition=Q(teacher__isnull=False, topic="") | Q(teacher__isnull=True),
                name="thread_teacher_or_office",
                violation_error_code="thread_teacher_or_office",
                violation_error_message=THREAD_TEACHER_OR_OFFICE,
            ),
        ]

    constraint_fields = {"thread_teacher_or_office": "topic"}

    def __str__(self) -> str:
        return f"thread #{self.pk}"

    @property
    def parent_name(self) -> str:
        """The parent as staff see them, or "a former parent/carer" once the account is gone."""
        return self.parent.display_name if self.parent else str(FORMER_PARENT)


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
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the teacher was reminded of an overdue reply.")
    )
    translated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the worker translated it.")
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When its reader was notified.")
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "sent_at"], name="message_thread_order"),
            models.Index(
                fields=["deliver_at"], condition=Q(seen_at__isnull=True), name="message_unseen"
            ),
            models.Index(
                fields=["deliver_at"],
                condition=Q(notified_at__isnull=True),
                name="message_unnotified",
            ),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"

    @property
    def author_name(self) -> str:
        """Who wrote it, or who they were once their account is gone (R28)."""
        if self.author is not None:
            return self.author.display_name
        return str(FORMER_PARENT if self.from_parent else FORMER_STAFF)


class OfficePhrase(ConstraintErrorsOnFields, models.Model):
    """A word or phrase that suggests a message belongs to the office (R22); the office edits
    the list in the admin."""

    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    phrase = models.CharField(_("word or phrase"), max_length=60)

    class Meta:
        verbose_name = _("office word")
        verbose_name_plural = _("office words")
        ordering = ["topic", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["phrase"],
                name="office_phrase_once",
                violation_error_code="phrase_listed_already",
                violation_error_message=PHRASE_LISTED_ALREADY,
            )
        ]

    constraint_fields = {"phrase_listed_already": "phrase"}

    def __str__(self) -> str:
        return self.phrase


class ReadyReply(models.Model):
    """A short answer kept by the office that teachers send with one click (R24)."""

    title = models.CharField(_("title"), max_length=60)
    body = models.TextField(
        _("text"),
        # Translators: keep {phone} as it is: the office types it, the portal replaces it.
        help_text=_("{phone} is replaced by the office phone."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("ready reply")
        verbose_name_plural = _("ready replies")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Flag(models.Model):
    """A teacher flags a message as inappropriate; it waits in the leaders' moderation queue
    with its thread (R23)."""

    class Outcome(models.TextChoices):
        NO_ACTION = "none", _("No action")
        WARNING = "warning", _("Formal warning")
        SUSPENSION = "suspension", _("Suspension")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("what is wrong"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("flagged message")
        verbose_name_plural = _("flagged messages")
        constraints = [
            models.UniqueConstraint(
                fields=["message"],
                name="message_flagged_once",
                violation_error_code="flagged_already",
                violation_error_message=FLAGGED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return str(_("flag on message #%(message)s") % {"message": self.message_id})


class ParentWarning(models.Model):
    """The one formal warning a parent can be given before a suspension (R23)."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parent_warnings"
    )
    flag = models.ForeignKey(Flag, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return str(_("warning to parent %(parent)s") % {"parent": self.parent_id})


class MessageTranslation(ConstraintErrorsOnFields, models.Model):
    """A message's text in its reader's language, made by the worker (R17)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "language"],
                name="message_translated_once",
                violation_error_code="message_translated_already",
                violation_error_message=MESSAGE_TRANSLATED_ALREADY,
            )
        ]

    constraint_fields = {"message_translated_already": "language"}

    def __str__(self) -> str:
        return f"#{self.message_id} in {self.language}"


class MessagePhoto(models.Model):
    """A photo sent with a message: re-encoded from its pixels before it is stored (no
    metadata, random names) and served only to the two sides of the thread (R8, R9)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="photos")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="messages/")
    thumbnail = models.FileField(upload_to="messages/")
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    thumb_width = models.PositiveIntegerField()
    thumb_height = models.PositiveIntegerField()

    class Meta:
        ordering = ["message", "position"]

    def __str__(self) -> str:
        return str(_("photo of message #%(message)s") % {"message": self.message_id})


class CoverHandover(models.Model):
    """A cover window whose end has been dealt with: its open questions were passed to the
    class teacher (R18, R21). One row per cover, so the sweep hands each cover over once,
    however often it runs and in however many processes."""

    cover = models.OneToOneField(
        CoverAssignment, on_delete=models.CASCADE, related_name="handover"
    )
    handed_at = models.DateTimeField(default=timezone.now)
    threads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("cover hand-over")
        verbose_name_plural = _("cover hand-overs")

    def __str__(self) -> str:
        return f"hand-over of cover #{self.cover_id}"
