"""R24: a teacher answers with a ready reply kept by the office, in one click, with the office
phone filled in; it is sent as any reply is, so R18 and the reply promise (R21) hold."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from guardian.shortcuts import remove_perm

from accounts.models import User
from messaging.models import Message, ReadyReply, Thread
from messaging.services.messages import NOT_ALLOWED, message_start
from messaging.services.office import NOT_A_READY_REPLY
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    TeacherFactory,
    UserFactory,
    assign_teacher,
    with_totp,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
PHONE_REPLY = "Please phone the school office on 01302 555 0100."


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def thread(school, parent_with_child, teacher) -> Thread:
    parent, maya = parent_with_child
    with at(TUESDAY_1000):
        return message_start(acting_user=parent, other=teacher, pupil=maya, body="Trip?").thread


def phone_reply() -> ReadyReply:
    return ReadyReply.objects.get(title="Phone the office")


def send(client: Client, thread: Thread, reply: object):
    return client.post(reverse("messaging_ready_reply", args=[thread.pk]), {"reply": reply})


def test_R24_the_teacher_sees_the_offices_ready_replies_with_the_phone_filled_in(
    thread, teacher
) -> None:
    with at(TUESDAY_1000):
        page = text_of(client_for(teacher).get(reverse("messaging_thread", args=[thread.pk])))
    assert PHONE_REPLY in page
    assert "Thank you, I will reply within two working days." in page
    assert "Let's arrange a meeting: please ask the office for a time." in page


def test_R24_one_click_sends_it_as_a_reply_and_settles_the_reply_due(thread, teacher) -> None:
    question = thread.messages.get()
    assert question.reply_due_at is not None
    with at(TUESDAY_1000):
        response = send(client_for(teacher), thread, phone_reply().pk)
    assert response.status_code == 302
    answer = thread.messages.get(from_parent=False)
    assert (answer.body, answer.author, answer.deliver_at) == (PHONE_REPLY, teacher, TUESDAY_1000)
    question.refresh_from_db()
    assert question.reply_due_at is None  # an answer, as any reply is (R21)
    with at(TUESDAY_1000):
        parent_page = client_for(thread.parent).get(reverse("messaging_thread", args=[thread.pk]))
    assert PHONE_REPLY in text_of(parent_page)


def test_R24_parents_see_no_ready_replies_and_cannot_send_one(thread) -> None:
    client = client_for(thread.parent)
    page = text_of(client.get(reverse("messaging_thread", args=[thread.pk])))
    assert "Ready replies" not in page and PHONE_REPLY not in page
    assert send(client, thread, phone_reply().pk).status_code == 403  # their thread, not this
    assert thread.messages.count() == 1


def test_R24_R18_nobody_else_can_send_one_into_the_thread(thread, school_class) -> None:
    pupil_user = UserFactory(role="pupil", email=None)
    PupilFactory(school_class=school_class, user=pupil_user)
    others = [
        client_for(assign_teacher(TeacherFactory(), school_class)),  # a colleague in the class
        client_for(ParentLinkFactory(pupil=thread.pupil).parent),  # the child's other parent
        client_for(OfficeFactory()),
        client_for(LeaderFactory()),
        pupil_client_for(pupil_user),
    ]
    for client in others:
        assert send(client, thread, phone_reply().pk).status_code == 404
    assert thread.messages.count() == 1


@pytest.mark.parametrize("forged", ["999999", "-1", "not-a-number", ""])
def test_R24_a_forged_ready_reply_is_refused_and_nothing_sent(thread, teacher, forged) -> None:
    response = send(client_for(teacher), thread, forged)
    assert response.status_code == 400 and str(NOT_A_READY_REPLY) in text_of(response)
    assert thread.messages.count() == 1


def test_R24_a_reply_the_office_took_out_of_use_cannot_be_sent(thread, teacher) -> None:
    reply = phone_reply()
    reply.active = False
    reply.save()
    client = client_for(teacher)
    with at(TUESDAY_1000):
        page = text_of(client.get(reverse("messaging_thread", args=[thread.pk])))
        response = send(client, thread, reply.pk)
    assert PHONE_REPLY not in page
    assert response.status_code == 400 and str(NOT_A_READY_REPLY) in text_of(response)
    assert thread.messages.count() == 1


def test_R24_R18_a_teacher_who_no_longer_teaches_the_class_cannot_send_one(
    thread, teacher, school_class
) -> None:
    remove_perm("classes.teach_class", teacher, school_class)
    client = client_for(teacher)
    with at(TUESDAY_1000):
        page = text_of(client.get(reverse("messaging_thread", args=[thread.pk])))
        response = send(client, thread, phone_reply().pk)
    assert "Ready replies" not in page
    assert response.status_code == 400
    assert str(NOT_ALLOWED % {"phone": "01302 555 0100"}) in text_of(response)
    assert thread.messages.count() == 1


def test_R24_without_an_office_phone_the_phone_reply_is_not_offered(
    school, thread, teacher
) -> None:
    school.office_phone = ""
    school.save()
    with at(TUESDAY_1000):
        page = text_of(client_for(teacher).get(reverse("messaging_thread", args=[thread.pk])))
    assert "Please phone the school office" not in page
    assert "Thank you, I will reply within two working days." in page


def test_R24_the_office_keeps_the_ready_replies_in_the_admin(school, thread, teacher) -> None:
    office: User = OfficeFactory()
    with_totp(office)
    admin = client_for(office)
    teacher_client = client_for(teacher)
    url = reverse("messaging_thread", args=[thread.pk])
    with at(TUESDAY_1000):
        teacher_client.get(url)  # the list is cached after a first page
    response = admin.post(
        reverse("admin:messaging_readyreply_add"),
        {
            "title": "PE kit",
            "body": "PE kit is needed on Tuesdays.",
            "position": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    with at(TUESDAY_1000):
        assert "PE kit is needed on Tuesdays." in text_of(teacher_client.get(url))
    reply = ReadyReply.objects.get(title="PE kit")
    admin.post(reverse("admin:messaging_readyreply_delete", args=[reply.pk]), {"post": "yes"})
    assert not ReadyReply.objects.filter(title="PE kit").exists()
    with at(TUESDAY_1000):
        assert "PE kit is needed on Tuesdays." not in text_of(teacher_client.get(url))


def test_R24_teachers_cannot_change_the_ready_replies(school, teacher) -> None:
    teacher.is_staff = True  # even a wrongly ticked staff flag is not enough
    teacher.save()
    with_totp(teacher)
    response = client_for(teacher).post(
        reverse("admin:messaging_readyreply_add"), {"title": "Mine", "body": "Hello"}
    )
    assert response.status_code in {302, 403}
    assert not ReadyReply.objects.filter(title="Mine").exists()
    assert not Message.objects.exists()
