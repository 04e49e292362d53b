"""R29: "Stop this reminder" can be undone by its author: the page offers Undo, and the reminder
runs again from its next weekly time (a week missed while stopped is not posted late)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from stories.models import Audience, Post, Reminder
from stories.services.reminders import reminder_create, reminder_restart, reminder_stop
from stories.tasks import publish_due
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import TeacherFactory, assign_teacher

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
NEXT_MONDAY_0900 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=LONDON)


def weekly(author, school_class) -> Reminder:
    return reminder_create(
        acting_user=author,
        audience=Audience.CLASS,
        school_class=school_class,
        body="Spellings test",
        weekday=0,
        time_of_day=dt.time(9, 0),
    )


def page_url(school_class) -> str:
    return reverse("stories_class_reminders", args=[school_class.pk])


def test_R29_stopping_offers_undo_and_undo_restarts_the_reminder(teacher, school_class) -> None:
    with at(TUESDAY_1000):
        reminder = weekly(teacher, school_class)
        client = client_for(teacher)
        stopped = client.post(reverse("stories_reminder_stop", args=[reminder.pk]), follow=True)
        text = html.unescape(stopped.content.decode())
        assert "The reminder is stopped" in text
        assert "You stopped the reminder of Monday 09:00." in text
        undo = reverse("stories_reminder_restart", args=[reminder.pk])
        assert f'action="{undo}"' in text
        back = client.post(undo, follow=True)
    assert "The reminder is back on" in html.unescape(back.content.decode())
    assert 'action="' + undo not in back.content.decode()  # Undo is gone once used
    reminder.refresh_from_db()
    assert reminder.active and reminder.next_at == NEXT_MONDAY_0900
    with at(NEXT_MONDAY_0900):
        publish_due()
    assert Post.objects.filter(reminder=reminder).count() == 1


def test_R29_a_week_missed_while_stopped_is_not_posted_late(teacher, school_class) -> None:
    with at(TUESDAY_1000):
        reminder = weekly(teacher, school_class)
        reminder_stop(acting_user=teacher, reminder=reminder)
    later = dt.datetime(2026, 12, 8, 10, 0, tzinfo=LONDON)  # the Monday passed
    with at(later):
        reminder_restart(acting_user=teacher, reminder=reminder)
        publish_due()
    reminder.refresh_from_db()
    assert reminder.next_at == dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)
    assert not Post.objects.filter(reminder=reminder).exists()


def test_R29_undo_twice_restarts_once(teacher, school_class) -> None:
    with at(TUESDAY_1000):
        reminder = weekly(teacher, school_class)
        reminder_stop(acting_user=teacher, reminder=reminder)
        reminder_restart(acting_user=teacher, reminder=reminder)
        again = reminder_restart(acting_user=teacher, reminder=reminder)
    assert again.active and again.next_at == NEXT_MONDAY_0900
    assert Reminder.objects.filter(active=True).count() == 1


def test_R29_only_the_author_undoes_and_not_once_they_no_longer_teach_the_class(
    teacher, school_class
) -> None:
    colleague = assign_teacher(TeacherFactory(), school_class)
    with at(TUESDAY_1000):
        reminder = weekly(teacher, school_class)
        reminder_stop(acting_user=teacher, reminder=reminder)
        with pytest.raises(PermissionDenied):
            reminder_restart(acting_user=colleague, reminder=reminder)
        url = reverse("stories_reminder_restart", args=[reminder.pk])
        assert client_for(colleague).post(url).status_code == 404
        page = client_for(colleague).get(page_url(school_class)).content.decode()
        assert url not in page  # Undo is offered to the author only
        from guardian.shortcuts import remove_perm

        remove_perm("classes.teach_class", teacher, school_class)
        with pytest.raises(PermissionDenied):
            reminder_restart(acting_user=teacher, reminder=reminder)
    reminder.refresh_from_db()
    assert not reminder.active
