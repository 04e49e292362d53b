"""What the stories tell families and authors (R31, R13, R15, R29): a post notifies each family
it is for once (siblings too), only them, when it is published; a post hidden for a withdrawn
consent tells its author; an urgent School Story post reaches every parent by email whatever
they chose and is a banner until read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.models import MediaStatus
from notifications.models import Channel, Delivery, Kind, Notification
from notifications.selectors import bell_for, notifications_for
from notifications.services import notification_settings_save
from stories.models import Audience, Post
from stories.services.notices import post_notify
from stories.services.posts import post_create, posts_hide_for_pupils, posts_publish_due
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

from .conftest import class_post, photo, set_consent

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
# Quiet time, before school: an urgent post reaches parents at once all the same.
SNOWY_MORNING = dt.datetime(2026, 12, 2, 6, 30, tzinfo=dt.timezone.utc)
SNOW = "Snow: the school is closed today. Please keep children at home."


@pytest.fixture
def publish(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[..., Post]:
    """Publish a post as a page does: what it enqueues after commit runs (Celery is eager)."""

    def run(**kwargs: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return post_create(**kwargs)

    return run


def told(kind: Kind = Kind.NEW_POST) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def family(school_class: SchoolClass, first_name: str) -> tuple[User, Pupil]:
    link = ParentLinkFactory(pupil=PupilFactory(school_class=school_class, first_name=first_name))
    return link.parent, link.pupil


def test_R31_a_class_post_tells_each_family_of_the_class_once(
    school, teacher: User, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, maya = family(school_class, "Maya")
    ParentLinkFactory(parent=dana, pupil=PupilFactory(school_class=school_class))  # a sibling
    second_carer = ParentLinkFactory(pupil=maya).parent
    sam, _leo = family(school_class, "Leo")
    elsewhere, _ava = family(SchoolClassFactory(name="Ash"), "Ava")

    post = publish(
        acting_user=teacher, audience=Audience.CLASS, school_class=school_class, body="Trip!"
    )

    assert told() == sorted([dana.pk, second_carer.pk, sam.pk])  # siblings' parent: once
    assert elsewhere.pk not in told() and teacher.pk not in told()
    [row] = notifications_for(dana)
    assert row.title == "New post in the Oak class story"
    assert row.notification.link == reverse("stories_post", args=[post.pk])


def test_R31_a_post_is_told_once_however_often_its_task_runs(
    school, teacher: User, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, _maya = family(school_class, "Maya")
    post = publish(
        acting_user=teacher, audience=Audience.CLASS, school_class=school_class, body="Trip!"
    )

    assert post_notify(post.pk) == 0
    assert post_notify(post.pk) == 0
    assert told() == [dana.pk]


def test_R31_a_student_story_post_tells_only_that_childs_parents(
    school, teacher: User, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, maya = family(school_class, "Maya")
    second_carer = ParentLinkFactory(pupil=maya).parent
    sam, _leo = family(school_class, "Leo")

    publish(acting_user=teacher, audience=Audience.STUDENT, pupil=maya, body="Great reading")

    assert told() == sorted([dana.pk, second_carer.pk])
    assert sam.pk not in told()
    assert [row.title for row in notifications_for(dana)] == ["New post in Maya's story"]


def test_R31_a_school_story_post_tells_the_parents_of_every_current_pupil(
    school, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, _maya = family(school_class, "Maya")
    ash_parent, _ava = family(SchoolClassFactory(name="Ash"), "Ava")
    left_parent, left = family(school_class, "Leo")
    left.leaving_date = dt.date(2026, 7, 22)
    left.save()
    staff = OfficeFactory()

    publish(acting_user=LeaderFactory(), audience=Audience.SCHOOL, body="Harvest festival")

    assert told() == sorted([dana.pk, ash_parent.pk])
    assert left_parent.pk not in told() and staff.pk not in told()
    assert [row.title for row in notifications_for(dana)] == ["New post in the School Story"]


def test_R31_R29_a_scheduled_post_tells_families_when_it_is_published(
    school,
    teacher: User,
    school_class: SchoolClass,
    publish: Callable[..., Post],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    dana, _maya = family(school_class, "Maya")
    later = timezone.now() + dt.timedelta(hours=2)

    post = publish(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=school_class,
        body="PE kit tomorrow",
        publish_at=later,
    )
    assert told() == []
    assert post_notify(post.pk) == 0  # not published yet: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        assert posts_publish_due(now=later) == [post.pk]

    assert told() == [dana.pk]
    assert bell_for(dana).unread == 1


def test_R31_R13_a_post_hidden_for_a_withdrawn_consent_tells_its_author(
    school, teacher: User, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")
    dana = ParentLinkFactory(pupil=maya).parent
    set_consent(maya)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    before = Notification.objects.filter(kind=Kind.POST_HIDDEN).count()

    with at(TUESDAY_1000):  # staff are told in working time (R19)
        set_consent(maya, status=MediaStatus.WITHDRAWN)
        [row] = notifications_for(teacher)

    notification = Notification.objects.get(kind=Kind.POST_HIDDEN)
    assert before == 0
    assert notification.recipient == teacher
    assert notification.link == reverse("stories_post", args=[post.pk])
    assert row.title == "Your post is hidden: consent changed for Maya, a child in it"
    assert "Okafor" not in row.title  # first names only (R6)
    assert dana.pk not in told(Kind.POST_HIDDEN)


def test_R13_when_several_consents_change_at_once_each_post_names_only_its_own_children(
    school, teacher: User, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")
    leo = PupilFactory(school_class=school_class, first_name="Leo", surname="Nowak")
    for pupil in (maya, leo):
        set_consent(pupil)
    only_maya = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    both = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk, leo.pk])

    with at(TUESDAY_1000):
        assert posts_hide_for_pupils([maya.pk, leo.pk]) == 2
        titles = {row.notification.link: row.title for row in notifications_for(teacher)}

    assert titles == {
        reverse("stories_post", args=[only_maya.pk]): (
            "Your post is hidden: consent changed for Maya, a child in it"
        ),
        reverse("stories_post", args=[both.pk]): (
            "Your post is hidden: consent changed for Leo, Maya, children in it"
        ),
    }


def test_R31_an_urgent_school_post_reaches_every_parent_by_email_whatever_they_chose(
    school,
    school_class: SchoolClass,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    dana, _maya = family(school_class, "Maya")
    sam, _leo = family(SchoolClassFactory(name="Ash"), "Leo")
    for parent in (dana, sam):
        notification_settings_save(
            acting_user=parent,
            channels={Kind.NEW_POST: Channel.OFF, Kind.NEW_MESSAGE: Channel.OFF},
            digest_at=dt.time(18, 0),
        )
    leader = LeaderFactory()
    with at(SNOWY_MORNING), django_capture_on_commit_callbacks(execute=True):
        response = client_for(leader).post(
            reverse("stories_new_school"), {"body": SNOW, "urgent": "on"}
        )

    assert response.status_code == 302
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [str(dana.email), str(sam.email)]
    )
    assert all(email.subject == f"Urgent: {SNOW}" for email in mail.outbox)
    assert set(Notification.objects.values_list("kind", "email_state")) == {
        (Kind.URGENT, Delivery.SENT)
    }
    with at(SNOWY_MORNING + dt.timedelta(minutes=5)):
        html = client_for(dana).get(reverse("stories_feed")).content.decode()
    assert 'class="urgent-banner"' in html and SNOW in html


def test_R31_an_ordinary_school_post_respects_a_parent_who_turned_posts_off(
    school, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, _maya = family(school_class, "Maya")
    sam, _leo = family(school_class, "Leo")
    notification_settings_save(
        acting_user=dana, channels={Kind.NEW_POST: Channel.OFF}, digest_at=dt.time(18, 0)
    )

    publish(acting_user=LeaderFactory(), audience=Audience.SCHOOL, body="Harvest festival")

    assert told() == [sam.pk]


def test_R31_a_parent_of_children_in_two_classes_hears_of_each_class_post(
    school, teacher: User, school_class: SchoolClass, publish: Callable[..., Post]
) -> None:
    dana, _maya = family(school_class, "Maya")
    ash = SchoolClassFactory(name="Ash")
    ParentLinkFactory(parent=dana, pupil=PupilFactory(school_class=ash, first_name="Leo"))
    ash_teacher = assign_teacher(TeacherFactory(), ash)

    publish(acting_user=teacher, audience=Audience.CLASS, school_class=school_class, body="Oak")
    publish(acting_user=ash_teacher, audience=Audience.CLASS, school_class=ash, body="Ash")

    assert sorted(row.title for row in notifications_for(dana)) == [
        "New post in the Ash class story",
        "New post in the Oak class story",
    ]
