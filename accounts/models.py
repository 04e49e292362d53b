"""People and how they get in: users, parent links, invite codes, pupil sign-in, conduct."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from classes.models import Pupil, SchoolClass
from core.constraints import ConstraintErrorsOnFields


class Role(models.TextChoices):
    PARENT = "parent", _("Parent or carer")
    TEACHER = "teacher", _("Teacher")
    SUPPORT = "support", _("Support staff")
    OFFICE = "office", _("Office staff")
    LEADER = "leader", _("Leader")
    PUPIL = "pupil", _("Pupil")


STAFF_ROLES = frozenset({Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER})
ADMIN_ROLES = frozenset({Role.OFFICE, Role.LEADER})
ADULT_ROLES = frozenset({Role.PARENT, *STAFF_ROLES})

# What each constraint says when a form breaks it (shown beside the field it is about).
ADULT_NEEDS_EMAIL = _("An adult’s account needs an email address: it is how they sign in.")
ALREADY_LINKED = _("This parent or carer is linked to this child already.")
REQUEST_PENDING = _(
    "This parent or carer has asked to be linked to this child already: the office is yet "
    "to decide."
)
CONDUCT_VERSION_TAKEN = _("There is a code of conduct with this version for these readers.")
CONDUCT_ACCEPTED_ALREADY = _("This person has accepted this code of conduct already.")
SUSPENDED_ALREADY = _("This account is suspended already.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str | None, password: str | None, **fields: object) -> User:
        user = self.model(email=self.normalize_email(email).lower() if email else None, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, **fields: object
    ) -> User:
        fields.setdefault("role", Role.PARENT)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(role=Role.LEADER, is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(ConstraintErrorsOnFields, AbstractUser):
    """Anyone who signs in. Adults sign in by email; pupils by class code and picture code."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(  # type: ignore[assignment]
        _("email address"), unique=True, null=True, blank=True
    )
    title = models.CharField(
        pgettext_lazy("a person's title, such as Mrs or Dr", "title"),
        max_length=20,
        blank=True,
        help_text=_("Shown to parents, e.g. “Mrs”."),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARENT)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en-gb"
    )
    is_suspended = models.BooleanField(
        _("suspended"),
        default=False,
        editable=False,
        help_text=_("Kept by the suspend and reinstate actions, which record why."),
    )
    no_child_since = models.DateField(
        _("no current child since"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Kept by the nightly retention job: a parent's account with no current child for "
            "the retention period (a year by default) is deleted (R28)."
        ),
    )

    # R34: the posts this person sees are to be translated into their language (they chose
    # it, or were linked to a child). Set by the services that ask, stamped by the worker
    # while it translates (a claim, renewed), cleared when it is done; a stamp nobody renews
    # (the broker was down, the worker died) is handed out again by beat's sweep.
    translations_due_at = models.DateTimeField(
        _("posts to translate since"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="pupil") | Q(email__isnull=False),
                name="adult_has_email",
                violation_error_code="adult_needs_email",
                violation_error_message=ADULT_NEEDS_EMAIL,
            )
        ]

    constraint_fields = {"adult_needs_email": "email"}

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        # Django turns a missing email into "", which would clash between pupils (no email).
        self.email = self.email or None

    @property
    def display_name(self) -> str:
        """How an adult is shown to others: “Mrs Patel”, or their full name without a title."""
        if self.title and self.last_name:
            return f"{self.title} {self.last_name}"
        return self.get_full_name() or self.email or str(_("Pupil"))

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES


class ParentLink(ConstraintErrorsOnFields, models.Model):
    """A parent or carer linked to a child (at most two; more only by the office, R3)."""

    parent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="parent_links")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("parent link")
        verbose_name_plural = _("parent links")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "pupil"],
                name="parent_linked_once",
                violation_error_code="already_linked",
                violation_error_message=ALREADY_LINKED,
            )
        ]

    constraint_fields = {"already_linked": "pupil"}

    def __str__(self) -> str:
        return f"{self.parent} → {self.pupil}"


