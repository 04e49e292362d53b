"""A parent's home is the news: the latest posts of all their children, each marked with its
class or child, under a card per child with their monster, their points this week and whom to
message (R15, R18, R26, R27, R30), at a number of queries that does not grow with the
children."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from accounts.selectors.people import children_of
from classes.models import Pupil
from points.models import Skill
from points.services.awards import points_award
from stories.models import Audience, PostSeen
from stories.services.media import attachment_process
from stories.services.posts import post_create
from tests.conftest import client_for
from tests.factories import (
    CoverAssignmentFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)
from tests.stories.conftest import class_post, photo, set_consent

pytestmark = pytest.mark.django_db


def home(client: Client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def award(teacher: User, pupil: Pupil, skill: str = "Resilience", **kw) -> None:
    assert pupil.school_class is not None
    points_award(
        acting_user=teacher,
        school_class=pupil.school_class,
        pupil_ids=[pupil.pk],
        skill=Skill.objects.get(name=skill),
        **kw,
    )


def words(html: str) -> str:
    """What a reader sees of ``html``: its text, without tags, in single spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def card(page: str, name: str) -> str:
    """The card of the child called ``name`` on the page (its HTML)."""
    cards = re.findall(
        r'<li class="home-card">.*?</li>\s*(?=<li class="home-card">|</ul>)', page, re.S
    )
    found = [c for c in cards if words(c).startswith(name + " ")]
    assert len(found) == 1, cards
    return found[0]


@pytest.fixture
def family(school) -> tuple[User, Pupil, Pupil, User, User]:
    parent = ParentFactory()
    oak, ash = SchoolClassFactory(name="Oak"), SchoolClassFactory(name="Ash")
    hughes = assign_teacher(TeacherFactory(title="Mrs", last_name="Hughes"), oak)
    okafor = assign_teacher(TeacherFactory(title="Mr", last_name="Okafor"), ash)
    maya = PupilFactory(first_name="Maya", surname="Brown", school_class=oak)
    leo = PupilFactory(first_name="Leo", surname="Brown", school_class=ash)
    ParentLinkFactory(parent=parent, pupil=maya)
    ParentLinkFactory(parent=parent, pupil=leo)
    return parent, maya, leo, hughes, okafor


def test_R15_the_home_is_the_news_of_all_the_children_each_marked(family) -> None:
    parent, maya, leo, hughes, okafor = family
    class_post(hughes, maya.school_class, body="Oak planted bulbs")
    class_post(okafor, leo.school_class, body="Ash went to the museum")
    post_create(acting_user=hughes, audience=Audience.STUDENT, pupil=maya, body="Maya read aloud")
    other = SchoolClassFactory(name="Willow")
    class_post(assign_teacher(TeacherFactory(), other), other, body="Willow news")

    page = home(client_for(parent))

    news = page[page.index('id="news-heading"') :]
    assert "Oak planted bulbs" in news and "Ash went to the museum" in news
    assert "Maya read aloud" in news and "Maya's story" in words(news)
    assert "Willow news" not in page, "R15: another class's post is not theirs"
    # each post says whose it is: its class, or the child's own story
    oak_post = news[: news.index("Oak planted bulbs")]
    assert re.search(r'class="post-title"[^>]*>\s*Oak\s*</h3>', oak_post)
    assert page.index("home-card") < page.index('id="news-heading"'), "the cards come first"
    assert "Brown" not in page, "R6: children by first name only"


def test_R30_the_news_on_the_home_counts_as_seen(family) -> None:
    parent, maya, _leo, hughes, _okafor = family
    post = class_post(hughes, maya.school_class, body="Oak planted bulbs")
    home(client_for(parent))
    assert PostSeen.objects.filter(post=post, user=parent).count() == 1


def test_the_home_shows_the_latest_ten_and_continues_in_the_feed(family) -> None:
    parent, maya, _leo, hughes, _okafor = family
    for n in range(12):
        class_post(hughes, maya.school_class, body=f"Oak day {n}")
    page = home(client_for(parent))
    assert "Oak day 11" in page and "Oak day 2" in page
    assert "Oak day 1<" not in page and "Oak day 0" not in page
    assert reverse("stories_feed") + "?after=" in page


