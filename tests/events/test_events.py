"""Events (R35): a staff post that is an event, families' replies per child until the deadline,
the author's view of who has not answered and their one reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Answer, Event, Reply
from events.services.events import END_BEFORE_START, IN_THE_PAST, REPLY_BY_AFTER_START
from events.services.replies import (
    NOT_IN_AUDIENCE,
    NOTHING_TO_REMIND,
    REMINDED_ALREADY,
    REPLIES_CLOSED,
    reply_key,
    reply_set,
)
from notifications.kinds import title
from notifications.models import Channel, Kind, Notification, NotificationSetting
from stories.models import Audience, Post
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

from .conftest import AFTER_DEADLINE, REPLY_BY, TRIP_DAY, trip

pytestmark = pytest.mark.usefixtures("school")

FORM = {
    "title": "Trip to the farm",
    "starts_on": "2026-12-04",
    "starts_at": "09:30",
    "ends_at": "15:00",
    "place": "Hill Farm",
    "bring": "Wellies",
    "reply_by": "2026-12-03T12:00",
    "details": "We will see the lambs.",
}


def test_R35_teacher_posts_a_trip_in_the_class_story(teacher, school_class) -> None:
    client = client_for(teacher)
    response = client.post(reverse("events_new_class", args=[school_class.pk]), FORM)
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events_event", args=[event.pk])
    assert event.post.audience == Audience.CLASS
    assert event.post.school_class == school_class
    assert event.post.body == "We will see the lambs."
    assert event.post.published_at is not None
    assert event.reply_by == REPLY_BY
    page = client.get(response["Location"]).content.decode()
    assert "Trip to the farm" in page and "Hill Farm" in page and "Wellies" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reply_by": "2026-12-04T10:00"}, "reply_by", REPLY_BY_AFTER_START),
        ({"ends_at": "09:00"}, "ends_at", END_BEFORE_START),
        ({"starts_on": "2026-11-30"}, "starts_on", IN_THE_PAST),
        ({"starts_at": "", "all_day": ""}, "starts_at", "Give a start time, or tick"),
    ],
)
def test_R35_event_with_dates_that_do_not_fit_is_refused_and_nothing_is_posted(
    teacher, school_class, changes, field, message
) -> None:
    response = client_for(teacher).post(
        reverse("events_new_class", args=[school_class.pk]), {**FORM, **changes}
    )
    assert response.status_code == 400
    assert str(message)[:20] in " ".join(str(e) for e in response.context["form"].errors[field])
    assert not Event.objects.exists() and not Post.objects.exists()


def test_R35_only_the_class_staff_post_events_for_it(teacher, school_class, parent_with_child):
    parent, _child = parent_with_child
    url = reverse("events_new_class", args=[school_class.pk])
    assert client_for(TeacherFactory()).get(url).status_code == 404
    assert client_for(parent).get(url).status_code == 404
    assert client_for(teacher).get(reverse("events_new_school")).status_code == 404
    assert client_for(TeacherFactory()).post(url, FORM).status_code == 404
    assert not Event.objects.exists()


def test_R35_parent_answers_for_their_child_and_changes_the_answer(
    teacher, school_class, parent_with_child
) -> None:
    parent, child = parent_with_child
    event = trip(teacher, school_class)
    client = client_for(parent)
    url = reverse("events_reply", args=[event.pk])
    client.post(url, {"pupil": child.pk, "answer": "going"})
    page = client.post(url, {"pupil": child.pk, "answer": "maybe"}, follow=True)
    reply = Reply.objects.get()
    assert (reply.pupil, reply.answer, reply.answered_by) == (child, Answer.MAYBE, parent)
    assert "Your answer is saved" in page.content.decode()
    assert 'value="maybe" class="chosen" aria-pressed="true"' in page.content.decode()


def test_R35_an_answer_after_the_deadline_is_refused_and_the_old_one_kept(
    teacher, school_class, parent_with_child
) -> None:
    parent, child = parent_with_child
    event = trip(teacher, school_class)
    reply_set(acting_user=parent, event=event, pupil=child, answer=Answer.GOING)
    with at(AFTER_DEADLINE):
        page = client_for(parent).post(
            reverse("events_reply", args=[event.pk]),
            {"pupil": child.pk, "answer": "not_going"},
            follow=True,
        )
    assert str(REPLIES_CLOSED) in page.content.decode()
    assert list(Reply.objects.values_list("answer", flat=True)) == [Answer.GOING]


def test_R35_an_answer_for_a_child_the_event_is_not_for_is_refused(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    other_class_child = ParentLinkFactory(parent=parent, pupil__first_name="Sam").pupil
    strangers_child = PupilFactory(school_class=school_class)
    event = trip(teacher, school_class)
    client = client_for(parent)
    for pupil in (other_class_child, strangers_child):
        page = client.post(
            reverse("events_reply", args=[event.pk]),
            {"pupil": pupil.pk, "answer": "going"},
            follow=True,
        )
        assert str(NOT_IN_AUDIENCE) in page.content.decode()
    assert not Reply.objects.exists()


def test_R35_a_family_of_another_class_does_not_see_the_event(teacher, school_class) -> None:
    event = trip(teacher, school_class)
    outsider = ParentLinkFactory(pupil__school_class=SchoolClassFactory(name="Ash")).parent
    client = client_for(outsider)
    assert client.get(reverse("events_event", args=[event.pk])).status_code == 404
    assert client.get(reverse("events_ics", args=[event.pk])).status_code == 404
    assert client.post(reverse("events_reply", args=[event.pk]), {}).status_code == 404
    assert "Trip to the farm" not in client.get(reverse("events_upcoming")).content.decode()


def test_R35_the_author_sees_the_answers_and_who_has_not_answered(teacher, school_class):
    links = [
        ParentLinkFactory(pupil__school_class=school_class, pupil__first_name=name)
        for name in ("Amira", "Bea", "Cody")
    ]
    event = trip(teacher, school_class)
    reply_set(acting_user=links[0].parent, event=event, pupil=links[0].pupil, answer="going")
    page = client_for(teacher).get(reverse("events_event", args=[event.pk]))
    replies = page.context["page"].replies
    assert [row.name for row in replies.waiting] == ["Bea", "Cody"]
    assert [(row.name, row.answer) for row in replies.answered] == [("Amira", "going")]
    html = page.content.decode()
    assert "Going: 1 · Not going: 0 · Maybe: 0 · No answer: 2" in html
    assert "Remind those who have not answered" in html
    # Another teacher of the class sees the event but not the families' answers.
    other = assign_teacher(TeacherFactory(), school_class)
    assert (
        client_for(other).get(reverse("events_event", args=[event.pk])).context["page"].replies
        is None
    )


def test_R35_one_reminder_reaches_only_the_families_who_have_not_answered(
    teacher, school_class
) -> None:
    answered, waiting, quiet = (
        ParentLinkFactory(pupil__school_class=school_class) for _ in range(3)
    )
    NotificationSetting.objects.create(user=quiet.parent, kind=Kind.NEW_POST, channel=Channel.OFF)
    event = trip(teacher, school_class)
    reply_set(acting_user=answered.parent, event=event, pupil=answered.pupil, answer="maybe")
    client = client_for(teacher)
    url = reverse("events_remind", args=[event.pk])
    page = client.post(url, follow=True).content.decode()
    assert "The reminder is sent to 2 families." in page
    told = Notification.objects.filter(key=reply_key(event.pk))
    # The parent who turned post notices off hears nothing, as of a post.
    assert [n.recipient_id for n in told] == [waiting.parent.pk]
    assert title(told.get()) == "Please reply for Trip to the farm"
    assert told.get().link == reverse("events_event", args=[event.pk])
    again = client.post(url, follow=True).content.decode()
    assert str(REMINDED_ALREADY) in again
    assert told.count() == 1
    assert "Reminder sent on" in again and "Remind those who" not in again


def test_R35_only_the_author_reminds_and_not_when_everyone_answered(
    teacher, school_class, parent_with_child
) -> None:
    parent, child = parent_with_child
    event = trip(teacher, school_class)
    other = assign_teacher(TeacherFactory(), school_class)
    assert client_for(other).post(reverse("events_remind", args=[event.pk])).status_code == 404
    reply_set(acting_user=parent, event=event, pupil=child, answer="going")
    page = client_for(teacher).post(reverse("events_remind", args=[event.pk]), follow=True)
    assert str(NOTHING_TO_REMIND) in page.content.decode()
    event.refresh_from_db()
    assert event.reminded_at is None


def test_R35_the_event_reaches_families_as_a_post_does(
    teacher, school_class, parent_with_child, django_capture_on_commit_callbacks
) -> None:
    parent, _child = parent_with_child
    with django_capture_on_commit_callbacks(execute=True):
        event = trip(teacher, school_class)
    notice = Notification.objects.get(recipient=parent, kind=Kind.NEW_POST)
    assert notice.link == reverse("stories_post", args=[event.post.pk])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R35_two_answers_for_one_child_at_once_store_one_reply(school, school_class) -> None:
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    from events.services.replies import ANSWERED_MEANWHILE

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    teacher = assign_teacher(TeacherFactory(), school_class)
    child = PupilFactory(school_class=school_class)
    parents = [ParentLinkFactory(pupil=child).parent for _ in range(2)]
    event = trip(teacher, school_class)
    start = threading.Barrier(2)
    refused: list[str] = []
    errors: list[BaseException] = []

    def answer(parent, choice: str) -> None:
        try:
            start.wait()
            reply_set(acting_user=parent, event=event, pupil=child, answer=choice)
        except ValidationError as error:
            refused.extend(error.messages)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(parent, choice))
        for parent, choice in zip(parents, ("going", "not_going"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Reply.objects.filter(event=event, pupil=child).count() == 1
    assert refused in ([], [str(ANSWERED_MEANWHILE)])


def test_R35_upcoming_lists_events_and_closures_soonest_first(
    teacher, school_class, parent_with_child
) -> None:
    from tests.factories import ClosureFactory

    parent, _child = parent_with_child
    trip(teacher, school_class)
    trip(teacher, school_class, title="Nativity", starts_on=dt.date(2026, 12, 16), reply_by=None)
    ClosureFactory(
        starts_on=dt.date(2026, 12, 21), ends_on=dt.date(2027, 1, 1), reason="Christmas holiday"
    )
    ClosureFactory(starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 2), reason="INSET")
    html = client_for(parent).get(reverse("events_upcoming")).content.decode()
    farm, nativity = html.index("Trip to the farm"), html.index("Nativity")
    christmas = html.index("School closed: Christmas holiday")
    assert farm < nativity < christmas
    assert "INSET" not in html
    assert TRIP_DAY.strftime("%A") in html


def test_R35_the_office_puts_an_event_in_the_school_story_for_every_family(
    school_class, parent_with_child
) -> None:
    from tests.factories import OfficeFactory

    parent, child = parent_with_child
    other = ParentLinkFactory(pupil__school_class=SchoolClassFactory(name="Ash"))
    office = OfficeFactory()
    form = {**FORM, "title": "Christmas fair", "all_day": "on", "starts_at": "", "ends_at": ""}
    response = client_for(office).post(reverse("events_new_school"), form)
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.post.audience == Audience.SCHOOL and event.all_day
    for family, pupil in ((parent, child), (other.parent, other.pupil)):
        reply_set(acting_user=family, event=event, pupil=pupil, answer=Answer.MAYBE)
    assert Reply.objects.filter(event=event).count() == 2


def test_R35_the_event_page_reads_right_to_left_in_arabic(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    parent.preferred_language = "ar"
    parent.save()
    event = trip(teacher, school_class)
    html = client_for(parent).get(reverse("events_event", args=[event.pk])).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "سيحضر" in html and "أضف إلى التقويم (.ics)" in html


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R35_two_reminders_at_once_send_one(school, school_class) -> None:
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    from events.services.replies import event_remind

    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    teacher = assign_teacher(TeacherFactory(), school_class)
    waiting = ParentLinkFactory(pupil__school_class=school_class).parent
    event = trip(teacher, school_class)
    start = threading.Barrier(2)
    refused: list[str] = []
    errors: list[BaseException] = []

    def remind() -> None:
        try:
            start.wait()
            event_remind(acting_user=teacher, event=Event.objects.get(pk=event.pk))
        except ValidationError as error:
            refused.extend(error.messages)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=remind) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert refused == [str(REMINDED_ALREADY)]
    assert Notification.objects.filter(key=reply_key(event.pk), recipient=waiting).count() == 1


def test_R35_the_author_moves_the_event_and_the_answers_stay(
    teacher, school_class, parent_with_child
) -> None:
    parent, child = parent_with_child
    event = trip(teacher, school_class)
    reply_set(acting_user=parent, event=event, pupil=child, answer=Answer.GOING)
    client = client_for(teacher)
    url = reverse("events_edit", args=[event.pk])
    form = client.get(url).context["form"]
    assert form.initial["place"] == "Hill Farm, Long Lane"
    assert form.initial["details"] == "We will see the lambs."
    moved = {**FORM, "starts_on": "2026-12-11", "place": "Meadow Farm", "details": "Lambs!"}
    response = client.post(url, moved)
    assert response.status_code == 302
    event.refresh_from_db()
    event.post.refresh_from_db()
    assert (event.starts_on, event.ends_on) == (dt.date(2026, 12, 11), dt.date(2026, 12, 11))
    assert (event.place, event.post.body) == ("Meadow Farm", "Lambs!")
    assert Reply.objects.get().answer == Answer.GOING
    assert (
        "Edit the event"
        not in client_for(parent).get(reverse("events_event", args=[event.pk])).content.decode()
    )


def test_R35_only_the_author_edits_an_event_and_bad_dates_change_nothing(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    event = trip(teacher, school_class)
    url = reverse("events_edit", args=[event.pk])
    other = assign_teacher(TeacherFactory(), school_class)
    assert client_for(other).post(url, FORM).status_code == 404
    assert client_for(parent).get(url).status_code == 404
    response = client_for(teacher).post(url, {**FORM, "ends_at": "08:00", "place": "Elsewhere"})
    assert response.status_code == 400
    assert str(END_BEFORE_START) in response.content.decode()
    event.refresh_from_db()
    assert event.place == "Hill Farm, Long Lane"


def test_R35_after_the_deadline_the_author_still_corrects_the_place(teacher, school_class) -> None:
    event = trip(teacher, school_class)
    with at(AFTER_DEADLINE):
        response = client_for(teacher).post(
            reverse("events_edit", args=[event.pk]), {**FORM, "place": "Meadow Farm"}
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.place, event.reply_by) == ("Meadow Farm", REPLY_BY)
