"""R18, who may message whom, as ONE predicate used by the compose page, the services and the
tests: a parent and a teacher may write to each other about a child only while the teacher is
a class teacher of the child's current class, or covers that class now (PPA cover). Support
staff have no messaging unless the school switches it on; pupils have none, anywhere."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any, TypeVar

from django.db.models import Exists, F, Model, Q, QuerySet
from django.utils import timezone

from accounts.models import ParentLink, Role, User
from accounts.permissions.accounts import has_role
from classes.models import CoverAssignment, Pupil, SchoolClass, SchoolClassUserObjectPermission
from classes.selectors import SUPPORT, TEACH, classes_staffed_by, school_get

from .models import MessagePhoto, Thread

_Row = TypeVar("_Row", bound=Model)


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


def _assignments() -> QuerySet[SchoolClassUserObjectPermission]:
    """The staff assignments that let their holder be written to about a class's pupils."""
    return SchoolClassUserObjectPermission.objects.filter(permission__codename__in=_codenames())


def _covers_at(at: dt.datetime) -> QuerySet[CoverAssignment]:
    """The PPA covers in force at ``at``."""
    return CoverAssignment.objects.filter(starts_at__lte=at, ends_at__gt=at)


def _teachers_now(class_id: int, at: dt.datetime) -> QuerySet[User]:
    """Who may be written to about a pupil of the class now: its class teachers and anyone
    covering it at ``at`` (and support staff, where the school allows them messaging)."""
    assigned = _assignments().filter(content_object_id=class_id).values("user_id")
    covering = _covers_at(at).filter(school_class_id=class_id).values("teacher_id")
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


def teachers_for_children(
    parent: Any, pupil_ids: Collection[int], *, at: dt.datetime | None = None
) -> dict[int, list[User]]:
    """Whom ``parent`` may write to now about each of their children ``pupil_ids`` (R18), by
    pupil id: the twin of :func:`teachers_for` for many children at once (the parent's home
    page), in two queries whatever their number. Only the parent's own current children, in
    a class, get anyone; the rest are left out."""
    if not has_role(parent, Role.PARENT) or not pupil_ids:
        return {}
    at = at or timezone.now()
    found: dict[int, dict[int, User]] = defaultdict(dict)
    child = "content_object__pupils"
    assigned = _of_children(_assignments(), child, parent, pupil_ids).filter(user__is_active=True)
    for row in assigned.select_related("user"):
        found[row.child_id][row.user_id] = row.user  # type: ignore[attr-defined]
    covers = _of_children(_covers_at(at), "school_class__pupils", parent, pupil_ids)
    covers = covers.filter(teacher__is_active=True)
    for cover in covers.select_related("teacher"):
        found[cover.child_id][cover.teacher_id] = cover.teacher  # type: ignore[attr-defined]
    return {pk: sorted(users.values(), key=lambda u: u.last_name) for pk, users in found.items()}


def _of_children(
    rows: QuerySet[_Row], child: str, parent: Any, pupil_ids: Collection[int]
) -> QuerySet[_Row]:
    """``rows`` (assignments or covers) of the classes of the parent's current children among
    ``pupil_ids``, each annotated with the child's id (``child`` is the path to the pupils)."""
    return rows.filter(
        **{
            f"{child}__pk__in": pupil_ids,
            f"{child}__parent_links__parent": parent,
            f"{child}__leaving_date__isnull": True,
        }
    ).annotate(child_id=F(f"{child}__pk"))


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
