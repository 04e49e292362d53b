"""R22: what belongs to the office goes to the office. A parent's draft that looks like absence,
sickness, dinners, a complaint or an urgent matter is offered to the office inbox before it
reaches a teacher (progress: a meeting); office staff and leaders work that inbox in the
portal and see it in the admin; nobody else sees it."""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil
from messaging.forms import CHOOSE_WHERE
from messaging.models import Message, OfficePhrase, Thread, Topic
from messaging.routing import OFFICE_MATTER, PROGRESS_MATTER, office_topics
from messaging.selectors import inbox, office_inbox
from messaging.services.messages import EMPTY, MAX_LENGTH, TOO_LONG, message_start
from messaging.services.office import (
    MEETING_REQUEST,
    office_message_add,
    office_message_send,
    office_thread_close,
)
from messaging.views.threads import MEETING_ASKED, SENT_TO_OFFICE
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SupportFactory,
    TeacherFactory,
    UserFactory,
    assign_support,
    with_totp,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=LONDON)
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
OFF_SICK = "she is off sick today"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def office() -> User:
    return OfficeFactory(title="Mrs", last_name="Office")


def start(client: Client, maya: Pupil, teacher: User, body: str, **choice: str):
    data = {"to": f"{maya.pk}-{teacher.pk}", "body": body, **choice}
    return client.post(reverse("messaging_start"), data)


def office_matter(*labels: str) -> str:
    return str(OFFICE_MATTER % {"topics": ", ".join(labels), "phone": "01302 555 0100"})


# The words (R22)


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        (OFF_SICK, [Topic.SICKNESS]),
        ("SHE IS OFF SICK", [Topic.SICKNESS]),
        ("He has a dentist appointment at 2", [Topic.ABSENCE]),
        ("Are school dinners changing?", [Topic.DINNERS]),
        ("I want to complain about the trip", [Topic.COMPLAINT]),
        ("Grandma will pick\nup Ali today", [Topic.URGENT]),
        ("Is she falling behind with her reading level?", [Topic.PROGRESS]),
        ("Poorly again, and I need to complain", [Topic.SICKNESS, Topic.COMPLAINT]),
        ("Thank you for the lovely trip photos", []),
        ("He was homesick at dinnertime", []),  # whole words only
    ],
)
def test_R22_default_words_find_what_belongs_to_the_office(text, topics) -> None:
    assert office_topics(text) == topics


def test_R22_the_office_list_is_what_counts(school) -> None:
    assert office_topics("Nits again in Oak class") == []
    OfficePhrase.objects.create(topic=Topic.SICKNESS, phrase="nits")
    OfficePhrase.objects.filter(phrase="sick").delete()
    OfficePhrase.objects.filter(phrase="off sick").delete()
    assert office_topics("Nits again in Oak class") == [Topic.SICKNESS]
    assert office_topics(OFF_SICK) == []


# The parent is told before sending, and chooses (R22)


def test_R22_off_sick_is_offered_to_the_office_and_the_teacher_never_sees_it(
    school, parent, teacher, maya, office
) -> None:
    client = client_for(parent)
    with at(SATURDAY):
        offered = start(client, maya, teacher, OFF_SICK)
    page = text_of(offered)
    assert offered.status_code == 200
    assert office_matter("Sickness") in page
    assert "Send to the school office" in page and "Send to Mrs Patel anyway" in page
    assert f">\n{OFF_SICK}</textarea>" in page  # the draft is kept
    assert not Message.objects.exists()

    with at(SATURDAY):
        sent = start(client, maya, teacher, OFF_SICK, route="office", topic="sickness")
    thread = Thread.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("messaging_thread", args=[thread.pk])
    assert (thread.teacher, thread.topic, thread.parent, thread.pupil) == (
        None,
        Topic.SICKNESS,
        parent,
        maya,
    )
    message = thread.messages.get()
    assert message.deliver_at == SATURDAY  # the office inbox has no quiet time
    assert message.reply_due_at is None
    with at(SATURDAY):
        parent_page = text_of(client.get(sent["Location"]))
    assert str(SENT_TO_OFFICE) in parent_page and "delivered 10:00" in parent_page
    assert "School office" in parent_page

    office_page = text_of(client_for(office).get(reverse("messaging_office")))
    assert "Sickness" in office_page and parent.display_name in office_page
    assert OFF_SICK in text_of(
        client_for(office).get(reverse("messaging_office_thread", args=[thread.pk]))
    )
    teacher_client = client_for(teacher)
    assert inbox(teacher, now=TUESDAY_1000) == []
    assert teacher_client.get(reverse("messaging_thread", args=[thread.pk])).status_code == 404
    assert OFF_SICK not in text_of(teacher_client.get(reverse("messaging_inbox")))