class InviteCode(models.Model):
    """A single-use code that links one parent account to one pupil (R2). Only its hash is kept."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="invite_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True, editable=False)
    used_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invite code")
        verbose_name_plural = _("invite codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Translators: an invite code in the office pages, named by its number and its pupil's.
        return str(_("#%(code)s for pupil %(pupil)s") % {"code": self.pk, "pupil": self.pupil_id})

    @property
    def is_usable(self) -> bool:
        return (
            self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
        )


class InvitePupil(Pupil):
    """Pupils as the office's invite pages see them, one row each with their codes counted (a
    proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("pupil's invite codes")
        verbose_name_plural = _("invite codes by pupil")


class ExtraParentRequest(models.Model):
    """A third (or later) carer asked to be linked: the office decides (R3)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the office")
        APPROVED = "approved", pgettext_lazy("a carer's request to be linked", "Approved")
        REFUSED = "refused", pgettext_lazy("a carer's request to be linked", "Refused")

    parent = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="extra_parent_requests"
    )
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="extra_parent_requests"
    )
    invite = models.ForeignKey(
        InviteCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("extra parent request")
        verbose_name_plural = _("extra parent requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "pupil"],
                condition=Q(status="pending"),
                name="one_pending_request_per_parent_and_pupil",
                violation_error_code="request_pending",
                violation_error_message=REQUEST_PENDING,
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent} → {self.pupil} ({self.get_status_display()})"


class PupilLogin(models.Model):
    """A pupil's personal picture code and its lockout state (only the hash is kept)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="login")
    code_hash = models.CharField(max_length=64, editable=False)
    failed_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    first_failure_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("pupil picture code")
        verbose_name_plural = _("pupil picture codes")

    def __str__(self) -> str:
        return str(_("picture code of pupil %(pupil)s") % {"pupil": self.pupil_id})


class ClassTablet(models.Model):
    """A classroom tablet that the class's staff set up to open the class's sign-in page.

    The tablet keeps a signed cookie with this row's id and a random secret; only the secret's
    SHA-256 is stored. The cookie opens nothing but the class's sign-in page (the pupil still
    taps their picture code), and only while this row is neither forgotten nor expired: a copy
    of the cookie stops working the moment a teacher forgets the tablet.
    """

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="tablets", verbose_name=_("class")
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    set_up_at = models.DateTimeField(_("set up"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    forgotten_at = models.DateTimeField(_("forgotten"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("classroom tablet")
        verbose_name_plural = _("classroom tablets")
        ordering = ["-set_up_at", "-pk"]

    def __str__(self) -> str:
        return str(_("classroom tablet %(number)s") % {"number": self.pk})


class CodeOfConduct(ConstraintErrorsOnFields, models.Model):
    """A version of the code of conduct that parents or staff accept before use (R4)."""

    class Audience(models.TextChoices):
        PARENTS = "parents", _("Parents and carers")
        STAFF = "staff", _("Staff")

    audience = models.CharField(
        pgettext_lazy("whom a code of conduct is for: parents and carers, or staff", "for"),
        max_length=10,
        choices=Audience.choices,
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("code of conduct")
        verbose_name_plural = _("codes of conduct")
        ordering = ["audience", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "version"],
                name="conduct_version_unique",
                violation_error_code="conduct_version_taken",
                violation_error_message=CONDUCT_VERSION_TAKEN,
            )
        ]

    constraint_fields = {"conduct_version_taken": "version"}

    def __str__(self) -> str:
        return f"{self.get_audience_display()} v{self.version}"


class ConductAcceptance(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conduct_acceptances")
    conduct = models.ForeignKey(
        CodeOfConduct, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("code of conduct acceptance")
        verbose_name_plural = _("code of conduct acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "conduct"],
                name="conduct_accepted_once",
                violation_error_code="conduct_accepted_already",
                violation_error_message=CONDUCT_ACCEPTED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.conduct}"


class Suspension(models.Model):
    """The record of a suspension and its end (R5); ``User.is_suspended`` follows it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField(_("reason"))
    suspended_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    suspended_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-suspended_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_suspension",
                violation_error_code="suspended_already",
                violation_error_message=SUSPENDED_ALREADY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} suspended {self.suspended_at:%Y-%m-%d}"


__all__ = [
    "ADMIN_ROLES",
    "ADULT_ROLES",
    "STAFF_ROLES",
    "ClassTablet",
    "CodeOfConduct",
    "ConductAcceptance",
    "ExtraParentRequest",
    "InviteCode",
    "ParentLink",
    "PupilLogin",
    "Role",
    "Suspension",
    "User",
]
