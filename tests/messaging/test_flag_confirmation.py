"""R23: flagging a message takes a reason and a confirmation. The thread's link opens a page
that shows the message and asks what is wrong; only sending that page flags it, once."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from messaging.models import Flag, Message
from messaging.services.messages import message_start
from tests.clock import LONDON, at
from tests.conftest import client_for
from tests.factories import TeacherFactory, assign_teacher

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)


@pytest.fixture
def rude(parent_with_child, teacher) -> Message:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        return message_start(acting_user=parent, other=teacher, pupil=child, body="Useless!")


def flag_url(message: Message) -> str:
    return reverse("messaging_flag", args=[message.pk])


def test_R23_the_thread_links_to_a_confirmation_that_changes_nothing(rude, teacher) -> None:
    client = client_for(teacher)
    thread = client.get(reverse("messaging_thread", args=[rude.thread_id])).content.decode()
    assert f'href="{flag_url(rude)}"' in thread
    page = client.get(flag_url(rude))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "Useless!" in text and "What is wrong with this message?" in text
    assert "Send to the leaders" in text
    assert not Flag.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_R23_a_flag_without_a_reason_is_refused_and_nothing_changes(rude, teacher, reason) -> None:
    response = client_for(teacher).post(flag_url(rude), {"reason": reason})
    assert response.status_code == 400
    assert "Please say what is wrong with the message" in html.unescape(response.content.decode())
    assert not Flag.objects.exists()
    rude.refresh_from_db()
    assert rude.reply_due_at is not None  # the clock still runs


def test_R23_a_flag_with_its_reason_reaches_the_leaders(rude, teacher) -> None:
    response = client_for(teacher).post(flag_url(rude), {"reason": "Rude to me"}, follow=True)
    assert "The message is with the school" in html.unescape(response.content.decode())
    flag = Flag.objects.get()
    assert (flag.flagged_by, flag.reason) == (teacher, "Rude to me")


def test_R23_flagging_twice_keeps_one_flag_and_says_why(rude, teacher) -> None:
    client = client_for(teacher)
    client.post(flag_url(rude), {"reason": "Rude"})
    again = client.post(flag_url(rude), {"reason": "Rude again"}, follow=True)
    assert "already with the school" in html.unescape(again.content.decode())
    assert Flag.objects.get().reason == "Rude"
    page = client.get(flag_url(rude), follow=True)
    assert "already with the school" in html.unescape(page.content.decode())


def test_R23_nobody_else_sees_the_flag_page(rude, school_class) -> None:
    colleague = assign_teacher(TeacherFactory(), school_class)
    parent = rude.thread.parent
    assert parent is not None
    for person in (colleague, parent):
        assert client_for(person).get(flag_url(rude)).status_code == 404
        assert client_for(person).post(flag_url(rude), {"reason": "x"}).status_code == 404
    assert not Flag.objects.exists()


def test_R23_a_reason_too_long_is_refused(rude, teacher) -> None:
    response = client_for(teacher).post(flag_url(rude), {"reason": "x" * 1001})
    assert response.status_code == 400
    assert not Flag.objects.exists()