def test_R22_the_parent_may_send_it_to_the_teacher_anyway(school, parent, teacher, maya) -> None:
    with at(TUESDAY_1000):
        sent = start(client_for(parent), maya, teacher, OFF_SICK, route="teacher")
    message = Message.objects.get()
    assert sent.status_code == 302 and message.thread.teacher == teacher
    assert message.body == OFF_SICK


def test_R22_a_message_for_the_teacher_is_sent_without_a_question(
    school, parent, teacher, maya
) -> None:
    with at(TUESDAY_1000):
        sent = start(client_for(parent), maya, teacher, "Thank you for the trip photos")
    assert sent.status_code == 302
    assert Message.objects.get().thread.teacher == teacher


def test_R22_progress_questions_are_offered_a_meeting(school, parent, teacher, maya) -> None:
    draft = "Is she struggling with reading?"
    client = client_for(parent)
    with at(TUESDAY_1000):
        offered = text_of(start(client, maya, teacher, draft))
    assert str(PROGRESS_MATTER) in offered and "Ask for a meeting" in offered
    assert "Send to the school office" not in offered  # progress is a meeting, not the office's
    with at(TUESDAY_1000):
        sent = start(client, maya, teacher, draft, route="meeting", topic="progress")
    thread = Thread.objects.get()
    assert thread.teacher is None and thread.topic == Topic.PROGRESS
    request = str(MEETING_REQUEST % {"teacher": "Mrs Patel"})
    assert thread.messages.get().body == f"{request}\n\n{draft}"
    assert str(MEETING_ASKED) in text_of(client.get(sent["Location"]))


def test_R22_a_reply_in_a_teacher_thread_is_checked_too(school, parent, teacher, maya) -> None:
    with at(TUESDAY_1000):
        first = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hello")
    url = reverse("messaging_thread", args=[first.thread_id])
    client = client_for(parent)
    draft = "Can I collect her at 2pm?"
    with at(TUESDAY_1000):
        offered = client.post(url, {"body": draft})
        assert office_matter("Urgent (such as collecting a child)") in text_of(offered)
        assert first.thread.messages.count() == 1
        sent = client.post(url, {"body": draft, "route": "office", "topic": "urgent"})
    office_thread = Thread.objects.get(teacher__isnull=True)
    assert sent["Location"] == reverse("messaging_thread", args=[office_thread.pk])
    assert office_thread.topic == Topic.URGENT and office_thread.messages.get().body == draft
    assert first.thread.messages.count() == 1


@pytest.mark.parametrize(
    ("choice", "error"),
    [
        ({"route": "office", "topic": "headteacher"}, CHOOSE_WHERE),
        ({"route": "governors"}, CHOOSE_WHERE),
    ],
)
def test_R22_a_forged_topic_or_choice_is_refused_and_nothing_stored(
    school, parent, teacher, maya, choice, error
) -> None:
    response = start(client_for(parent), maya, teacher, OFF_SICK, **choice)
    assert response.status_code == 400 and str(error) in text_of(response)
    assert not Thread.objects.exists() and not Message.objects.exists()


def too_long(length: int) -> str:
    return str(TOO_LONG % {"limit": MAX_LENGTH, "length": length})


BAD_DRAFTS = [("   ", str(EMPTY)), ("sick " * 4000, too_long(19_999))]


@pytest.mark.parametrize("route", ["", "office", "meeting"])
@pytest.mark.parametrize(("body", "error"), BAD_DRAFTS)
def test_R22_empty_or_huge_drafts_are_refused_whatever_the_choice(
    school, parent, teacher, maya, route, body, error
) -> None:
    response = start(client_for(parent), maya, teacher, body, route=route, topic="sickness")
    assert response.status_code == 400
    assert error in text_of(response)
    assert "Before you send it" not in text_of(response)
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_R22_a_parent_writes_to_the_office_only_about_their_own_child(
    school, parent, maya
) -> None:
    other_child = PupilFactory(school_class=maya.school_class)
    with pytest.raises(PermissionDenied):
        office_message_send(acting_user=parent, pupil=other_child, topic="sickness", body="Hi")
    assert not Thread.objects.exists()


# The office works its inbox (R22)


def _office_thread(parent: User, maya: Pupil, topic: str = "sickness", body: str = OFF_SICK):
    return office_message_send(acting_user=parent, pupil=maya, topic=topic, body=body).thread


