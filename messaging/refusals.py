"""What a refused message says (R18): whom to contact instead, by name. A parent is told the
class teacher by display name and, in a thread with a cover teacher, when the cover runs; a
teacher is told the same in words for staff; both are given the school office and its number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Role
from classes.models import CoverAssignment, Pupil
from classes.selectors import school_get, teachers_by_class

from .models import Thread


def refusal_for(user: Any, thread: Thread) -> str:
    """Why ``user`` cannot write in ``thread`` now, and whom to contact instead."""
    return refusal_about(user, thread.pupil, thread.teacher)


def refusal_about(user: Any, pupil: Pupil, teacher: Any = None) -> str:
    """Why ``user`` cannot write about ``pupil`` (to or as ``teacher``) now, and whom to
    contact instead, in the active language."""
    school_class = pupil.school_class
    class_teachers = (
        teachers_by_class({school_class.pk}).get(school_class.pk, []) if (school_class) else []
    )
    names = ", ".join(each.display_name for each in class_teachers)
    cover = _cover(teacher, school_class.pk) if teacher and school_class else None
    to_staff = getattr(user, "role", Role.PARENT) != Role.PARENT
    sentences = []
    context = {
        "teacher": teacher.display_name if teacher else "",
        "class_name": school_class.name if school_class else "",
        "class_teachers": names,
        "window": _window(cover) if cover else "",
    }
    if to_staff and cover is not None and teacher.pk == user.pk:
        sentences.append(
            _(
                "You can write to this family only while you cover %(class_name)s: your cover "
                "runs %(window)s."
            )
            % context
        )
    elif to_staff:
        sentences.append(
            _(
                "You can write only to parents of pupils in your classes, or of a class you "
                "cover while the cover runs."
            )
        )
    elif cover is not None:
        sentences.append(_("%(teacher)s covers %(class_name)s %(window)s.") % context)
    if names and to_staff:
        sentences.append(_("The class teacher of %(class_name)s is %(class_teachers)s.") % context)
    elif names:
        sentences.append(
            _("Please write to the class teacher of %(class_name)s, %(class_teachers)s.") % context
        )
    phone = school_get().office_phone
    if phone:
        sentences.append(
            _("For anything else, please contact the school office on %(phone)s.")
            % {"phone": phone}
        )
    else:
        sentences.append(_("For anything else, please contact the school office."))
    return " ".join(sentences)


def _cover(teacher: Any, class_id: int) -> CoverAssignment | None:
    """The teacher's next cover of the class, or else their last one."""
    covers = CoverAssignment.objects.filter(teacher=teacher, school_class_id=class_id)
    now = timezone.now()
    return (
        covers.filter(ends_at__gt=now).order_by("starts_at").first()
        or covers.order_by("-ends_at").first()
    )


def _window(cover: CoverAssignment) -> str:
    """When the cover runs, in the school's time zone: "on Tuesday 1 December, 13:00–15:00"."""
    tz = school_get().tz
    starts, ends = timezone.localtime(cover.starts_at, tz), timezone.localtime(cover.ends_at, tz)
    day_format = pgettext("date format", "l j F")
    if starts.date() == ends.date():
        return _("on %(day)s, %(start)s–%(end)s") % {
            "day": formats.date_format(starts, day_format),
            "start": formats.time_format(starts, "H:i"),
            "end": formats.time_format(ends, "H:i"),
        }
    return _("from %(start)s to %(end)s") % {
        "start": _moment(starts, day_format),
        "end": _moment(ends, day_format),
    }


def _moment(moment: dt.datetime, day_format: str) -> str:
    return f"{formats.date_format(moment, day_format)} {formats.time_format(moment, 'H:i')}"
