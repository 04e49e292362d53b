"""R31: a notification's entry shows the start of the post or message and, for a post, the
child it is about. Read through what the viewer may see now: a post hidden since (R13) or
deleted shows its title alone; the notification itself never stores the text."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from classes.models import Pupil, SchoolClass
from messaging.notices import message_key
from messaging.services.messages import message_start
from notifications.excerpts import shorten
from notifications.models import Kind, Notification
from notifications.services import Event, notify
from stories.models import Audience, Post
from stories.services.notices import post_key
from stories.services.posts import post_create
from tests.conftest import client_for
from tests.factories import ParentLinkFactory, PupilFactory

LIST = reverse("notifications")
# The page with the excerpts of posts (messages have none, R6), whatever the number of entries.
QUERIES = 6
POST = "We planted bulbs in the garden this morning, and everyone had a turn with the trowel."


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya")


@pytest.fixture
def parent(maya: Pupil) -> User:
    return ParentLinkFactory(pupil=maya).parent


def tell_of_post(parent: User, post: Post) -> None:
    name = post.school_class.name if post.school_class else ""
    event = Event(
        Kind.NEW_POST,
        post_key(post.pk),
        parent.pk,
        f"/stories/{post.pk}/",
        {
            "story": post.audience,
            "name": name,
        },
    )
    notify([event])


def class_post(teacher: User, school_class: SchoolClass, body: str = POST) -> Post:
    return post_create(
        acting_user=teacher, audience=Audience.CLASS, school_class=school_class, body=body
    )


def test_R31_a_post_entry_shows_its_start_and_the_child(
    parent: User, teacher: User, school_class: SchoolClass
) -> None:
    tell_of_post(parent, class_post(teacher, school_class))
    html = client_for(parent).get(LIST).content.decode()
    assert f"New post in the {school_class.name} class story" in html
    assert '<p class="notification-child">About Maya</p>' in html
    assert f'<p class="notification-excerpt" dir="auto">{POST}</p>' in html
    assert Notification.objects.get().context == {"story": "class", "name": school_class.name}


def test_R6_a_message_entry_shows_its_title_and_not_the_message(
    parent: User, teacher: User, maya: Pupil
) -> None:
    message = message_start(
        acting_user=teacher,
        other=parent,
        pupil=maya,
        body="Could Maya Kowalski bring her recorder?",
    )
    notify(
        [
            Event(
                Kind.NEW_MESSAGE,
                message_key(message.pk),
                parent.pk,
                "/messages/",
                {
                    "pupil": "Maya",
                    "sender": "Mrs Hughes",
                },
            )
        ]
    )
    html = client_for(parent).get(LIST).content.decode()
    assert "New message from Mrs Hughes about Maya" in html
    # A message's words are not checked for surnames as a post's are: the entry leaves them out.
    assert "recorder" not in html and "Kowalski" not in html
    assert "notification-child" not in html  # the title names her already


def test_R13_a_hidden_or_deleted_post_leaves_the_title_alone(
    parent: User, teacher: User, school_class: SchoolClass
) -> None:
    hidden, deleted = class_post(teacher, school_class), class_post(teacher, school_class)
    tell_of_post(parent, hidden)
    tell_of_post(parent, deleted)
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    deleted.delete()
    html = client_for(parent).get(LIST).content.decode()
    assert html.count('<li class="notification') == 2
    assert POST not in html and "notification-excerpt" not in html


def test_R31_a_long_text_is_cut_at_a_word() -> None:
    text = "word " * 60
    assert shorten(text) == ("word " * 23).strip() + "…"
    assert len(shorten(text)) <= 120
    assert shorten("  two\n lines ") == "two lines"


@pytest.mark.parametrize("count", [1, 8])
def test_R31_the_list_with_excerpts_is_a_fixed_number_of_queries(
    count: int,
    parent: User,
    teacher: User,
    maya: Pupil,
    school_class: SchoolClass,
    django_assert_num_queries: Any,
) -> None:
    for n in range(count):
        tell_of_post(parent, class_post(teacher, school_class, f"{POST} {n}"))
        message = (
            message_start(acting_user=teacher, other=parent, pupil=maya, body=f"Question {n}")
            if n == 0
            else None
        )
        if message:
            notify([Event(Kind.NEW_MESSAGE, message_key(message.pk), parent.pk, "/m/", {})])
    client = client_for(parent)
    client.get(LIST)
    with django_assert_num_queries(QUERIES):
        response = client.get(LIST)
    # every post's entry has its excerpt; the message's has none (R6)
    assert response.content.decode().count("notification-excerpt") == count
