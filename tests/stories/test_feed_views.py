"""The feeds and post pages as their readers see them: who sees what (R15), protected media
(R8), likes without comments (R16), translation (R17), reach (R30), keyset pages and a fixed
number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import User
from classes.models import Pupil, SchoolClass
from stories.models import Audience, Like, Post, PostSeen, PostTranslation
from stories.services.posts import post_create
from stories.templatetags.stories import NOT_TRANSLATED
from tests.conftest import client_for, pupil_client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    UserFactory,
    assign_teacher,
)
from tests.responses import streamed_bytes

from .conftest import class_post, photo, set_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


@pytest.fixture
def other_class() -> SchoolClass:
    return SchoolClassFactory(name="Ash")


@pytest.fixture
def other_teacher(other_class) -> User:
    return assign_teacher(TeacherFactory(), other_class)


def feed_html(client: Client, query: str = "") -> str:
    response = client.get(reverse("stories_feed") + query)
    assert response.status_code == 200
    return response.content.decode()


def student_post(author: User, pupil: Pupil, body: str, **kw) -> Post:
    return post_create(acting_user=author, audience=Audience.STUDENT, pupil=pupil, body=body, **kw)


def photo_post(author: User, school_class: SchoolClass, body: str = "Our trip") -> Post:
    return class_post(author, school_class, body=body, uploads=[photo()], no_child_appears=True)


def process(post: Post) -> None:
    from stories.services.media import attachment_process

    for attachment in post.attachments.all():
        attachment_process(attachment.pk)


# R15: who sees what


def test_R15_parent_sees_their_childs_class_student_and_school_stories(
    teacher, school_class, maya, parent, other_teacher, other_class
) -> None:
    class_post(teacher, school_class, body="Oak went pond dipping")
    student_post(teacher, maya, "Maya read her poem")
    post_create(acting_user=OfficeFactory(), audience=Audience.SCHOOL, body="Harvest festival")
    class_post(other_teacher, other_class, body="Ash baked bread")
    sibling_in_class = PupilFactory(school_class=school_class, first_name="Leo")
    student_post(teacher, sibling_in_class, "Leo built a bridge")
    html = feed_html(client_for(parent))
    assert "Oak went pond dipping" in html and "Maya read her poem" in html
    assert "Harvest festival" in html
    assert "Ash baked bread" not in html and "Leo built a bridge" not in html
    assert "Maya&#x27;s story" in html or "Maya's story" in html


def test_R15_pupil_sees_their_own_story_and_their_class_and_school(
    teacher, school_class, maya
) -> None:
    pupil_user = UserFactory(role="pupil", email=None)
    maya.user = pupil_user
    maya.save()
    leo = PupilFactory(school_class=school_class, first_name="Leo")
    student_post(teacher, maya, "Maya's poem")
    student_post(teacher, leo, "Leo's bridge")
    class_post(teacher, school_class, body="Pond dipping")
    post_create(acting_user=OfficeFactory(), audience=Audience.SCHOOL, body="Harvest festival")
    html = feed_html(pupil_client_for(pupil_user))
    assert "Maya's poem" in html and "Pond dipping" in html and "Harvest festival" in html
    assert "Leo's bridge" not in html


def test_R15_staff_see_their_classes_and_can_filter(
    teacher, school_class, other_teacher, other_class
) -> None:
    second = SchoolClassFactory(name="Elm")
    assign_teacher(teacher, second)
    class_post(teacher, school_class, body="Oak news")
    class_post(teacher, second, body="Elm news")
    class_post(other_teacher, other_class, body="Ash news")
    client = client_for(teacher)
    html = feed_html(client)
    assert "Oak news" in html and "Elm news" in html and "Ash news" not in html
    only_elm = feed_html(client, f"?class={second.pk}")
    assert "Elm news" in only_elm and "Oak news" not in only_elm
    # a class that is not theirs is ignored, not shown
    assert "Ash news" not in feed_html(client, f"?class={other_class.pk}")


def test_R15_office_sees_the_school_story_only_and_leaders_see_everything(
    teacher, school_class
) -> None:
    class_post(teacher, school_class, body="Oak news")
    post_create(acting_user=OfficeFactory(), audience=Audience.SCHOOL, body="Harvest festival")
    office_html = feed_html(client_for(OfficeFactory()))
    assert "Harvest festival" in office_html and "Oak news" not in office_html
    leader_html = feed_html(client_for(LeaderFactory()))
    assert "Harvest festival" in leader_html and "Oak news" in leader_html


def test_R15_another_classs_post_and_its_image_are_404(
    teacher, school_class, parent, other_teacher, other_class
) -> None:
    post = photo_post(other_teacher, other_class)
    process(post)
    key = post.attachments.get().key
    client = client_for(parent)
    assert client.get(reverse("stories_post", args=[post.pk])).status_code == 404
    assert client.get(reverse("stories_media", args=[key])).status_code == 404
    assert client.get(reverse("stories_thumbnail", args=[key])).status_code == 404
    assert client.post(reverse("stories_like", args=[post.pk])).status_code == 404
    assert not Like.objects.exists()


def test_R13_a_hidden_post_is_404_to_families_with_its_media(
    teacher, school_class, parent, maya
) -> None:
    set_consent(maya)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    process(post)
    key = post.attachments.get().key
    client = client_for(parent)
    assert client.get(reverse("stories_media", args=[key])).status_code == 200
    from consent.models import MediaStatus

    set_consent(maya, status=MediaStatus.WITHDRAWN)
    assert client.get(reverse("stories_post", args=[post.pk])).status_code == 404
    assert client.get(reverse("stories_media", args=[key])).status_code == 404
    teacher_html = feed_html(client_for(teacher))
    assert "Posts hidden from families" in teacher_html
    assert reverse("stories_edit", args=[post.pk]) in teacher_html


# R8: media only through the permission-checked view


def test_R8_media_is_served_privately_and_never_sniffed(teacher, school_class, parent) -> None:
    post = photo_post(teacher, school_class)
    process(post)
    attachment = post.attachments.get()
    response = client_for(parent).get(reverse("stories_thumbnail", args=[attachment.key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    assert streamed_bytes(response)[:4] == b"RIFF"
    assert "stories/" not in response["Content-Disposition"]  # never the stored name


def test_R8_behind_nginx_the_file_is_handed_over_by_x_accel_redirect(
    teacher, school_class, parent, settings
) -> None:
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_protected/"
    post = photo_post(teacher, school_class)
    process(post)
    attachment = post.attachments.get()
    response = client_for(parent).get(reverse("stories_media", args=[attachment.key]))
    assert response["X-Accel-Redirect"] == "/_protected/" + attachment.file.name
    assert response.content == b""


def test_R8_a_photo_still_processing_is_not_served(teacher, school_class, parent) -> None:
    post = photo_post(teacher, school_class)  # the worker has not run
    key = post.attachments.get().key
    assert client_for(parent).get(reverse("stories_media", args=[key])).status_code == 404
    assert "Photo processing" in feed_html(client_for(parent))


def test_R8_media_needs_sign_in(teacher, school_class) -> None:
    post = photo_post(teacher, school_class)
    process(post)
    key = post.attachments.get().key
    response = Client().get(reverse("stories_media", args=[key]))
    assert response.status_code == 302 and "login" in response["Location"]


# R16: likes, never comments


def test_R16_a_parent_likes_once_and_takes_it_back(teacher, school_class, parent) -> None:
    post = class_post(teacher, school_class)
    client = client_for(parent)
    url = reverse("stories_like", args=[post.pk])
    for _twice in range(2):
        response = client.post(url, {"action": "like"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert "1 like" in response.content.decode() and "Liked" in response.content.decode()
    post.refresh_from_db()
    assert (post.like_count, Like.objects.count()) == (1, 1)
    response = client.post(url, {"action": "unlike"})  # the plain form, without JavaScript
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    post.refresh_from_db()
    assert (post.like_count, Like.objects.count()) == (0, 0)


def test_R16_everyone_who_sees_a_post_sees_the_count_but_staff_do_not_like(
    teacher, school_class, parent
) -> None:
    post = class_post(teacher, school_class)
    client_for(parent).post(reverse("stories_like", args=[post.pk]), {"action": "like"})
    html = feed_html(client_for(teacher))
    assert "1 like" in html and "stories_like" not in html
    assert reverse("stories_like", args=[post.pk]) not in html
    assert client_for(teacher).post(reverse("stories_like", args=[post.pk])).status_code == 404


def test_R16_there_is_no_comment_box_anywhere(teacher, school_class, parent) -> None:
    post = class_post(teacher, school_class)
    for client in (client_for(parent), client_for(teacher)):
        for url in (reverse("stories_feed"), reverse("stories_post", args=[post.pk])):
            html = client.get(url).content.decode()
            assert "<textarea" not in html and "comment" not in html.lower()


# R17: the reader's language, the original one tap away


def test_R17_a_spanish_reader_sees_the_translation_with_the_original_one_tap_away(
    teacher, school_class, parent
) -> None:
    parent.preferred_language = "es"
    parent.save()
    post = class_post(teacher, school_class, body="The children enjoyed the school trip.")
    PostTranslation.objects.create(
        post=post, language="es", body="Los niños gozaron el viaje escolar."
    )
    html = feed_html(client_for(parent))
    translated = "<p>Los niños gozaron el viaje escolar.</p>"
    assert f'<div class="post-text" lang="es" dir="auto">{translated}</div>' in html
    assert "<details" in html and "The children enjoyed the school trip." in html


def test_R17_without_a_translation_the_original_shows_with_a_quiet_notice(
    teacher, school_class, parent
) -> None:
    parent.preferred_language = "pl"
    parent.save()
    class_post(teacher, school_class, body="The children enjoyed the school trip.")
    html = feed_html(client_for(parent))
    assert "The children enjoyed the school trip." in html
    with translation.override("pl"):  # the notice itself is in the reader's language
        assert escape(str(NOT_TRANSLATED)) in html


def test_R17_a_reader_in_the_posts_language_sees_no_notice(teacher, school_class, parent) -> None:
    class_post(teacher, school_class, body="Hello")
    assert "Not translated" not in feed_html(client_for(parent))


# R30: reach


def test_R30_author_sees_families_reached_each_family_counted_once(
    teacher, school_class, parent, maya
) -> None:
    ParentLinkFactory(pupil=maya)  # a second parent of Maya
    second_parent = maya.parent_links.exclude(parent=parent).get().parent
    leo = PupilFactory(school_class=school_class, first_name="Leo")
    ParentLinkFactory(pupil=leo)
    PupilFactory(school_class=school_class, first_name="Zara")  # no parent linked: not counted
    post = class_post(teacher, school_class)
    feed_html(client_for(parent))
    feed_html(client_for(second_parent))
    assert PostSeen.objects.filter(post=post).count() == 2
    html = feed_html(client_for(teacher))
    assert "Seen by 1 of 2 families" in html
    colleague = assign_teacher(TeacherFactory(), school_class)
    assert "Seen by" not in feed_html(client_for(colleague))  # only the author (and leaders)


def test_R30_staff_views_do_not_count_as_families(teacher, school_class, maya) -> None:
    post = class_post(teacher, school_class)
    feed_html(client_for(assign_teacher(TeacherFactory(), school_class)))
    assert not PostSeen.objects.filter(post=post).exists()


# Keyset pages and query counts


def make_posts(author: User, school_class: SchoolClass, count: int) -> list[Post]:
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            audience=Audience.CLASS,
            school_class=school_class,
            author=author,
            body=f"Post number {n}",
            language="en-gb",
            publish_at=now - dt.timedelta(minutes=n),
            published_at=now - dt.timedelta(minutes=n // 2),  # pairs share a time
        )
        for n in range(count)
    )
    return posts


def test_pages_follow_each_other_without_gaps_or_repeats(teacher, school_class, parent) -> None:
    make_posts(teacher, school_class, 45)
    client = client_for(parent)
    seen: list[str] = []
    article = re.compile(r'<article class="post[^"]*" id="post-(\d+)"')
    query = ""
    with CaptureQueriesContext(connection) as ctx:
        for _page in range(3):
            response = client.get(reverse("stories_feed") + query, headers={"HX-Request": "true"})
            html = response.content.decode()
            seen += article.findall(html)
            cursor = response.context["next_cursor"]
            query = f"?after={cursor}" if cursor else ""
    assert len(seen) == 45 and len(set(seen)) == 45
    assert query == ""
    assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)


def test_a_forged_cursor_gives_the_first_page(teacher, school_class, parent) -> None:
    make_posts(teacher, school_class, 3)
    for forged in ("x", "1_2_3", "9e999_1", "nan_1"):
        assert "Post number 0" in feed_html(client_for(parent), f"?after={forged}")


def count_queries(client: Client, url: str) -> int:
    """SQL statements of one page view, once the school is cached (after the first page of the
    day). Savepoints are left out: they come from the test's own transaction (a pupil's session
    is saved on every page for its idle timeout, inside a savepoint only here)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    return len([q for q in sql if "SAVEPOINT" not in q])


