"""The nightly retention job (R28): what is past its retention period is erased.

- A leaver, ``PUPIL_RETENTION_DAYS`` after their leaving date: the pupil's row and everything
  about them (consent records and their scans, points, avatar, picture code and sign-in
  account, Student Story posts, the conversations about them), the links to their parents, and
  every media file that shows them (their Student Story's, the photos of other posts they are
  tagged in, photos sent in messages about them), and the data exports still kept that hold
  them (their parents', and those of the people in the conversations about them).
- The same at once when the office deletes a pupil in the admin (``pupil_delete``).
- Messages older than ``MESSAGE_RETENTION_DAYS``, with their photos and the data exports still
  kept that hold them, and threads left empty.
- A parent's account with no current child for ``PARENT_WITHOUT_CHILD_DAYS``
  (``privacy.deletion.account_erase``).

Every run is idempotent and can be interrupted anywhere: each pupil, each batch of messages
and each account is erased in its own transaction, whose files are deleted just before it
commits, so what a run finished stays finished, what it did not is found again by the next,
and nothing is done twice. Each run is recorded in the audit log with its counts.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, fields

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import ParentLink, Role, User
from audit import AuditAction, audit_record
from classes.models import Pupil
from consent.models import ConsentChange, PupilConsent
from core.statistics import analyze_on_commit
from media.storage import files_delete, stored_files
from messaging.models import Message, MessagePhoto, Thread
from messaging.notices import message_key
from notifications.models import Kind
from notifications.pupil_lock import pupil_lock_notices_retract
from notifications.services import retract
from points.models import Award
from stories.models import Attachment, Post
from stories.services.notices import posts_notifications_retract

from .deletion import account_erase, caches_forget, likes_forget, sessions_delete
from .services.export import exports_expire_of

logger = logging.getLogger(__name__)

# Messages erased per transaction: bounds a transaction's size and what an interruption undoes.
MESSAGE_BATCH = 500


@dataclass
class RetentionCounts:
    """What a run (or one step of it) erased."""

    pupils: int = 0
    pupil_accounts: int = 0
    parent_links: int = 0
    student_posts: int = 0
    media: int = 0
    points: int = 0
    threads: int = 0
    messages: int = 0
    files: int = 0
    exports: int = 0
    parent_accounts: int = 0

    def add(self, other: RetentionCounts) -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def _days(name: str) -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, name)))


def leavers_due(today: dt.date) -> QuerySet[Pupil]:
    """Pupils whose leaving date is more than ``PUPIL_RETENTION_DAYS`` ago."""
    return Pupil.objects.filter(leaving_date__lt=today - _days("PUPIL_RETENTION_DAYS"))


def erasure_date(leaving_date: dt.date) -> dt.date:
    """The night a leaver's data is erased: the first day :func:`leavers_due` holds them, so
    the office can be told when they mark a pupil as left."""
    return leaving_date + _days("PUPIL_RETENTION_DAYS") + dt.timedelta(days=1)


def messages_due(now: dt.datetime) -> QuerySet[Message]:
    """Messages sent more than ``MESSAGE_RETENTION_DAYS`` ago."""
    return Message.objects.filter(sent_at__lt=now - _days("MESSAGE_RETENTION_DAYS"))


def parents_due(today: dt.date) -> QuerySet[User]:
    """Parents' accounts with no current child for more than ``PARENT_WITHOUT_CHILD_DAYS``
    (counted from ``no_child_since``, which :func:`parents_mark_without_child` keeps)."""
    cutoff = today - _days("PARENT_WITHOUT_CHILD_DAYS")
    return User.objects.filter(role=Role.PARENT, no_child_since__lt=cutoff)


def retention_run(*, now: dt.datetime | None = None) -> RetentionCounts:
    """Erase everything past its retention period at ``now``; returns the counts, also
    recorded in the audit log (with ``completed`` false, and the error logged, when the run
    was interrupted: the next run completes it)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = RetentionCounts()
    try:
        for pupil_id in leavers_due(today).order_by("pk").values_list("pk", flat=True):
            counts.add(pupil_erase(pupil_id, today=today))
        counts.add(messages_erase_expired(now=now))
        parents_mark_without_child(today)
        for user_id in parents_due(today).order_by("pk").values_list("pk", flat=True):
            counts.add(parent_account_erase(user_id, today=today))
    except Exception:
        logger.exception("retention run interrupted after %s", asdict(counts))
        _record_run(counts, now=now, completed=False)
        raise
    _record_run(counts, now=now, completed=True)
    logger.info("retention run: %s", asdict(counts))
    if any(asdict(counts).values()):
        # What was erased cascades through most tables: the planner's statistics for all of
        # them, once a night at most.
        analyze_on_commit()
    return counts


