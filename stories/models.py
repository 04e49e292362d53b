"""Posts of the three stories, their attachments, likes, reach and translations (R8, R12–R17,
R29, R30)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from classes.models import Pupil, SchoolClass
from core.constraints import ConstraintErrorsOnFields
from media.uploads import MediaKind

# What each constraint says when a form breaks it (shown beside the field it is about).
AUDIENCE_MISMATCH = _(
    "A class post names its class and no pupil, a pupil’s post its class and the pupil, and a "
    "School Story post neither."
)
URGENT_SCHOOL_ONLY = _("Only a School Story post can be urgent.")
REMINDER_POSTED_ALREADY = _("This reminder has been posted for this time already.")
LIKED_ALREADY = _("This post is liked by this person already.")
SEEN_ALREADY = _("This post is marked as seen by this person already.")
POST_TRANSLATED_ALREADY = _("This post has a translation into this language already.")
REMINDER_AUDIENCE_MISMATCH = _("A class reminder names its class; a school reminder names none.")


class Audience(models.TextChoices):
    CLASS = "class", _("Class Story")
    STUDENT = "student", _("Student Story")
    SCHOOL = "school", _("School Story")


class PostQuerySet(models.QuerySet["Post"]):
    def published(self) -> PostQuerySet:
        return self.filter(published_at__isnull=False)

    def shown_to_families(self) -> PostQuerySet:
        """Published and not hidden for a withdrawn consent (R13)."""
        return self.published().filter(hidden_at__isnull=True)


class Post(ConstraintErrorsOnFields, models.Model):
    """One post in a Class, Student or School Story (R15).

    ``body`` is the text as typed (plain text: links and line breaks are formatted when shown).
    A Student Story post keeps the pupil's class at posting time, so the class's staff see it.
    """

    audience = models.CharField(_("story"), max_length=10, choices=Audience.choices)
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
    )
    pupil = models.ForeignKey(
        Pupil,
        verbose_name=_("pupil"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="student_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="posts",
    )
    body = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language of the text"), max_length=10)
    no_child_appears = models.BooleanField(_("no child appears in the media"), default=False)
    tagged = models.ManyToManyField(
        Pupil, verbose_name=_("pupils in the media"), blank=True, related_name="tagged_in_posts"
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    hidden_at = models.DateTimeField(
        _("hidden from families at"),
        null=True,
        blank=True,
        help_text=_("Set when a tagged pupil's media consent is withdrawn (R13)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    translated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the worker last translated it.")
    )
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When its families were told of it.")
    )
    reminder = models.ForeignKey(
        "Reminder", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    occurrence = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience="class", school_class__isnull=False, pupil__isnull=True)
                    | Q(audience="student", school_class__isnull=False, pupil__isnull=False)
                    | Q(audience="school", school_class__isnull=True, pupil__isnull=True)
                ),
                name="post_audience_consistent",
                violation_error_code="audience_mismatch",
                violation_error_message=AUDIENCE_MISMATCH,
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | Q(audience="school"),
                name="post_urgent_school_only",
                violation_error_code="urgent_not_school",
                violation_error_message=URGENT_SCHOOL_ONLY,
            ),
            models.UniqueConstraint(
                fields=["reminder", "occurrence"],
                condition=Q(reminder__isnull=False),
                name="post_once_per_reminder_occurrence",
                violation_error_code="reminder_posted_already",
                violation_error_message=REMINDER_POSTED_ALREADY,
            ),
        ]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="post_feed_order"),
            models.Index(fields=["school_class", "-published_at"], name="post_class_feed"),
            models.Index(fields=["pupil", "-published_at"], name="post_pupil_feed"),
            models.Index(
                fields=["publish_at"], condition=Q(published_at__isnull=True), name="post_due"
            ),
        ]

    constraint_fields = {"audience_mismatch": "audience", "urgent_not_school": "urgent"}

    def __str__(self) -> str:
        return f"{self.get_audience_display()} #{self.pk}"


class AttachmentStatus(models.TextChoices):
    PROCESSING = "processing", pgettext_lazy("a post's photo or recording", "Processing")
    READY = "ready", pgettext_lazy("a post's photo or recording", "Ready")
    FAILED = "failed", pgettext_lazy("a post's photo or recording", "Failed")


class Attachment(models.Model):
    """A photo, recording or work sample of a post. Files have random names and are served only
    through a view that checks the viewer may see the post (R8). A photo or recording is kept as
    uploaded (``pending``) only until the worker has re-encoded or transcoded it (R9, R36); a
    video's poster frame is its ``thumbnail``."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=MediaKind.choices)
    status = models.CharField(
        max_length=10, choices=AttachmentStatus.choices, default=AttachmentStatus.READY
    )
    pending = models.FileField(upload_to="stories/pending/", blank=True)
    file = models.FileField(upload_to="stories/", blank=True)
    thumbnail = models.FileField(upload_to="stories/", blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumb_width = models.PositiveIntegerField(null=True, blank=True)
    thumb_height = models.PositiveIntegerField(null=True, blank=True)
    # A recording's transcode is claimed by the worker doing it, and the claim renewed while it
    # runs (core.claims): a claim not renewed was lost with its worker, and the sweep hands the
    # recording out again.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["post", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of post #{self.post_id}"

    @property
    def is_ready(self) -> bool:
        return self.status == AttachmentStatus.READY


class Like(models.Model):
    """A parent or pupil likes a post, once (R16). There are no comments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                name="like_once",
                violation_error_code="liked_already",
                violation_error_message=LIKED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes #{self.post_id}"


class PostSeen(models.Model):
    """A reader had the post on screen: the author's reach (R30) counts families from these."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="seen_by")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts_seen"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                name="seen_once",
                violation_error_code="seen_already",
                violation_error_message=SEEN_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw #{self.post_id}"


class PostTranslation(ConstraintErrorsOnFields, models.Model):
    """A post's text in one reader language, made by the worker when it is published (R17)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "language"],
                name="translated_once",
                violation_error_code="post_translated_already",
                violation_error_message=POST_TRANSLATED_ALREADY,
            )
        ]

    constraint_fields = {"post_translated_already": "language"}

    def __str__(self) -> str:
        return f"#{self.post_id} in {self.language}"


class Reminder(ConstraintErrorsOnFields, models.Model):
    """A post published every week at the same time ("PE kit tomorrow", Tuesdays 15:30, R29)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    audience = models.CharField(_("story"), max_length=10, choices=Audience.choices)
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    body = models.TextField(_("text"))
    language = models.CharField(max_length=10)
    weekday = models.PositiveSmallIntegerField(
        _("day"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    time_of_day = models.TimeField(_("time"))
    next_at = models.DateTimeField(_("next post"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("repeating reminder")
        verbose_name_plural = _("repeating reminders")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="class", school_class__isnull=False)
                | Q(audience="school", school_class__isnull=True),
                name="reminder_class_or_school",
                violation_error_code="reminder_audience_mismatch",
                violation_error_message=REMINDER_AUDIENCE_MISMATCH,
            ),
        ]
        indexes = [models.Index(fields=["next_at"], condition=Q(active=True), name="reminder_due")]

    constraint_fields = {"reminder_audience_mismatch": "school_class"}

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time_of_day:%H:%M}"


class UrgentNoticeReader(User):
    """Parents as the office's list of who has read an urgent School Story post sees them (a
    proxy of the user: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("reader of an urgent notice")
        verbose_name_plural = _("readers of urgent notices")
