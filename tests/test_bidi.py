"""Unicode's direction controls in people's own text (a right-to-left override, U+202E, in a
name, a post or a message) never reorder what is around it: pages show user text isolated
(``<bdi>`` or ``dir="auto"``), notifications tell of it without the controls in every channel,
and CSV cells carry none, so a cell cannot turn its neighbours around."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from consent.imports.export import safe_cell
from consent.imports.plan import PROBLEM
from consent.imports.validate import pupil_import_plan
from core.bidi import BIDI_CONTROLS, isolate, strip_bidi_controls
from messaging.services.messages import message_start
from notifications.models import Kind
from notifications.services import Event, notify
from notifications.tasks import sweep_notifications
from points.models import Award, Skill
from stories.models import Audience
from stories.services.posts import post_create
from tests.clock import at
from tests.conftest import client_for
from tests.factories import (
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

RLO = "\u202e"
AMIR = f"Amir{RLO}K"  # a first name typed (or pasted) with an override in it
POST_TEXT = f"Amir's project is in the file {RLO}fdp.exe"
MESSAGE_TEXT = f"Please look at {RLO}gpj.exe before Friday."
PARENT_FIRST = f"Dana{RLO}X"
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
VOID |= {"source", "track", "wbr"}


class Isolation(HTMLParser):
    """For each text that holds an override: the innermost element around it that isolates
    (``<bdi>`` or any ``dir``), with that element's whole text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool, list[str]]] = []
        self.found: list[tuple[str, str]] = []  # (isolating tag or "", the text it holds)
        self._pending: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        isolates = tag == "bdi" or (tag != "html" and any(name == "dir" for name, _ in attrs))
        self.stack.append((tag, isolates, []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, isolates, text = self.stack.pop()
            if self.stack:
                self.stack[-1][2].extend(text)
            if isolates and any(RLO in part for part in text):
                self.found.append((name, "".join(text).strip()))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)
        if RLO in data and not any(isolates for _, isolates, _text in self.stack):
            self.found.append(("", data.strip()))


def isolations(html: str) -> list[tuple[str, str]]:
    parser = Isolation()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_isolated(html: str, *texts: str) -> None:
    """Every override on the page is inside an isolating element, and each of ``texts``
    is isolated by itself (its ``<bdi>`` or block holds that text and no more)."""
    found = isolations(html)
    assert found, "the page shows none of the text with an override"
    assert all(tag for tag, _text in found), f"not isolated: {[t for g, t in found if not g]}"
    for text in texts:
        assert any(held == text for _tag, held in found), f"{text!r} not isolated by itself"


# The functions ----------------------------------------------------------------------------


def test_bidi_controls_are_the_embeddings_overrides_and_isolates_and_marks_stay() -> None:
    assert {f"{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069"
    }  # fmt: skip
    assert strip_bidi_controls(f"Amir{RLO}K\u2066x\u2069") == "AmirKx"
    assert strip_bidi_controls("عمر\u200f!") == "عمر\u200f!", "a right-to-left mark stays"


def test_an_isolate_cannot_be_closed_early_by_the_text_inside() -> None:
    assert isolate(f"x\u2069{RLO}y") == "\u2068xy\u2069"
    assert isolate("") == ""


def test_the_template_filters_isolate_and_escape() -> None:
    template = Template('{% load bidi %}<p>{{ name|bdi }}</p><a title="{{ name|isolate }}">')
    html = template.render(Context({"name": f"<b>{AMIR}</b>"}))
    assert html == (
        f"<p><bdi>&lt;b&gt;{AMIR}&lt;/b&gt;</bdi></p>"
        '<a title="\u2068&lt;b&gt;AmirK&lt;/b&gt;\u2069">'
    )


def test_isolation_is_written_only_where_it_changes_what_is_shown() -> None:
    """On a left-to-right page, left-to-right text lays out the same isolated or not."""
    template = Template("{% load bidi %}{{ name|bdi }}|{{ name|isolate }}")
    assert template.render(Context({"name": "Maya"})) == "Maya|Maya"
    assert template.render(Context({"name": "عمر"})) == "<bdi>عمر</bdi>|\u2068عمر\u2069"
    with translation.override("ar"):
        assert template.render(Context({"name": "Maya"})) == "<bdi>Maya</bdi>|\u2068Maya\u2069"


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def oak(db: None):
    """A class with Amir (an override in his first name), his parent Dana (one in hers), their
    teacher, a Student Story post and a message, each with an override in its text."""
    with at(TUESDAY_1000):
        oak = SchoolClassFactory(name="Oak")
        teacher = assign_teacher(TeacherFactory(title="Mrs", last_name="Patel"), oak)
        link = ParentLinkFactory(
            pupil=PupilFactory(school_class=oak, first_name=AMIR, surname="Khan"),
            parent__first_name=PARENT_FIRST,
            parent__last_name="Brightwater",
        )
        post = post_create(
            acting_user=teacher, audience=Audience.STUDENT, pupil=link.pupil, body=POST_TEXT
        )
        message = message_start(
            acting_user=teacher, other=link.parent, pupil=link.pupil, body=MESSAGE_TEXT
        )
    return {"teacher": teacher, "parent": link.parent, "pupil": link.pupil, "post": post,
            "message": message}  # fmt: skip


def page(user, name: str, *args: object) -> str:
    with at(TUESDAY_1000 + dt.timedelta(minutes=5)):
        response = client_for(user).get(reverse(name, args=args))
    assert response.status_code == 200, name
    return response.content.decode()


def test_a_pupils_name_is_isolated_on_the_teachers_home_and_the_parents_home(school, oak) -> None:
    assert_isolated(page(oak["teacher"], "home"), AMIR)
    assert_isolated(page(oak["parent"], "home"), AMIR)


def test_a_posts_text_and_its_pupils_name_are_isolated_on_the_post_and_the_feed(
    school, oak
) -> None:
    for html in (
        page(oak["parent"], "stories_post", oak["post"].pk),
        page(oak["parent"], "stories_feed"),
        page(oak["teacher"], "stories_feed"),
    ):
        assert_isolated(html, AMIR, POST_TEXT)


def test_a_messages_text_and_the_parents_name_are_isolated(school, oak) -> None:
    thread = oak["message"].thread_id
    assert_isolated(page(oak["parent"], "messaging_thread", thread), MESSAGE_TEXT, AMIR)
    inbox = page(oak["teacher"], "messaging_inbox")
    assert any(PARENT_FIRST in held for tag, held in isolations(inbox) if tag == "bdi")
    assert_isolated(inbox, AMIR)
    assert_isolated(page(oak["teacher"], "messaging_thread", thread), MESSAGE_TEXT)


def test_a_notification_tells_of_a_name_without_its_controls_in_the_portal_and_by_email(
    school, oak
) -> None:
    parent = oak["parent"]
    event = Event(
        Kind.NEW_MESSAGE,
        "message:9",
        parent.pk,
        "/messages/9/",
        {"pupil": AMIR, "sender": f"Mrs {RLO}Patel", "from_parent": False, "from_office": False},
    )
    with at(TUESDAY_1000):
        notify([event])
        sweep_notifications()

    listing = page(parent, "notifications")
    assert "New message from Mrs Patel about AmirK" in listing
    [email] = mail.outbox
    assert email.subject == "New message from Mrs Patel about AmirK"
    assert not BIDI_CONTROLS & set(f"{email.subject} {email.body}")
    assert_isolated(listing)  # the only override left is in the parent's own name, isolated


# CSV --------------------------------------------------------------------------------------


def test_a_csv_cell_carries_no_direction_control_and_formulas_stay_neutralised() -> None:
    assert safe_cell(AMIR) == "AmirK"
    assert safe_cell(f"{RLO}=HYPERLINK(1)") == "'=HYPERLINK(1)", "no control hides a formula"
    assert safe_cell("عمر") == "عمر", "right-to-left names are kept as they are"


def test_the_points_csv_cannot_reorder_its_cells(school, oak) -> None:
    teacher, amir = oak["teacher"], oak["pupil"]
    with at(TUESDAY_1000):
        Award.objects.create(
            pupil=amir,
            school_class=amir.school_class,
            skill=Skill.objects.get(name="Curiosity", school_class=None),
            value=1,
            note=f"Great {RLO}krow",
            awarded_by=teacher,
        )
    url = reverse("points_class_csv", args=[amir.school_class_id]) + "?period=term"
    with at(TUESDAY_1000 + dt.timedelta(minutes=5)):
        response = client_for(teacher).get(url)

    text = response.content.decode("utf-8-sig")
    assert not BIDI_CONTROLS & set(text)
    [_header, row] = list(csv.reader(io.StringIO(text)))
    assert row[1:] == ["AmirK", "Curiosity", "1", "Great krow", "Mrs Patel"]


# Input ------------------------------------------------------------------------------------


def test_the_pupil_import_refuses_a_name_with_a_direction_control(school) -> None:
    """A name has no use for these characters: the import's row is a problem, not a pupil
    (the office fixes it in the school's records)."""
    SchoolClassFactory(name="Oak", academic_year=2026)
    data = f"Forename,Surname,DOB,Reg group\r\n{AMIR},Khan,17/05/2018,Oak\r\n".encode()
    with at(TUESDAY_1000):
        plan = pupil_import_plan(acting_user=OfficeFactory(), data=data, file_name="mis.csv")

    [row] = plan.rows
    assert row.status == PROBLEM
    assert "does not look like a name" in " ".join(str(p) for p in row.problems)
