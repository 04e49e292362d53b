"""The notification centre (R31): the list links to each thing through "open" (marked read,
never sent off the site), mark as read and mark all, everyone's own only; pupils have none;
the list is a fixed number of queries. The settings page offers each role its own kinds, saves
a choice, and refuses bad input with a clear message, changing nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from notifications.models import (
    Channel,
    DigestPreference,
    Kind,
    Notification,
    NotificationSetting,
)
from notifications.selectors import bell_for
from notifications.services import Event, notify
from notifications.views.centre import ALL_READ, SAVED
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SupportFactory,
    UserFactory,
)

from .helpers import FRIDAY_1730, MINUTE, at, message_event, parent_message_event, post_event

pytestmark = pytest.mark.django_db

LIST = reverse("notifications")
SETTINGS = reverse("notification_settings")
READ_ALL = reverse("notifications_read_all")
CHOOSE_ONE = "Choose one of the options."
BAD_TIME = "Enter a time such as 18:00."
REQUIRED = "This field is required."


def open_url(notification: Notification) -> str:
    return reverse("notification_open", args=[notification.pk])


def read_url(notification: Notification) -> str:
    return reverse("notification_read", args=[notification.pk])


# The list


def test_R31_the_list_shows_each_notification_linked_through_open(school, parent: User) -> None:
    notify([message_event(parent, 1), post_event(parent, 2)])
    message, post = Notification.objects.order_by("key")

    html = client_for(parent).get(LIST).content.decode()

    assert "New message from Mrs Patel about Maya" in html
    assert "New post in the Oak class story" in html
    assert f'href="{open_url(message)}"' in html and f'href="{open_url(post)}"' in html
    assert 'href="/messages/1/"' not in html  # always through "open", which marks it read
    assert html.count('<span class="badge">unread</span>') == 2


def test_R31_the_list_shows_only_the_viewers_own(school, parent: User) -> None:
    other = ParentFactory()
    notify([message_event(other, 1, sender="Mr Brown", pupil="Leo")])

    html = client_for(parent).get(LIST).content.decode()

    assert "Mr Brown" not in html and "about Leo" not in html
    assert "Nothing yet. When there is news for you, it appears here." in html


def test_R31_R19_a_held_staff_notification_is_not_listed_before_its_time(
    school, teacher: User
) -> None:
    notify([parent_message_event(teacher)], now=FRIDAY_1730)
    client = client_for(teacher)

    with at(FRIDAY_1730 + MINUTE):
        assert "Dana Brightwater" not in client.get(LIST).content.decode()
    with at(FRIDAY_1730 + dt.timedelta(days=2, hours=14, minutes=30)):  # Monday 08:00
        assert "Dana Brightwater wrote about Maya" in client.get(LIST).content.decode()


def test_R31_opening_a_notification_marks_it_read_and_goes_to_its_thing(
    school, parent: User
) -> None:
    notify([message_event(parent, 1), message_event(parent, 2)])
    notification = Notification.objects.get(key="message:1")
    client = client_for(parent)

    response = client.get(open_url(notification))

    assert response.status_code == 302 and response["Location"] == "/messages/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert bell_for(parent).unread == 1
    assert client.get(open_url(notification))["Location"] == "/messages/1/"  # again: still fine


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/login", "//evil.example/login", "http:/evil.example", "javascript:x"],
)
def test_R31_opening_a_notification_never_leaves_the_site(school, parent: User, link: str) -> None:
    notify([Event(Kind.NEW_MESSAGE, "message:1", parent.pk, link, {})])
    notification = Notification.objects.get()

    response = client_for(parent).get(open_url(notification))

    assert response.status_code == 302 and response["Location"] == "/"


def test_R31_mark_as_read_marks_it_and_returns_to_the_list(school, parent: User) -> None:
    notify([message_event(parent, 1), message_event(parent, 2)])
    notification = Notification.objects.get(key="message:1")
    client = client_for(parent)

    response = client.post(read_url(notification))

    assert response.status_code == 302 and response["Location"] == LIST
    assert list(
        Notification.objects.filter(read_at__isnull=False).values_list("key", flat=True)
    ) == ["message:1"]
    assert client.get(LIST).content.decode().count('<span class="badge">unread</span>') == 1


def test_R31_mark_as_read_returns_only_to_a_page_of_this_site(school, parent: User) -> None:
    notify([message_event(parent)])
    notification = Notification.objects.get()

    response = client_for(parent).post(read_url(notification), {"next": "https://evil.example/"})

    assert response["Location"] == LIST


def test_R31_mark_as_read_is_post_only(school, parent: User) -> None:
    notify([message_event(parent)])
    notification = Notification.objects.get()
    client = client_for(parent)

    assert client.get(read_url(notification)).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_R31_another_persons_notification_is_not_found(school, parent: User) -> None:
    other = ParentFactory()
    notify([message_event(other)])
    theirs = Notification.objects.get()
    client = client_for(parent)

    assert client.get(open_url(theirs)).status_code == 404
    assert client.post(read_url(theirs)).status_code == 404
    assert client.post(reverse("notification_read", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert bell_for(other).unread == 1


def test_R31_mark_all_as_read_marks_every_delivered_one(school, parent: User) -> None:
    other = ParentFactory()
    notify([message_event(parent, 1), post_event(parent, 2), message_event(other, 3)])
    client = client_for(parent)

    response = client.post(READ_ALL, follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    html = response.content.decode()
    assert str(ALL_READ) in html and '<span class="badge">unread</span>' not in html
    assert not Notification.objects.filter(recipient=parent, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=other).read_at is None


def test_R31_R19_mark_all_leaves_a_held_staff_notification_unread(school, teacher: User) -> None:
    notify([parent_message_event(teacher, 1)], now=FRIDAY_1730 - dt.timedelta(hours=1))
    notify([parent_message_event(teacher, 2)], now=FRIDAY_1730)
    client = client_for(teacher)

    with at(FRIDAY_1730 + MINUTE):
        client.post(READ_ALL)
    with at(FRIDAY_1730 + dt.timedelta(days=2, hours=14, minutes=30)):  # Monday 08:00
        assert bell_for(teacher).unread == 1


def test_R31_a_pupil_has_no_notification_pages(school, school_class) -> None:
    pupil_user = UserFactory(role=Role.PUPIL, email=None)
    pupil = PupilFactory(school_class=school_class)
    pupil.user = pupil_user
    pupil.save()
    notify([message_event(pupil_user)])  # even if some app told of one
    client = pupil_client_for(pupil_user)
    notification = Notification.objects.get()

    for url in (LIST, SETTINGS, open_url(notification)):
        assert client.get(url).status_code == 404, url
    for url in (read_url(notification), READ_ALL, SETTINGS):
        assert client.post(url, {"kind_message": "off", "digest_at": "18:00"}).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not NotificationSetting.objects.exists()


def test_R31_signed_out_visitors_are_sent_to_sign_in(school, parent: User) -> None:
    notify([message_event(parent)])
    notification = Notification.objects.get()

    for url in (LIST, SETTINGS, open_url(notification)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(READ_ALL).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_R31_the_list_is_a_fixed_number_of_queries_at_1_and_50(school, parent: User) -> None:
    notify([message_event(parent, 0), post_event(parent, 1)])
    client = client_for(parent)  # warm caches: the school, the bell
    small = count_queries(client, LIST)
    notify([post_event(parent, number) for number in range(2, 50)])
    bell_for(parent)  # warm again: the bell's own query is measured in test_bell
    large = count_queries(client, LIST)

    assert small == large
    # Session, user, the list (the consent gate answers from the cache), and the posts'
    # excerpts: the posts, the parent's children and their names (a message has no excerpt).
    assert large == 6, large
    assert client.get(LIST).content.decode().count("/open") == 50


# Settings


ROLE_KINDS = {
    Role.PARENT: ["New posts about your child", "New messages"],
    Role.TEACHER: [
        "New messages",
        "Replies that are overdue",
        "Your post hidden after a consent change",
        "Picture codes locked",
    ],
    Role.SUPPORT: [
        "New messages",
        "Replies that are overdue",
        "Your post hidden after a consent change",
    ],
    Role.OFFICE: ["Your post hidden after a consent change"],
    Role.LEADER: ["Your post hidden after a consent change"],
}


def legends(html: str) -> list[str]:
    return re.findall(r"<legend>([^<]*)</legend>", html)


@pytest.mark.parametrize("role", list(ROLE_KINDS))
def test_R31_each_role_sets_its_own_kinds(school, teacher: User, parent: User, role: Role) -> None:
    people: dict[Role, User] = {
        Role.PARENT: parent,
        Role.TEACHER: teacher,
        Role.SUPPORT: SupportFactory(),
        Role.OFFICE: OfficeFactory(),
        Role.LEADER: LeaderFactory(),
    }

    html = client_for(people[role]).get(SETTINGS).content.decode()

    assert legends(html) == ROLE_KINDS[role]
    assert "Send my daily digest at" in html


def test_R31_R19_each_role_is_told_what_always_reaches_them_and_when(
    school, teacher: User, parent: User
) -> None:
    always = "Formal warnings and urgent announcements from the school always reach you by email."
    held = "a digest due after the working day ends, waits until the next working morning."
    for person, says, not_says in ((parent, always, held), (teacher, held, always)):
        html = client_for(person).get(SETTINGS).content.decode()
        assert says in html and not_says not in html


def test_R31_the_page_shows_the_current_choices(school, parent: User) -> None:
    form = client_for(parent).get(SETTINGS).context["form"]
    assert form["kind_post"].value() == "digest"
    assert form["kind_message"].value() == "email"
    assert form["digest_at"].value() == dt.time(18, 0)


def test_R31_a_parent_saves_their_choices(school, parent: User) -> None:
    client = client_for(parent)

    response = client.post(
        SETTINGS,
        {"kind_post": "digest", "kind_message": "email", "digest_at": "19:30"},
        follow=True,
    )

    assert response.redirect_chain == [(SETTINGS, 302)]
    assert str(SAVED) in response.content.decode()
    assert dict(
        NotificationSetting.objects.filter(user=parent).values_list("kind", "channel")
    ) == {Kind.NEW_POST: Channel.DIGEST, Kind.NEW_MESSAGE: Channel.EMAIL}
    assert DigestPreference.objects.get(user=parent).send_at == dt.time(19, 30)
    form = response.context["form"]
    assert form["digest_at"].value() == dt.time(19, 30)

    client.post(SETTINGS, {"kind_post": "off", "kind_message": "portal", "digest_at": "07:00"})
    assert dict(
        NotificationSetting.objects.filter(user=parent).values_list("kind", "channel")
    ) == {Kind.NEW_POST: Channel.OFF, Kind.NEW_MESSAGE: Channel.PORTAL}
    assert DigestPreference.objects.get(user=parent).send_at == dt.time(7, 0)


def saved_state(user: User) -> tuple[dict[str, str], list[dt.time]]:
    return (
        dict(NotificationSetting.objects.filter(user=user).values_list("kind", "channel")),
        list(DigestPreference.objects.filter(user=user).values_list("send_at", flat=True)),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            {"kind_post": "sms", "kind_message": "email", "digest_at": "18:00"},
            CHOOSE_ONE,
            id="unknown-channel",
        ),
        pytest.param(
            {"kind_post": "digest", "kind_message": "email", "digest_at": "25:99"},
            BAD_TIME,
            id="bad-time",
        ),
        pytest.param(
            {"kind_post": "digest", "kind_message": "email", "digest_at": "six o'clock"},
            BAD_TIME,
            id="words-for-a-time",
        ),
        pytest.param(
            {"kind_post": "digest", "kind_message": "email", "digest_at": ""},
            REQUIRED,
            id="missing-time",
        ),
        pytest.param(
            {"kind_post": "digest", "digest_at": "18:00"}, REQUIRED, id="missing-channel"
        ),
    ],
)
def test_R31_bad_settings_are_refused_with_a_clear_message_and_nothing_changes(
    school, parent: User, data: dict[str, str], message: str
) -> None:
    client = client_for(parent)
    saved = {"kind_post": "portal", "kind_message": "off", "digest_at": "20:00"}
    assert str(SAVED) in client.post(SETTINGS, saved, follow=True).content.decode()
    before = saved_state(parent)

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert str(SAVED) not in html
    assert saved_state(parent) == before


def test_R31_a_kind_not_for_the_role_is_not_saved(school, parent: User, teacher: User) -> None:
    response = client_for(parent).post(
        SETTINGS,
        {
            "kind_post": "portal",
            "kind_message": "email",
            "kind_overdue": "off",
            "kind_hidden": "off",
            "kind_warning": "off",
            "kind_urgent": "off",
            "digest_at": "18:00",
        },
    )
    client_for(teacher).post(
        SETTINGS,
        {
            "kind_post": "off",
            "kind_message": "portal",
            "kind_overdue": "email",
            "kind_hidden": "email",
            "kind_pupil_lock": "portal",
            "digest_at": "18:00",
        },
    )

    assert response.status_code == 302
    assert dict(
        NotificationSetting.objects.filter(user=parent).values_list("kind", "channel")
    ) == {Kind.NEW_POST: Channel.PORTAL, Kind.NEW_MESSAGE: Channel.EMAIL}
    assert dict(
        NotificationSetting.objects.filter(user=teacher).values_list("kind", "channel")
    ) == {
        Kind.NEW_MESSAGE: Channel.PORTAL,
        Kind.REPLY_OVERDUE: Channel.EMAIL,
        Kind.POST_HIDDEN: Channel.EMAIL,
        Kind.PUPIL_LOCKED: Channel.PORTAL,
    }