def test_R22_office_takes_answers_and_closes_and_the_parent_sees_the_answer_at_once(
    school, parent, maya, office
) -> None:
    with at(SATURDAY):
        thread = _office_thread(parent, maya)
    client = client_for(office)
    url = reverse("messaging_office_thread", args=[thread.pk])
    with at(SATURDAY):
        client.post(reverse("messaging_office_action", args=[thread.pk, "assign"]))
        thread.refresh_from_db()
        assert thread.assigned_to == office
        client.get(url)  # read: the parent's message is seen
        client.post(url, {"body": "Thank you, get well soon."})
        parent_inbox = inbox(parent, now=SATURDAY)
    assert thread.messages.get(from_parent=True).seen_at == SATURDAY
    answer = thread.messages.get(from_parent=False)
    assert answer.deliver_at == SATURDAY and answer.author == office
    assert [t.pk for t in parent_inbox] == [thread.pk]
    assert parent_inbox[0].unread == 1
    with at(SATURDAY):
        parent_page = text_of(client_for(parent).get(reverse("messaging_inbox")))
    assert "School office – Maya" in parent_page

    client.post(reverse("messaging_office_action", args=[thread.pk, "close"]))
    assert office_inbox(viewer=office) == []
    assert [t.pk for t in office_inbox(viewer=office, closed=True)] == [thread.pk]
    client_for(parent).post(reverse("messaging_thread", args=[thread.pk]), {"body": "Thanks!"})
    thread.refresh_from_db()
    assert thread.closed_at is None  # the parent wrote again: it is open again
    assert Message.objects.filter(thread=thread).count() == 3


def test_R22_a_new_office_message_joins_the_open_thread_on_that_child_and_topic(
    school, parent, maya, office
) -> None:
    first = _office_thread(parent, maya)
    assert _office_thread(parent, maya, body="Still poorly") == first
    assert _office_thread(parent, maya, topic="dinners", body="Dinner money") != first
    office_thread_close(acting_user=office, thread=first)
    assert _office_thread(parent, maya, body="Sick again") != first


def test_R22_office_inbox_lists_urgent_first_then_the_longest_waiting(
    school, parent, maya, office
) -> None:
    with at(SATURDAY):
        oldest = _office_thread(parent, maya, topic="dinners", body="Dinner money")
    with at(SATURDAY + dt.timedelta(hours=1)):
        newer = _office_thread(parent, maya)
    with at(SATURDAY + dt.timedelta(hours=2)):
        urgent = _office_thread(parent, maya, topic="urgent", body="Grandma collects her")
    assert [t.pk for t in office_inbox(viewer=office)] == [urgent.pk, oldest.pk, newer.pk]


@pytest.mark.parametrize("make", [OfficeFactory, LeaderFactory])
def test_R22_office_staff_and_leaders_work_the_office_inbox(school, parent, maya, make) -> None:
    thread = _office_thread(parent, maya)
    client = client_for(make())
    assert client.get(reverse("messaging_office")).status_code == 200
    assert client.get(reverse("messaging_office_thread", args=[thread.pk])).status_code == 200


def _others(maya: Pupil, school_class) -> dict[str, Client]:
    pupil_user = UserFactory(role="pupil", email=None)
    PupilFactory(school_class=school_class, user=pupil_user)
    return {
        "parent": client_for(ParentLinkFactory(pupil=maya).parent),
        "teacher": client_for(TeacherFactory()),
        "support": client_for(assign_support(SupportFactory(), school_class)),
        "pupil": pupil_client_for(pupil_user),
    }


