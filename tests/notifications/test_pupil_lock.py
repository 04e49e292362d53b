"""The class teachers' notice of a locked picture code is a notification like every other (R31):
held to working time for staff (R19), sent by the channel each teacher chose, once per lock,
naming the pupil by display name only (R6), and withdrawn when the lock is lifted first."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives

from accounts.models import PupilLogin, User
from accounts.services.pupil_login import pupil_code_check, pupil_code_set, pupil_unlock
from classes.models import Pupil, SchoolClass
from notifications.kinds import settable_kinds
from notifications.models import Channel, Kind, Notification
from notifications.pupil_lock import pupil_lock_notify
from notifications.tasks import sweep_notifications
from privacy.retention import pupil_delete
from tests.clock import at
from tests.factories import (
    PICTURE_CODE,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
)

from .helpers import LONDON, MINUTE, MONDAY_0800, TUESDAY_1000, address, choose, sent_to

pytestmark = pytest.mark.django_db

SUNDAY_2205 = dt.datetime(2026, 11, 29, 22, 5, tzinfo=LONDON)
WRONG = ["dog", "dog", "dog", "dog", "dog"]
BASE_DIR = Path(__file__).resolve().parents[2]


def beat(moment: dt.datetime) -> None:
    """The sweep that beat runs every minute, with the whole process's clock at ``moment``."""
    with at(moment):
        sweep_notifications()


def lock(pupil: Pupil, moment: dt.datetime) -> None:
    """Five wrong picture codes at ``moment``: the fifth locks the code."""
    with at(moment):
        for _ in range(5):
            with pytest.raises(ValidationError):
                pupil_code_check(pupil=pupil, code=WRONG)
    assert PupilLogin.objects.get(pupil=pupil).locked_at == moment


@pytest.fixture
def amir(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Smith")
    give_picture_code(pupil)
    return pupil


def test_R19_R31_a_lock_on_sunday_2205_emails_the_class_teacher_at_0800_monday_once(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, SUNDAY_2205)

    for moment in (SUNDAY_2205 + MINUTE, SUNDAY_2205 + 120 * MINUTE, MONDAY_0800 - MINUTE):
        beat(moment)
    assert mail.outbox == [], "staff are never emailed in quiet time"

    beat(MONDAY_0800)
    beat(MONDAY_0800 + MINUTE)

    [email] = mail.outbox
    assert email.to == [teacher.email]
    assert email.subject == "Picture code locked: Amir K."
    assert "Amir K. in Oak typed a wrong picture code too many times" in email.body
    assert "unlock it on your home page" in email.body
    assert isinstance(email, EmailMultiAlternatives)
    html = str(email.alternatives[0][0])
    assert "Khan" not in f"{email.subject} {email.body} {html}", "R6: display name only"
    assert "Amir K. in Oak typed a wrong picture code" in html


def test_R19_the_lock_shows_in_the_teachers_notifications_from_the_working_day(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, SUNDAY_2205)

    notice = Notification.objects.get(recipient=teacher, kind=Kind.PUPIL_LOCKED)
    assert notice.deliver_at == MONDAY_0800
    assert notice.created_at == SUNDAY_2205
    assert notice.link == "/"
    assert notice.context == {"pupil": "Amir K.", "class_name": "Oak"}


def test_R31_each_teacher_is_told_by_the_channel_they_chose(
    school, school_class: SchoolClass, teacher: User, amir: Pupil
) -> None:
    in_portal = assign_teacher(TeacherFactory(), school_class)
    deaf = assign_teacher(TeacherFactory(), school_class)
    choose(in_portal, {Kind.PUPIL_LOCKED: Channel.PORTAL})
    choose(deaf, {Kind.PUPIL_LOCKED: Channel.OFF})

    lock(amir, TUESDAY_1000)
    beat(TUESDAY_1000 + MINUTE)

    assert [email.to for email in mail.outbox] == [[teacher.email]]
    assert Notification.objects.filter(recipient=in_portal, kind=Kind.PUPIL_LOCKED).exists()
    assert not Notification.objects.filter(recipient=deaf).exists()


def test_R31_teachers_choose_how_they_hear_of_locks_and_others_are_not_offered_it() -> None:
    assert Kind.PUPIL_LOCKED in settable_kinds("teacher")
    for role in ("parent", "support", "office", "leader", "pupil"):
        assert Kind.PUPIL_LOCKED not in settable_kinds(role), role


def test_only_the_current_teachers_of_the_pupils_class_are_told(
    school, school_class: SchoolClass, teacher: User, amir: Pupil
) -> None:
    second = assign_teacher(TeacherFactory(), school_class)
    assign_support(SupportFactory(), school_class)
    assign_teacher(TeacherFactory(), SchoolClassFactory())  # another class's teacher
    ParentFactory()

    lock(amir, TUESDAY_1000)
    beat(TUESDAY_1000 + MINUTE)

    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [address(teacher), address(second)]
    )
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {teacher.pk, second.pk}


