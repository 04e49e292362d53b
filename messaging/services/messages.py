"""Sending, withdrawing and reading messages (R18–R21). A message is stored at once and the
request never waits on anything else: a parent's message reaches the teacher from its
delivery time (the next working period, R19), which the inbox reads from the database. Its
translation for the reader (R34) is queued for the worker on commit, with the broker's short
timeout (``core.queue``); a sweep hands out whatever the broker lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from classes.models import Pupil
from classes.selectors import school_get
from classes.worktime import calendar_for, reply_due_at
from core.queue import enqueue_on_commit
from media.photos import ProcessedPhoto
from notifications.models import Kind
from notifications.services import notifications_read_about, retract

from ..models import WITHDRAW_WITHIN, Message, Thread
from ..notices import message_key, thread_link
from ..permissions import may_message, may_write_in
from ..photos import photos_prepare, photos_store
from ..refusals import refusal_about, refusal_for
from ..translations import needs_translation

MAX_LENGTH = 5000

EMPTY = _("Write a message first.")
TOO_LONG = _("Keep a message to %(limit)d characters (it has %(length)d).")
NOT_ALLOWED = _(
    "Messages go to your child's class teacher only (or the teacher covering the class now). "
    "For anything else, please contact the school office on %(phone)s."
)
# The same, for a school that has not entered its office phone.
NOT_ALLOWED_NO_PHONE = _(
    "Messages go to your child's class teacher only (or the teacher covering the class now). "
    "For anything else, please contact the school office."
)
TOO_LATE_TO_WITHDRAW = _("A message can only be withdrawn in the first 5 minutes.")


def not_allowed_message() -> str:
    phone = school_get().office_phone
    return str(NOT_ALLOWED % {"phone": phone}) if phone else str(NOT_ALLOWED_NO_PHONE)


def check_body(body: str, *, has_photos: bool = False) -> str:
    """The text of a message as every send stores it (stripped), or ValidationError when it is
    empty (without photos) or too long: the same checks for teachers, the office and drafts."""
    text = body.strip()
    if not text and not has_photos:
        raise ValidationError(EMPTY, code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            TOO_LONG, code="too_long", params={"limit": MAX_LENGTH, "length": len(text)}
        )
    return text


def _deliver(message: Message, now: dt.datetime) -> None:
    """A parent's message reaches the teacher at the next working start and is due an answer
    R21's window later; a teacher's reaches the parent at once."""
    if message.from_parent:
        calendar = calendar_for()
        message.deliver_at = calendar.next_working_start(now)
        message.reply_due_at = reply_due_at(calendar, message.deliver_at)
    else:
        message.deliver_at = now


@transaction.atomic
def message_start(
    *,
    acting_user: User,
    other: User,
    pupil: Pupil,
    body: str,
    photos: Sequence[UploadedFile] = (),
) -> Message:
    """The first message about ``pupil`` between a parent and a teacher (either may start);
    refused (PermissionDenied) unless R18 allows them to write to each other now."""
    parent, teacher = (
        (acting_user, other) if acting_user.role == Role.PARENT else (other, acting_user)
    )
    if not may_message(parent, teacher, pupil):
        raise PermissionDenied(refusal_about(acting_user, pupil, teacher))
    text = check_body(body, has_photos=bool(photos))
    prepared = photos_prepare(photos) if photos else []
    thread, _created = Thread.objects.get_or_create(parent=parent, teacher=teacher, pupil=pupil)
    return _add(thread, acting_user, text, prepared)


@transaction.atomic
def message_reply(
    *, acting_user: User, thread: Thread, body: str, photos: Sequence[UploadedFile] = ()
) -> Message:
    """A message in an existing thread, while R18 still allows the two to write."""
    if not may_write_in(acting_user, thread):
        raise PermissionDenied(refusal_for(acting_user, thread))
    text = check_body(body, has_photos=bool(photos))
    prepared = photos_prepare(photos) if photos else []
    return _add(thread, acting_user, text, prepared)


def _add(
    thread: Thread, author: User, text: str, photos: Sequence[ProcessedPhoto] = ()
) -> Message:
    now = timezone.now()
    message = Message(
        thread=thread,
        author=author,
        from_parent=author.pk == thread.parent_id,
        body=text,
        language=author.preferred_language,
        sent_at=now,
    )
    _deliver(message, now)
    message.save()
    if photos:
        photos_store(message, photos)
    if not message.from_parent:
        _settle(thread)
    if text and needs_translation(thread, message):
        # R34: the worker translates it for its reader once this commits; the sweep hands it
        # out again should the broker be down now.
        enqueue_on_commit("messaging.tasks.translate_message", message.pk)
    return message


def _settle(thread: Thread) -> None:
    """A teacher's answer settles what the parent had asked: no reply is due, and a reminder
    of an overdue reply (R21) is withdrawn."""
    asked = Message.objects.filter(thread=thread, from_parent=True, reply_due_at__isnull=False)
    reminded = [
        message_key(pk)
        for pk in asked.filter(reminded_at__isnull=False).values_list("pk", flat=True)
    ]
    asked.update(reply_due_at=None)
    if reminded:
        retract(kind=Kind.REPLY_OVERDUE, keys=reminded)


@transaction.atomic
def message_withdraw(*, acting_user: User, message: Message) -> Message:
    """The author takes a message back within 5 minutes; it stays as "message withdrawn"."""
    if message.author_id != acting_user.pk:
        raise PermissionDenied
    if timezone.now() - message.sent_at > WITHDRAW_WITHIN:
        raise ValidationError(TOO_LATE_TO_WITHDRAW, code="too_late")
    Message.objects.filter(pk=message.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), reply_due_at=None
    )
    retract(kind=Kind.NEW_MESSAGE, keys=[message_key(message.pk)])
    message.refresh_from_db()
    return message


def messages_mark_seen(*, reader: User, thread: Thread, now: dt.datetime | None = None) -> int:
    """Mark the other side's delivered messages seen by ``reader`` (R20). Returns how many."""
    now = now or timezone.now()
    seen = Message.objects.filter(
        thread=thread,
        from_parent=reader.pk == thread.teacher_id,
        deliver_at__lte=now,
        seen_at__isnull=True,
    ).update(seen_at=now)
    if seen:  # what told the reader of them is read too
        notifications_read_about(user_id=reader.pk, link=thread_link(thread.pk))
    return seen