def _record_run(counts: RetentionCounts, *, now: dt.datetime, completed: bool) -> None:
    details: dict[str, object] = {**asdict(counts), "completed": completed, "at": now}
    audit_record(AuditAction.RETENTION_RUN, actor=None, details=details)


@transaction.atomic
def pupil_erase(pupil_id: int, *, today: dt.date) -> RetentionCounts:
    """Erase one leaver whose retention period has passed (nothing if it has not, or if
    another run has it now, or has done it)."""
    pupil = leavers_due(today).select_for_update(skip_locked=True).filter(pk=pupil_id).first()
    if pupil is None:
        return RetentionCounts()
    return _pupil_erase(pupil, actor=None)


@transaction.atomic
def pupil_delete(*, acting_user: User, pupil_id: int) -> RetentionCounts:
    """The office deletes a pupil's record in the admin (a duplicate, a child who never came):
    everything the retention job would erase goes now, media files included (nothing if the
    pupil is already gone)."""
    pupil = Pupil.objects.select_for_update().filter(pk=pupil_id).first()
    if pupil is None:
        return RetentionCounts()
    return _pupil_erase(pupil, actor=acting_user)


def _pupil_erase(pupil: Pupil, *, actor: User | None) -> RetentionCounts:
    """Erase a pupil locked by the caller's transaction, with every file that shows them."""
    student = Attachment.objects.filter(post__pupil=pupil)
    tagged = Attachment.objects.filter(post__tagged=pupil).exclude(post__pupil=pupil)
    photos = MessagePhoto.objects.filter(message__thread__pupil=pupil)
    files = [
        *stored_files(student),
        *stored_files(tagged),
        *(name for pair in photos.values_list("file", "thumbnail") for name in pair if name),
        *_consent_scans(pupil),
    ]
    messages = Message.objects.filter(thread__pupil=pupil)
    counts = RetentionCounts(
        pupils=1,
        parent_links=ParentLink.objects.filter(pupil=pupil).count(),
        student_posts=Post.objects.filter(pupil=pupil).count(),
        media=student.count() + tagged.count(),
        points=Award.objects.filter(pupil=pupil).count(),
        threads=Thread.objects.filter(pupil=pupil).count(),
        messages=messages.count(),
        files=len(files),
    )
    counts.exports = exports_expire_of(_export_holders(pupil))
    _notifications_retract(list(messages.values_list("pk", flat=True)))
    pupil_lock_notices_retract(pupil.pk)
    tagged.delete()  # the post stays for its class, without the photos that show the leaver
    student_posts = Post.objects.filter(pupil=pupil)
    posts_notifications_retract(list(student_posts.values_list("pk", flat=True)))
    student_posts.delete()
    counts.pupil_accounts = _pupil_account_erase(pupil)
    audit_record(
        AuditAction.PERSONAL_DATA_ERASED, actor=actor, subject=pupil, details=asdict(counts)
    )
    pupil.delete()
    files_delete(files)
    return counts


def _export_holders(pupil: Pupil) -> set[int]:
    """Whose data export can hold this pupil: their parents (the export's children) and the
    people in the conversations about them."""
    return {
        *ParentLink.objects.filter(pupil=pupil).values_list("parent_id", flat=True),
        *_message_holders(Message.objects.filter(thread__pupil=pupil)),
    }


def _message_holders(messages: QuerySet[Message]) -> set[int]:
    """Whose data export holds these messages: the parent and teacher of their threads, and
    their authors (office staff answer in other families' threads)."""
    rows = messages.values_list("thread__parent_id", "thread__teacher_id", "author_id")
    return {person for row in rows.distinct() for person in row if person is not None}


