"""R34 for staff: by every box where they write to families (a message, a reply, a class
message, a post), staff are told that families may read a machine translation, with short
tips for writing that translates well; once, on the page, in the writer's language. Parents,
who write in their own language, are not shown it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from messaging.services.messages import message_start
from tests.clock import at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
NOTE = "Families may read what you write in their own language, translated by machine."
TIP = "Write short sentences, one idea in each."


def page(user, url: str) -> str:
    with at(TUESDAY_1000):
        response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_R34_staff_see_the_note_and_tips_by_each_box_they_write_in(
    school, school_class, teacher, parent_with_child
) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=child, body="Hello.")
    for url in (
        reverse("messaging_start"),
        reverse("messaging_thread", args=[message.thread_id]),
        reverse("messaging_broadcast"),
        reverse("stories_new_class", args=[school_class.pk]),
    ):
        html = page(teacher, url)
        assert html.count(NOTE) == 1 and TIP in html, url
        # The tips sit behind a toggle, by the box: shown once, not repeated as one types.
        assert "<details>" in html and "Tips for writing that translates well" in html, url


def test_R34_parents_are_not_shown_the_tips(school, teacher, parent_with_child) -> None:
    parent, child = parent_with_child
    with at(TUESDAY_1000):
        message = message_start(acting_user=parent, other=teacher, pupil=child, body="Hello.")
    for url in (reverse("messaging_start"), reverse("messaging_thread", args=[message.thread_id])):
        assert NOTE not in page(parent, url)


def test_R34_the_tips_are_in_the_writers_language(school, teacher, parent_with_child) -> None:
    teacher.preferred_language = "pl"
    teacher.save()
    with translation.override("pl"):
        note = gettext(NOTE)
    assert note != NOTE
    assert note in page(teacher, reverse("messaging_start"))