def test_a_lock_is_told_once_however_often_it_is_recorded_or_the_pupil_tries_again(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, TUESDAY_1000)
    with at(TUESDAY_1000 + MINUTE), pytest.raises(ValidationError):
        pupil_code_check(pupil=amir, code=PICTURE_CODE)  # still locked: refused
    pupil_lock_notify(pupil_id=amir.pk, locked_at=TUESDAY_1000)  # a repeated event
    beat(TUESDAY_1000 + MINUTE)
    beat(TUESDAY_1000 + 2 * MINUTE)

    assert Notification.objects.count() == 1
    assert len(sent_to(teacher)) == 1


def test_a_lock_lifted_before_0800_monday_is_never_emailed(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, SUNDAY_2205)
    with at(SUNDAY_2205 + dt.timedelta(minutes=30)):
        pupil_unlock(acting_user=teacher, pupil=amir)

    beat(MONDAY_0800)

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_new_picture_code_lifts_the_lock_and_withdraws_its_notice(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, SUNDAY_2205)
    with at(SUNDAY_2205 + MINUTE):
        pupil_code_set(acting_user=teacher, pupil=amir)

    beat(MONDAY_0800)

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_new_lock_after_an_unlock_is_told_again(school, teacher: User, amir: Pupil) -> None:
    lock(amir, TUESDAY_1000)
    beat(TUESDAY_1000 + MINUTE)
    with at(TUESDAY_1000 + 2 * MINUTE):
        pupil_unlock(acting_user=teacher, pupil=amir)
    lock(amir, TUESDAY_1000 + 3 * MINUTE)
    beat(TUESDAY_1000 + 4 * MINUTE)

    assert len(sent_to(teacher)) == 2
    assert Notification.objects.filter(recipient=teacher).count() == 1, "the old lock is gone"


def test_a_pupil_without_a_class_teacher_still_locks(school, school_class: SchoolClass) -> None:
    pupil = PupilFactory(school_class=school_class)
    give_picture_code(pupil)

    lock(pupil, TUESDAY_1000)

    assert not Notification.objects.exists()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_accounts_never_imports_the_notification_service_nor_a_task_module() -> None:
    """``classes`` ← ``accounts`` ← ``notifications``: accounts tells of a lock by its event,
    and its services never import a task (tasks import services, never the reverse)."""
    for path in sorted((BASE_DIR / "accounts").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        imported = _imports(path)
        assert not any("notifications" in name for name in imported), path
        assert not any(name.split(".")[-1] == "tasks" for name in imported), path


def test_R28_erasing_a_pupil_erases_the_notices_of_their_locks(
    school, teacher: User, amir: Pupil
) -> None:
    lock(amir, TUESDAY_1000)
    other = PupilFactory(school_class=amir.school_class)
    give_picture_code(other)
    lock(other, TUESDAY_1000)

    pupil_delete(acting_user=OfficeFactory(), pupil_id=amir.pk)

    [left] = Notification.objects.all()
    assert left.key.startswith(f"pupil-lock:{other.pk}:"), "only the erased pupil's notice goes"