def test_R26_R27_each_card_has_the_monster_and_this_weeks_points(family) -> None:
    parent, maya, leo, hughes, okafor = family
    award(hughes, maya)
    award(hughes, maya, skill="Curiosity")
    award(okafor, leo)
    # last week's point is not this week's (test today is a Tuesday)
    award(okafor, leo)
    leo.awards.filter().order_by("pk").update(awarded_at=timezone.now() - dt.timedelta(days=7))
    award(okafor, leo)

    page = home(client_for(parent))

    assert "2 points this week" in card(page, "Maya")
    assert "1 point this week" in card(page, "Leo")
    assert 'class="monster"' in card(page, "Maya") and 'class="monster"' in card(page, "Leo")
    assert reverse("points_child", args=[maya.pk]) in card(page, "Maya")


def test_R18_each_card_offers_a_message_to_that_childs_teacher(family) -> None:
    parent, maya, _leo, hughes, _okafor = family
    page = home(client_for(parent))
    maya_card, leo_card = card(page, "Maya"), card(page, "Leo")
    assert "Message Mrs Hughes" in words(maya_card)
    assert "Okafor" not in maya_card
    assert "Message Mr Okafor" in words(leo_card)
    link = escape(reverse("messaging_start") + f"?to={maya.pk}-{hughes.pk}")
    assert link in maya_card


def test_R18_the_message_link_opens_the_form_with_that_teacher_chosen(family) -> None:
    parent, maya, _leo, hughes, _okafor = family
    response = client_for(parent).get(reverse("messaging_start"), {"to": f"{maya.pk}-{hughes.pk}"})
    assert re.search(
        rf'<option value="{maya.pk}-{hughes.pk}" selected>', response.content.decode()
    )


def test_R18_a_forged_message_link_chooses_nobody(family) -> None:
    parent, maya, _leo, _hughes, okafor = family
    response = client_for(parent).get(reverse("messaging_start"), {"to": f"{maya.pk}-{okafor.pk}"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "selected" not in html.split('name="to"', 1)[1].split("</select>", 1)[0]


def test_R18_a_cover_teacher_is_offered_only_during_the_cover(family) -> None:
    parent, maya, _leo, _hughes, _okafor = family
    cover = TeacherFactory(title="Ms", last_name="Ng")
    now = timezone.now()
    CoverAssignmentFactory(
        teacher=cover,
        school_class=maya.school_class,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    assert "Message Ms Ng" in words(card(home(client_for(parent)), "Maya"))
    cover.cover_assignments.update(ends_at=now - dt.timedelta(minutes=1))
    assert "Ng" not in card(home(client_for(parent)), "Maya")


def test_R18_a_child_without_a_teacher_to_write_to_shows_the_office(family) -> None:
    parent, _maya, _leo, hughes, _okafor = family
    hughes.is_active = False
    hughes.save()
    maya_card = card(home(client_for(parent)), "Maya")
    assert "Message " not in maya_card
    assert "please contact the school office" in words(maya_card)


def test_a_parent_without_children_still_gets_the_school_news(school) -> None:
    from stories.models import Audience as A
    from tests.factories import LeaderFactory

    post_create(acting_user=LeaderFactory(), audience=A.SCHOOL, body="Term starts Monday")
    page = home(client_for(ParentFactory()))
    assert "No child is linked to your account yet." in page
    assert "Term starts Monday" in page


def _family_of(count: int) -> User:
    """A parent of ``count`` children in as many classes, each with two teachers, a cover,
    points, and news with a photo: class posts and a Student Story post per child."""
    parent = ParentFactory()
    now = timezone.now()
    for _ in range(count):
        school_class = SchoolClassFactory()
        teacher = assign_teacher(TeacherFactory(), school_class)
        assign_teacher(TeacherFactory(), school_class)
        CoverAssignmentFactory(
            school_class=school_class,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=1),
        )
        child = PupilFactory(school_class=school_class)
        ParentLinkFactory(parent=parent, pupil=child)
        PupilFactory.create_batch(3, school_class=school_class)
        set_consent(child)
        award(teacher, child)
        post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[child.pk])
        for attachment in post.attachments.all():
            attachment_process(attachment.pk)
        post_create(acting_user=teacher, audience=Audience.STUDENT, pupil=child, body="Well done")
    return parent


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        home(client)
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_parent_home_is_at_most_8_queries_at_1_and_4_children(school) -> None:
    """The session and the account, the news (posts, their attachments), the monsters with the
    week's points, the teachers and the covers to message; the first view records the posts
    as seen in one more. The children, the gates and the school come from the cache."""
    small, large = _family_of(1), _family_of(4)
    small_client, large_client = client_for(small), client_for(large)
    children_of(small), children_of(large)  # kept until a link, class or teacher changes
    first = (_queries(small_client), _queries(large_client))
    again = (_queries(small_client), _queries(large_client))
    assert first == (8, 8), first
    assert again == (7, 7), again
