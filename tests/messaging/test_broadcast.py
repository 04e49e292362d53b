"""A teacher's one message to all parents of a class, delivered as separate private threads
(one per parent and child): only for a class R18 lets them write to now, no parent sees
another, and it is stored in a fixed number of queries whatever the size of the class."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import SchoolClass
from messaging.models import Message, Thread
from messaging.selectors import inbox
from messaging.services.messages import EMPTY, MAX_LENGTH, TOO_LONG, message_start
from messaging.services.office import NOBODY_IN_CLASS, class_broadcast
from messaging.views.office import BROADCAST_SENT
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    CoverAssignmentFactory,
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    UserFactory,
    assign_support,
    assign_teacher,
)

pytestmark = pytest.mark.django_db

TRIP = "The trip to the farm is on Friday: wellies, please."


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def families(school_class: SchoolClass, count: int) -> list[User]:
    return [
        ParentLinkFactory(pupil=PupilFactory(school_class=school_class)).parent
        for _ in range(count)
    ]


def post(client, school_class: SchoolClass, body: str = TRIP):
    return client.post(
        reverse("messaging_broadcast"), {"school_class": school_class.pk, "body": body}
    )


def test_R18_one_message_becomes_each_familys_own_private_thread(
    school, school_class, teacher, parent_with_child
) -> None:
    parent, maya = parent_with_child
    existing = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hi").thread
    others = families(school_class, 2)
    sibling = PupilFactory(school_class=school_class)  # Maya's brother, in the same class
    ParentLinkFactory(parent=parent, pupil=sibling)
    left = ParentLinkFactory(pupil=PupilFactory(school_class=school_class))
    left.pupil.leaving_date = dt.date(2026, 10, 1)
    left.pupil.save()
    elsewhere = families(SchoolClassFactory(), 1)[0]

    client = client_for(teacher)
    response = post(client, school_class)

    assert response.status_code == 302 and response["Location"] == reverse("messaging_inbox")
    sent = Message.objects.filter(body=TRIP)
    assert sent.count() == 4  # Maya's parent twice (one per child), two other families
    assert {(m.thread.parent_id, m.thread.pupil_id) for m in sent} == {
        (parent.pk, maya.pk),
        (parent.pk, sibling.pk),
        *((p.pk, p.parent_links.get().pupil_id) for p in others),
    }
    assert sent.filter(thread=existing).exists()  # the conversation they already had
    assert all(m.author == teacher and not m.from_parent for m in sent)
    assert not Message.objects.filter(thread__parent__in=[left.parent, elsewhere]).exists()
    note = str(BROADCAST_SENT % {"count": 4, "class": "Oak"})
    assert note in text_of(client.get(reverse("messaging_inbox")))


def test_R18_no_parent_sees_another_parent_of_the_class(school, school_class, teacher) -> None:
    first, second = families(school_class, 2)
    class_broadcast(acting_user=teacher, school_class=school_class, body=TRIP)
    for reader, other in ((first, second), (second, first)):
        threads = inbox(reader)
        assert len(threads) == 1 and threads[0].parent == reader
        page = text_of(client_for(reader).get(reverse("messaging_thread", args=[threads[0].pk])))
        assert TRIP in page and other.display_name not in page
        other_thread = Thread.objects.get(parent=other)
        url = reverse("messaging_thread", args=[other_thread.pk])
        assert client_for(reader).get(url).status_code == 404


def test_R18_broadcast_is_a_fixed_number_of_queries_whatever_the_class_size(
    school, teacher
) -> None:
    def queries(size: int) -> int:
        school_class = SchoolClassFactory()
        assign_teacher(teacher, school_class)
        families(school_class, size)
        with CaptureQueriesContext(connection) as captured:
            sent = class_broadcast(acting_user=teacher, school_class=school_class, body=TRIP)
        assert len(sent) == size
        return len(captured)

    assert queries(3) == queries(40)


def test_R18_a_cover_teacher_writes_to_the_class_only_during_the_cover_window(
    school, school_class
) -> None:
    families(school_class, 2)
    cover = CoverAssignmentFactory(school_class=school_class)
    assert (
        len(class_broadcast(acting_user=cover.teacher, school_class=school_class, body=TRIP)) == 2
    )
    cover.ends_at = timezone.now() - dt.timedelta(minutes=1)
    cover.save()
    with pytest.raises(PermissionDenied):
        class_broadcast(acting_user=cover.teacher, school_class=school_class, body="Again")
    assert not Message.objects.filter(body="Again").exists()


def test_R18_a_teacher_cannot_write_to_another_class_even_with_a_forged_id(
    school, school_class, teacher
) -> None:
    other_class = SchoolClassFactory(name="Elm")
    families(other_class, 2)
    response = post(client_for(teacher), other_class)
    assert response.status_code == 400 and "Choose one of your classes." in text_of(response)
    with pytest.raises(PermissionDenied):
        class_broadcast(acting_user=teacher, school_class=other_class, body=TRIP)
    assert not Message.objects.exists()


def test_R18_the_page_offers_only_the_classes_the_teacher_may_write_to(
    school, school_class, teacher
) -> None:
    SchoolClassFactory(name="Elm")
    page = text_of(client_for(teacher).get(reverse("messaging_broadcast")))
    assert ">Oak (" in page and "Elm" not in page


def test_R18_the_broadcast_page_does_not_exist_for_anyone_else(school, school_class) -> None:
    families(school_class, 1)
    pupil_user = UserFactory(role="pupil", email=None)
    PupilFactory(school_class=school_class, user=pupil_user)
    clients = {
        "parent": client_for(ParentLinkFactory(pupil__school_class=school_class).parent),
        "office": client_for(OfficeFactory()),
        "leader": client_for(LeaderFactory()),
        "support without messaging": client_for(assign_support(SupportFactory(), school_class)),
        "pupil": pupil_client_for(pupil_user),
    }
    for who, client in clients.items():
        assert client.get(reverse("messaging_broadcast")).status_code == 404, who
        assert post(client, school_class).status_code == 404, who
    assert not Message.objects.exists()


def test_R18_support_staff_write_to_their_class_when_the_school_allows(
    school, school_class
) -> None:
    families(school_class, 2)
    school.support_staff_messaging = True
    school.save()
    support = assign_support(SupportFactory(), school_class)
    assert post(client_for(support), school_class).status_code == 302
    assert Message.objects.filter(author=support).count() == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("   ", str(EMPTY)),
        ("x" * 20_000, str(TOO_LONG % {"limit": MAX_LENGTH, "length": 20_000})),
    ],
)
def test_R18_an_empty_or_huge_broadcast_is_refused_and_nothing_stored(
    school, school_class, teacher, body, error
) -> None:
    families(school_class, 2)
    response = post(client_for(teacher), school_class, body)
    assert response.status_code == 400 and error in text_of(response)
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_R18_a_class_with_no_parents_yet_is_told_so(school, school_class, teacher) -> None:
    PupilFactory(school_class=school_class)
    response = post(client_for(teacher), school_class)
    assert response.status_code == 400 and str(NOBODY_IN_CLASS) in text_of(response)
    with pytest.raises(ValidationError):
        class_broadcast(acting_user=teacher, school_class=school_class, body=TRIP)


def test_R18_teachers_see_the_way_to_message_their_class(school, teacher) -> None:
    page = text_of(client_for(teacher).get(reverse("messaging_inbox")))
    assert reverse("messaging_broadcast") in page
    parent = ParentLinkFactory().parent
    assert reverse("messaging_broadcast") not in text_of(
        client_for(parent).get(reverse("messaging_inbox"))
    )
