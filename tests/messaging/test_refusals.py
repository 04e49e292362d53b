"""Small things of R18 and withdrawal: Withdraw shows only while it works and the page hides it
when the window ends (the server still refuses a late one); every refusal names whom to
contact (the class teacher by name and when the cover runs, or the office and its number);
teachers read a refusal written for teachers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from messaging.services.messages import message_reply, message_start, message_withdraw
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import CoverAssignmentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
TUESDAY_1300 = dt.datetime(2026, 12, 1, 13, 0, tzinfo=LONDON)
TUESDAY_1500 = dt.datetime(2026, 12, 1, 15, 0, tzinfo=LONDON)
WITHDRAW_BUTTON = re.compile(r'data-withdraw-seconds="(\d+)"')


def test_withdraw_shows_only_within_the_window_with_the_seconds_left(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=child, body="Hello")
    url = reverse("messaging_thread", args=[message.thread_id])
    with at(TUESDAY_1000 + dt.timedelta(minutes=3)):
        html = client_for(parent).get(url).content.decode()
    assert WITHDRAW_BUTTON.findall(html) == ["120"] and "withdraw-timer.js" in html
    with at(TUESDAY_1000 + dt.timedelta(minutes=5, seconds=1)):
        html = client_for(parent).get(url).content.decode()
        assert "data-withdraw-seconds" not in html and ">Withdraw<" not in html
        with pytest.raises(ValidationError, match="first 5 minutes"):
            message_withdraw(acting_user=parent, message=message)  # the server still refuses


def _cover_thread(parent: User, child: Pupil, school_class: SchoolClass):
    cover = CoverAssignmentFactory(
        teacher=TeacherFactory(title="Mr", last_name="Green"),
        school_class=school_class,
        starts_at=TUESDAY_1300,
        ends_at=TUESDAY_1500,
    )
    with at(TUESDAY_1300 + dt.timedelta(minutes=10)):
        message = message_start(acting_user=parent, other=cover.teacher, pupil=child, body="Hi")
    return cover, message.thread


def test_R18_a_parent_is_told_the_class_teacher_and_when_the_cover_runs(
    school, parent_with_child, teacher, school_class
) -> None:
    parent, child = parent_with_child
    _cover, thread = _cover_thread(parent, child, school_class)
    with at(TUESDAY_1500 + dt.timedelta(minutes=5)):
        with pytest.raises(PermissionDenied) as refused:
            message_reply(acting_user=parent, thread=thread, body="Are you there?")
        page = client_for(parent).get(reverse("messaging_thread", args=[thread.pk]))
    text = str(refused.value)
    assert "Mr Green covers Oak on Tuesday 1 December, 13:00–15:00." in text
    assert "Please write to the class teacher of Oak, Mrs Patel." in text
    assert "contact the school office on 01302 555 0100" in text
    assert "Mr Green covers Oak on Tuesday 1 December" in page.content.decode()


def test_R18_a_cover_teacher_reads_a_refusal_written_for_teachers(
    school, parent_with_child, teacher, school_class
) -> None:
    parent, child = parent_with_child
    cover, thread = _cover_thread(parent, child, school_class)
    with at(TUESDAY_1500 + dt.timedelta(minutes=5)):
        with pytest.raises(PermissionDenied) as refused:
            message_reply(acting_user=cover.teacher, thread=thread, body="Reply")
        html = (
            client_for(cover.teacher)
            .get(reverse("messaging_thread", args=[thread.pk]))
            .content.decode()
        )
    text = str(refused.value)
    assert text.startswith(
        "You can write to this family only while you cover Oak: your cover runs on Tuesday "
        "1 December, 13:00–15:00."
    )
    assert "The class teacher of Oak is Mrs Patel." in text
    assert "Please write to" not in text  # the parents' wording is not the teachers'
    assert "your cover runs on Tuesday 1 December" in html


def test_R18_a_teacher_of_another_class_is_told_who_teaches_it(
    school, parent_with_child, teacher
) -> None:
    parent, child = parent_with_child
    stranger = TeacherFactory()
    with at(TUESDAY_1000), pytest.raises(PermissionDenied) as refused:
        message_start(acting_user=stranger, other=parent, pupil=child, body="Hello")
    text = str(refused.value)
    assert text.startswith("You can write only to parents of pupils in your classes")
    assert "The class teacher of Oak is Mrs Patel." in text and "01302 555 0100" in text
