"""Weekly reminder posts (R29): on time in school time through DST, once per occurrence even
with several beats, stopped by their author; the pages to set and stop them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from stories.models import Audience, Post, Reminder
from stories.services.reminders import (
    next_occurrence,
    reminder_create,
    reminder_stop,
    reminders_publish_due,
)
from stories.tasks import publish_due
from tests.conftest import client_for
from tests.factories import OfficeFactory, PupilFactory, TeacherFactory, assign_teacher

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1530 = (1, dt.time(15, 30))


def weekly(author, school_class, body: str = "Spellings", weekday: int = 0, hour: int = 9):
    """A weekly Class Story reminder (by default Mondays 09:00)."""
    return reminder_create(
        acting_user=author,
        audience=Audience.CLASS,
        school_class=school_class,
        body=body,
        weekday=weekday,
        time_of_day=dt.time(hour, 0),
    )


def london(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (london(2026, 11, 23, 9, 0), london(2026, 11, 24, 15, 30)),  # Monday → this Tuesday
        (london(2026, 11, 24, 15, 29), london(2026, 11, 24, 15, 30)),  # a minute before
        (london(2026, 11, 24, 15, 30), london(2026, 12, 1, 15, 30)),  # at the time: next week
        (london(2026, 3, 25, 12, 0), london(2026, 3, 31, 15, 30)),  # over the spring DST change
        (london(2026, 10, 21, 12, 0), london(2026, 10, 27, 15, 30)),  # over the autumn DST change
        (london(2026, 12, 30, 12, 0), london(2027, 1, 5, 15, 30)),  # over New Year
    ],
)
def test_R29_next_occurrence_is_in_school_time(after, expected) -> None:
    found = next_occurrence(*TUESDAY_1530, LONDON, after=after)
    assert found == expected
    assert found.astimezone(LONDON).strftime("%a %H:%M") == "Tue 15:30"


def test_R29_a_reminder_posts_once_per_week_at_its_time(teacher, school_class) -> None:
    reminder = reminder_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=school_class,
        body="PE kit tomorrow",
        weekday=1,
        time_of_day=dt.time(15, 30),
    )
    due = reminder.next_at
    assert reminders_publish_due(now=due - dt.timedelta(seconds=1)) == []
    first = reminders_publish_due(now=due)
    assert len(first) == 1
    assert reminders_publish_due(now=due + dt.timedelta(minutes=1)) == []  # not twice
    post = Post.objects.get()
    assert (post.body, post.school_class, post.published_at) == (
        "PE kit tomorrow",
        school_class,
        due,
    )
    reminder.refresh_from_db()
    assert reminder.next_at == due + dt.timedelta(days=7)


def test_R29_after_downtime_a_missed_week_is_posted_once(teacher, school_class) -> None:
    reminder = weekly(teacher, school_class, "Library books", 4, 8)
    three_weeks_later = reminder.next_at + dt.timedelta(days=21, hours=1)
    reminders_publish_due(now=three_weeks_later)
    reminders_publish_due(now=three_weeks_later)
    assert Post.objects.count() == 1
    reminder.refresh_from_db()
    assert reminder.next_at > three_weeks_later


def test_R29_the_same_occurrence_is_never_posted_twice(teacher, school_class) -> None:
    reminder = weekly(teacher, school_class)
    due = reminder.next_at
    reminders_publish_due(now=due)
    Reminder.objects.filter(pk=reminder.pk).update(next_at=due)  # as if a second beat lagged
    reminders_publish_due(now=due)
    assert Post.objects.count() == 1


def test_R29_a_reminder_stops_when_its_author_no_longer_teaches_the_class(
    teacher, school_class
) -> None:
    reminder = weekly(teacher, school_class)
    from guardian.shortcuts import remove_perm

    remove_perm("classes.teach_class", teacher, school_class)
    reminders_publish_due(now=reminder.next_at)
    reminder.refresh_from_db()
    assert not reminder.active and not Post.objects.exists()


def test_R29_the_beat_task_publishes_reminders_and_scheduled_posts(teacher, school_class) -> None:
    reminder = weekly(teacher, school_class)
    Reminder.objects.filter(pk=reminder.pk).update(next_at=reminder.next_at - dt.timedelta(days=8))
    publish_due()
    assert Post.objects.filter(reminder=reminder).count() == 1


def test_R7_a_reminder_is_refused_with_a_surname(teacher, school_class) -> None:
    PupilFactory(school_class=school_class, first_name="Ivy", surname="Blackwood")
    with pytest.raises(ValidationError, match="Blackwood"):
        weekly(teacher, school_class, "Ivy Blackwood brings the register")


def test_R15_only_staff_of_the_class_set_reminders_and_only_the_author_stops(
    teacher, school_class
) -> None:
    with pytest.raises(PermissionDenied):
        reminder_create(
            acting_user=TeacherFactory(),
            audience=Audience.CLASS,
            school_class=school_class,
            body="PE",
            weekday=1,
            time_of_day=dt.time(15, 30),
        )
    reminder = reminder_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=school_class,
        body="PE",
        weekday=1,
        time_of_day=dt.time(15, 30),
    )
    colleague = assign_teacher(TeacherFactory(), school_class)
    with pytest.raises(PermissionDenied):
        reminder_stop(acting_user=colleague, reminder=reminder)
    response = client_for(colleague).post(reverse("stories_reminder_stop", args=[reminder.pk]))
    assert response.status_code == 404
    reminder_stop(acting_user=teacher, reminder=reminder)
    reminder.refresh_from_db()
    assert not reminder.active


def test_R29_the_reminders_page_sets_and_lists_them(teacher, school_class) -> None:
    client = client_for(teacher)
    url = reverse("stories_class_reminders", args=[school_class.pk])
    response = client.post(url, {"body": "PE kit tomorrow", "weekday": 1, "time_of_day": "15:30"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "PE kit tomorrow" in html and "Tuesday 15:30" in html and "Stop this reminder" in html
    bad = client.post(url, {"body": "  ", "weekday": 9, "time_of_day": "25:99"})
    assert bad.status_code == 400
    assert Reminder.objects.count() == 1


def test_reminders_pages_are_404_to_others(teacher, school_class) -> None:
    url = reverse("stories_class_reminders", args=[school_class.pk])
    assert client_for(TeacherFactory()).get(url).status_code == 404
    assert client_for(teacher).get(reverse("stories_school_reminders")).status_code == 404
    assert client_for(OfficeFactory()).get(reverse("stories_school_reminders")).status_code == 200


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R29_two_beats_at_once_post_each_reminder_and_scheduled_post_once(
    school, teacher, school_class
) -> None:
    import threading

    from django.db import connection

    from stories.services.posts import post_create

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    reminder = weekly(teacher, school_class)
    later = reminder.next_at
    post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=school_class,
        body="Trip letter",
        publish_at=later,
    )
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            start.wait()
            reminders_publish_due(now=later)
            from stories.services.posts import posts_publish_due

            posts_publish_due(now=later)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Post.objects.filter(reminder=reminder).count() == 1
    assert Post.objects.filter(body="Trip letter", published_at=later).count() == 1