def test_R22_R18_office_pages_do_not_exist_for_parents_teachers_support_or_pupils(
    school, parent, maya, teacher, school_class
) -> None:
    thread = _office_thread(parent, maya)
    clients = {**_others(maya, school_class), "class teacher": client_for(teacher)}
    clients["the parent themself"] = client_for(parent)
    for who, client in clients.items():
        for url in (
            reverse("messaging_office"),
            reverse("messaging_office_thread", args=[thread.pk]),
        ):
            assert client.get(url).status_code == 404, (who, url)
        posts = [
            (reverse("messaging_office_thread", args=[thread.pk]), {"body": "Hi"}),
            (reverse("messaging_office_action", args=[thread.pk, "close"]), {}),
            (reverse("messaging_office_action", args=[thread.pk, "assign"]), {}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (who, url)
    thread.refresh_from_db()
    assert thread.closed_at is None and thread.assigned_to is None
    assert thread.messages.count() == 1


def test_R22_R18_another_family_never_sees_an_office_thread(school, parent, maya) -> None:
    thread = _office_thread(parent, maya)
    other_parent = client_for(ParentLinkFactory(pupil=maya).parent)  # even Maya's other parent
    url = reverse("messaging_thread", args=[thread.pk])
    assert other_parent.get(url).status_code == 404
    assert other_parent.post(url, {"body": "Hi"}).status_code == 404
    assert thread.messages.count() == 1


def test_R22_office_pages_answer_an_unknown_action_or_a_teacher_thread_with_404(
    school, parent, teacher, maya, office
) -> None:
    teacher_thread = message_start(acting_user=parent, other=teacher, pupil=maya, body="Hi").thread
    client = client_for(office)
    assert (
        client.get(reverse("messaging_office_thread", args=[teacher_thread.pk])).status_code == 404
    )
    thread = _office_thread(parent, maya)
    action = reverse("messaging_office_action", args=[thread.pk, "delete"])
    assert client.post(action).status_code == 404
    assert Thread.objects.count() == 2


@pytest.mark.parametrize(("body", "error"), [("  ", str(EMPTY)), ("x" * 20_000, too_long(20_000))])
def test_R22_office_replies_refuse_empty_or_huge_text(
    school, parent, maya, office, body, error
) -> None:
    thread = _office_thread(parent, maya)
    response = client_for(office).post(
        reverse("messaging_office_thread", args=[thread.pk]), {"body": body}
    )
    assert response.status_code == 400 and error in text_of(response)
    assert thread.messages.count() == 1


def test_R22_a_parent_cannot_answer_as_the_office(school, parent, maya) -> None:
    thread = _office_thread(parent, maya)
    stranger = ParentLinkFactory(pupil=PupilFactory()).parent
    with pytest.raises(PermissionDenied):
        office_message_add(acting_user=stranger, thread=thread, body="Hi")
    assert thread.messages.count() == 1


# Query counts (fixed whatever the number of threads)


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_R22_office_inbox_and_thread_are_a_fixed_number_of_queries(
    school, parent, maya, office, school_class
) -> None:
    thread = _office_thread(parent, maya)
    client = client_for(office)
    urls = [reverse("messaging_office"), reverse("messaging_office_thread", args=[thread.pk])]
    small = [_queries(client, url) for url in urls]
    for n in range(30):
        link = ParentLinkFactory(pupil=PupilFactory(school_class=school_class))
        other = _office_thread(link.parent, link.pupil, topic="dinners", body=f"Dinner {n}")
        office_message_add(acting_user=office, thread=other, body="Noted")
        office_message_add(acting_user=parent, thread=thread, body=f"Also {n}")
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert large == [4, 7], large


# The admin (R22): the office edits the words and sees its inbox; nothing is deleted


@pytest.fixture
def admin_client(office) -> Client:
    with_totp(office)
    return client_for(office)


def test_R22_the_office_adds_a_word_in_the_admin(school, admin_client) -> None:
    url = reverse("admin:messaging_officephrase_add")
    response = admin_client.post(url, {"topic": "sickness", "phrase": "  Head   LICE "})
    assert response.status_code == 302
    assert OfficePhrase.objects.get(phrase="head lice").topic == Topic.SICKNESS
    assert office_topics("Head lice again") == [Topic.SICKNESS]
    again = admin_client.post(url, {"topic": "absence", "phrase": "HEAD LICE"})
    assert again.status_code == 200 and "already on the list" in text_of(again)
    assert OfficePhrase.objects.filter(phrase__iexact="head lice").count() == 1


def test_R22_teachers_and_parents_have_no_admin_for_the_words(school, teacher, parent) -> None:
    for user in (teacher, parent):
        user.is_staff = True  # even a wrongly ticked staff flag is not enough
        user.save()
        with_totp(user)
        response = client_for(user).post(
            reverse("admin:messaging_officephrase_add"), {"topic": "absence", "phrase": "x"}
        )
        assert response.status_code in {302, 403}
    assert not OfficePhrase.objects.filter(phrase="x").exists()


def test_R22_the_admin_shows_office_threads_not_teachers_and_deletes_nothing(
    school, parent, teacher, maya, admin_client
) -> None:
    private = message_start(acting_user=parent, other=teacher, pupil=maya, body="Private")
    thread = _office_thread(parent, maya)
    listing = admin_client.get(reverse("admin:messaging_thread_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:messaging_thread_change", args=[thread.pk]) in text_of(listing)
    assert reverse("admin:messaging_thread_change", args=[private.thread_id]) not in text_of(
        listing
    )
    change = admin_client.get(reverse("admin:messaging_thread_change", args=[thread.pk]))
    assert OFF_SICK in text_of(change)
    assert reverse("admin:messaging_thread_delete", args=[thread.pk]) not in text_of(change)
    assert "messages-0-DELETE" not in text_of(change)  # no message can be ticked for deletion
    assert (
        admin_client.get(
            reverse("admin:messaging_thread_change", args=[private.thread_id])
        ).status_code
        == 302  # not in the office's list: the admin says it does not exist
    )
    delete = admin_client.post(
        reverse("admin:messaging_thread_delete", args=[thread.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    admin_client.post(
        reverse("admin:messaging_thread_changelist"),
        {"action": "delete_selected", "_selected_action": [thread.pk], "post": "yes"},
    )
    admin_client.post(
        reverse("admin:messaging_thread_changelist"),
        {"action": "close", "_selected_action": [thread.pk]},
    )
    thread.refresh_from_db()
    assert thread.closed_at is not None
    assert Thread.objects.count() == 2 and Message.objects.count() == 2
