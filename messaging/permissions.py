"""R18, who may message whom, as ONE predicate used by the compose page, the services and the
tests: a parent and a teacher may write to each other about a child only while the teacher is
a class teacher of the child's current class, or covers that class now (PPA cover). Support
staff have no messaging unless the school switches it on; pupils have none, anywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from accounts.models import ParentLink, Role, User
from accounts.permissions.accounts import has_role
from classes.models import CoverAssignment, Pupil, SchoolClass, SchoolClassUserObjectPermission
from classes.selectors import SUPPORT, TEACH, classes_staffed_by, school_get

from .models import MessagePhoto, Thread


def _codenames() -> list[str]:
    """The assignments that carry messaging: class teachers, and support staff where the
    school has switched it on."""
    return [TEACH, SUPPORT] if school_get().support_staff_messaging else [TEACH]


def can_use_messaging(user: Any) -> bool:
    """Parents and teachers have messaging; support staff only where the school allows it;
    pupils, the office and leaders have no inbox (R18)."""
    if has_role(user, Role.PARENT, Role.TEACHER):
        return True
    return has_role(user, Role.SUPPORT) and school_get().support_staff_messaging


def _teachers_now(class_id: int, at: dt.datetime) -> QuerySet[User]:
    """Who may be written to about a pupil of the class now: its class teachers and anyone
    covering it at ``at`` (and support staff, where the school allows them messaging)."""
    assigned = SchoolClassUserObjectPermission.objects.filter(
        content_object_id=class_id, permission__codename__in=_codenames()
    ).values("user_id")
    covering = CoverAssignment.objects.filter(
        school_class_id=class_id, starts_at__lte=at, ends_at__gt=at
    ).values("teacher_id")
    return User.objects.filter(Q(pk__in=assigned) | Q(pk__in=covering), is_active=True)


def may_message(parent: Any, teacher: Any, pupil: Pupil, *, at: dt.datetime | None = None) -> bool:
    """R18: ``parent`` and ``teacher`` may write to each other about ``pupil`` now."""
    if not (has_role(parent, Role.PARENT) and has_role(teacher, Role.TEACHER, Role.SUPPORT)):
        return False
    if pupil.leaving_date is not None or pupil.school_class_id is None:
        return False
    linked = Exists(ParentLink.objects.filter(parent=parent, pupil=pupil))
    teachers = _teachers_now(pupil.school_class_id, at or timezone.now())
    return teachers.filter(linked, pk=teacher.pk).exists()  # one query


def teachers_for(parent: Any, pupil: Pupil, *, at: dt.datetime | None = None) -> list[User]:
    """Whom ``parent`` may write to about ``pupil`` now (R18), for the compose page."""
    if not has_role(parent, Role.PARENT) or pupil.school_class_id is None:
        return []
    if not ParentLink.objects.filter(parent=parent, pupil=pupil).exists():
        return []
    return list(_teachers_now(pupil.school_class_id, at or timezone.now()).order_by("last_name"))


def classes_messaged_by(user: Any, *, at: dt.datetime | None = None) -> QuerySet[SchoolClass]:
    """The classes whose parents ``user`` may write to now (R18): those they teach (or support,
    where allowed) and those they cover now."""
    return classes_staffed_by(user, codenames=tuple(_codenames()), at=at)


def threads_visible_to(user: Any) -> QuerySet[Thread]:
    """A person's own threads: as the parent or as the teacher. Nobody else reads them (the
    office and leaders see flagged messages in moderation, not here)."""
    if not can_use_messaging(user):
        return Thread.objects.none()
    if has_role(user, Role.PARENT):
        return Thread.objects.filter(parent=user)
    return Thread.objects.filter(teacher=user)


def photos_visible_to(user: Any, *, now: dt.datetime | None = None) -> QuerySet[MessagePhoto]:
    """The message photos ``user`` may open (R8): in their own threads, never once the message
    is withdrawn, and a parent's photo for the teacher only once the message is delivered
    (R19). The photo view and the data export both read this."""
    delivered = Q(message__from_parent=False) | Q(message__deliver_at__lte=now or timezone.now())
    return MessagePhoto.objects.filter(
        Q(message__author=user) | delivered,
        message__thread__in=threads_visible_to(user),
        message__withdrawn_at__isnull=True,
    )


def may_write_in(user: Any, thread: Thread) -> bool:
    """A thread stays readable to both, but is written in only while R18 allows it (a cover
    teacher's window ends; a child moves class)."""
    if user.pk not in (thread.parent_id, thread.teacher_id):
        return False
    if thread.parent is None or thread.teacher is None:  # an account deleted (R28)
        return False
    return may_message(thread.parent, thread.teacher, thread.pupil)


# The office inbox (R22) and a class's parents (R18)


def can_work_office_inbox(user: Any) -> bool:
    """Office staff and leaders work the office inbox (R22)."""
    return has_role(user, Role.OFFICE, Role.LEADER)


def office_threads_for(user: Any) -> QuerySet[Thread]:
    """Office threads ``user`` may read as the office: all of them for office staff and
    leaders, none for anyone else (a parent reads their own through ``threads_visible_to``)."""
    if not can_work_office_inbox(user):
        return Thread.objects.none()
    return Thread.objects.filter(teacher__isnull=True)


def may_write_to_office(user: Any, pupil: Pupil) -> bool:
    """A parent writes to the office about a child they are linked to."""
    return (
        has_role(user, Role.PARENT)
        and ParentLink.objects.filter(parent=user, pupil=pupil).exists()
    )


def can_broadcast(user: Any) -> bool:
    """Staff who have messaging (R18) may write to all parents of the classes they message."""
    return has_role(user, Role.TEACHER, Role.SUPPORT) and can_use_messaging(user)