def _consent_scans(pupil: Pupil) -> list[str]:
    """Every scan of the pupil's consent forms: the current one and those in the history."""
    current = (
        PupilConsent.objects.filter(pupil=pupil).exclude(scan="").values_list("scan", flat=True)
    )
    past = ConsentChange.objects.filter(pupil=pupil).exclude(scan_name="")
    return sorted({*current, *past.values_list("scan_name", flat=True)})


def _pupil_account_erase(pupil: Pupil) -> int:
    """The pupil's own sign-in account (picture code), with its likes and sessions."""
    if pupil.user_id is None:
        return 0
    account = User.objects.filter(pk=pupil.user_id, role=Role.PUPIL).first()
    if account is None:
        return 0
    likes_forget([account.pk])
    sessions_delete([account.pk])
    caches_forget([account])
    account.delete()
    return 1


def _notifications_retract(message_ids: list[int]) -> None:
    """Notifications of erased messages name the child and lead nowhere: they go too."""
    keys = [message_key(pk) for pk in message_ids]
    for kind in (Kind.NEW_MESSAGE, Kind.REPLY_OVERDUE):
        retract(kind=kind, keys=keys)


def messages_erase_expired(*, now: dt.datetime) -> RetentionCounts:
    """Erase messages past their retention period, with their photos, batch by batch, then
    the threads they leave empty."""
    counts = RetentionCounts()
    while batch := _messages_erase_batch(now):
        counts.add(batch)
    cutoff = now - _days("MESSAGE_RETENTION_DAYS")
    empty = Thread.objects.filter(created_at__lt=cutoff).filter(
        ~Exists(Message.objects.filter(thread=OuterRef("pk")))
    )
    _total, by_model = empty.delete()
    counts.threads = by_model.get(Thread._meta.label, 0)
    return counts


@transaction.atomic
def _messages_erase_batch(now: dt.datetime) -> RetentionCounts | None:
    ids = list(
        messages_due(now)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:MESSAGE_BATCH]
    )
    if not ids:
        return None
    photos = MessagePhoto.objects.filter(message_id__in=ids).values_list("file", "thumbnail")
    files = [name for pair in photos for name in pair if name]
    exports = exports_expire_of(_message_holders(Message.objects.filter(pk__in=ids)))
    _notifications_retract(ids)
    Message.objects.filter(pk__in=ids).delete()
    files_delete(files)
    return RetentionCounts(messages=len(ids), files=len(files), exports=exports)


def parents_mark_without_child(today: dt.date) -> None:
    """Keep ``no_child_since``: set on the first night a parent has no current child, cleared
    when they have one again (a new invite code for a younger child)."""
    current = Pupil.objects.current().filter(parent_links__parent=OuterRef("pk"))
    parents = User.objects.filter(role=Role.PARENT)
    parents.filter(Exists(current), no_child_since__isnull=False).update(no_child_since=None)
    parents.filter(~Exists(current), no_child_since__isnull=True).update(no_child_since=today)


def parent_account_erase(user_id: int, *, today: dt.date) -> RetentionCounts:
    """Delete one parent's account that has had no current child for too long (unless it has
    one again, or another run has taken it)."""
    with transaction.atomic():
        user = parents_due(today).select_for_update(skip_locked=True).filter(pk=user_id).first()
        if user is None:
            return RetentionCounts()
        deleted = account_erase(user, actor=None, reason="no current child (retention)")
    return RetentionCounts(parent_accounts=1, files=deleted.files, parent_links=deleted.links)


def retention_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What a run at ``now`` would erase, for the management command's dry run. Parents are
    counted by the date the job has recorded so far."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "pupils": leavers_due(today).count(),
        "messages": messages_due(now).count(),
        "parent_accounts": parents_due(today).count(),
    }


__all__ = [
    "RetentionCounts",
    "erasure_date",
    "leavers_due",
    "messages_due",
    "parents_due",
    "pupil_erase",
    "retention_due",
    "retention_run",
]