def test_feed_is_a_fixed_number_of_queries_at_1_and_50_posts(
    teacher, school_class, parent, maya
) -> None:
    set_consent(maya)
    post = student_post(teacher, maya, "Her painting", uploads=[photo()], tagged_ids=[maya.pk])
    process(post)
    leader = LeaderFactory()
    pupil_user = UserFactory(role="pupil", email=None)
    maya.user = pupil_user
    maya.save()
    clients = {
        "parent": client_for(parent),
        "teacher": client_for(teacher),
        "leader": client_for(leader),
        "pupil": pupil_client_for(pupil_user),
    }
    url = reverse("stories_feed")
    small = {who: count_queries(client, url) for who, client in clients.items()}
    make_posts(teacher, school_class, 30)
    for n in range(18):
        p = student_post(
            teacher, maya, f"Student post {n}", uploads=[photo()], tagged_ids=[maya.pk]
        )
        process(p)
    PupilFactory.create_batch(10, school_class=school_class)
    large = {who: count_queries(client, url) for who, client in clients.items()}
    assert small == large
    # no data-processing form is published here: the parent's gate costs nothing
    assert large == {"parent": 5, "teacher": 8, "leader": 8, "pupil": 7}, large


def test_a_post_that_is_not_yours_gets_the_portals_not_found_page(
    teacher, school_class, parent, other_teacher, other_class
) -> None:
    post = class_post(other_teacher, other_class, body="Ash news")
    response = client_for(parent).get(reverse("stories_post", args=[post.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist, or it is not for your account." in html
    assert "Ash news" not in html


def test_R6_a_student_story_names_the_pupil_by_display_name(teacher, school_class) -> None:
    amir_k = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    PupilFactory(school_class=school_class, first_name="Amir", surname="Kowalski")
    parent = ParentLinkFactory(pupil=amir_k).parent
    student_post(teacher, amir_k, "A great painting")
    html = feed_html(client_for(parent))
    assert "Amir Kh.&#x27;s story" in html or "Amir Kh.'s story" in html
    assert "Khan" not in html


# R36: byte ranges, so a video starts at once and can be scrubbed


def test_R36_a_range_of_a_file_is_answered_206_with_its_content_range(
    teacher, school_class, parent
) -> None:
    post = photo_post(teacher, school_class)
    process(post)
    attachment = post.attachments.get()
    whole = attachment.file.open("rb").read()
    url = reverse("stories_media", args=[attachment.key])
    client = client_for(parent)
    full = client.get(url)
    assert (full.status_code, full["Accept-Ranges"]) == (200, "bytes")
    part = client.get(url, headers={"Range": "bytes=10-49"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-49/{len(whole)}"
    assert part["Content-Length"] == "40" and streamed_bytes(part) == whole[10:50]
    assert part["Cache-Control"] == full["Cache-Control"]
    tail = client.get(url, headers={"Range": "bytes=-16"})
    assert (tail.status_code, streamed_bytes(tail)) == (206, whole[-16:])


def test_R36_a_range_past_the_end_is_answered_416(teacher, school_class, parent) -> None:
    post = photo_post(teacher, school_class)
    process(post)
    attachment = post.attachments.get()
    response = client_for(parent).get(
        reverse("stories_media", args=[attachment.key]), headers={"Range": "bytes=99999999-"}
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{attachment.file.size}"


def test_R36_a_range_is_checked_as_the_whole_file_is(teacher, school_class, other_class) -> None:
    post = photo_post(teacher, school_class)
    process(post)
    key = post.attachments.get().key
    outsider = ParentLinkFactory(pupil__school_class=other_class).parent
    for client in (client_for(outsider), Client()):
        response = client.get(reverse("stories_media", args=[key]), headers={"Range": "bytes=0-9"})
        assert response.status_code in (302, 404)
        assert "Content-Range" not in response
