"""The photo viewer and the albums: a photo with its post, its neighbours and a way back; a
class's photos by month and a child's own album; downloads only where the school allows; every
album following consent at once (R8, R11–R13, R15), at a fixed number of queries."""

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

from accounts.models import User
from classes.models import Pupil, SchoolClass
from classes.selectors import school_get
from consent.models import MediaStatus, PupilConsent
from stories.models import Audience, Post
from stories.services.media import attachment_process
from stories.services.posts import post_create
from stories.views.media import DOWNLOAD_NOT_ALLOWED
from tests.conftest import client_for
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

from .conftest import class_post, photo, set_consent

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def processed(post: Post) -> Post:
    for attachment in post.attachments.all():
        attachment_process(attachment.pk)
    return post


def keys(post: Post) -> list:
    return list(post.attachments.order_by("position").values_list("key", flat=True))


def viewer_url(post: Post, key) -> str:
    return reverse("stories_photo", args=[post.pk, key])


@pytest.fixture
def maya(parent_with_child) -> Pupil:
    set_consent(parent_with_child[1])
    return parent_with_child[1]


@pytest.fixture
def parent(parent_with_child) -> User:
    return parent_with_child[0]


@pytest.fixture
def trip(teacher, school_class, maya) -> Post:
    return processed(
        class_post(
            teacher,
            school_class,
            body="Our trip to the farm",
            uploads=[photo("a.jpg"), photo("b.jpg"), photo("c.jpg")],
            tagged_ids=[maya.pk],
        )
    )


# The viewer


def test_the_viewer_shows_the_post_its_author_and_the_way_back(trip, teacher, parent) -> None:
    first = keys(trip)[0]
    html = get(client_for(parent), viewer_url(trip, first))
    text = words(html)
    assert "Our trip to the farm" in text and teacher.display_name in text
    assert "Photo 1 of 3" in text
    assert f'src="{reverse("stories_media", args=[first])}"' in html
    assert reverse("stories_post", args=[trip.pk]) in html and "Back to the post" in text


def test_the_viewer_moves_between_a_posts_photos_with_links(trip, parent) -> None:
    a, b, c = keys(trip)
    client = client_for(parent)
    first = get(client, viewer_url(trip, a))
    assert 'rel="next"' in first and viewer_url(trip, b) in first
    assert 'rel="prev"' not in first
    middle = get(client, viewer_url(trip, b))
    assert viewer_url(trip, a) in middle and viewer_url(trip, c) in middle
    last = get(client, viewer_url(trip, c))
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "Photo 3 of 3" in words(last)
    # the keys and the swipes come from a file of the portal's own, not an inline script
    assert re.search(r'<script src="/static/js/photo-viewer[^"]*\.js"', last)
    assert "<script>" not in last


def test_the_feed_opens_a_photo_in_the_viewer(trip, parent) -> None:
    html = get(client_for(parent), reverse("stories_feed"))
    assert f'href="{viewer_url(trip, keys(trip)[0])}"' in html


def test_R15_another_classs_photo_or_a_key_of_another_post_is_404(trip, teacher) -> None:
    ash = SchoolClassFactory(name="Ash")
    stranger = ParentLinkFactory(pupil=PupilFactory(school_class=ash)).parent
    get(client_for(stranger), viewer_url(trip, keys(trip)[0]), 404)
    other = processed(
        class_post(teacher, trip.school_class, uploads=[photo()], no_child_appears=True)
    )
    get(client_for(teacher), viewer_url(trip, keys(other)[0]), 404)
    get(client_for(teacher), viewer_url(trip, "00000000-0000-0000-0000-000000000000"), 404)


def test_R8_a_photo_still_processing_has_no_viewer(teacher, school_class, parent) -> None:
    post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    get(client_for(parent), viewer_url(post, keys(post)[0]), 404)


def test_R13_a_hidden_posts_photo_has_no_viewer_for_families(trip, parent, maya) -> None:
    set_consent(maya, status=MediaStatus.WITHDRAWN)
    get(client_for(parent), viewer_url(trip, keys(trip)[0]), 404)


# Downloads: staff by default, parents where the school allows


def test_staff_may_download_and_parents_may_not_by_default(trip, teacher, parent) -> None:
    key = keys(trip)[0]
    download = reverse("stories_download", args=[key])
    assert download in get(client_for(teacher), viewer_url(trip, key))
    response = client_for(teacher).get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")

    parent_client = client_for(parent)
    assert download not in get(parent_client, viewer_url(trip, key))
    refused = get(parent_client, download, 403)
    assert str(DOWNLOAD_NOT_ALLOWED) in refused
    # viewing stays as it was
    assert parent_client.get(reverse("stories_media", args=[key]))[
        "Content-Disposition"
    ].startswith("inline;")


def test_a_school_that_allows_it_lets_parents_download(trip, parent) -> None:
    school = school_get()
    school.parents_may_download_media = True
    school.save()
    key = keys(trip)[0]
    client = client_for(parent)
    assert reverse("stories_download", args=[key]) in get(client, viewer_url(trip, key))
    assert client.get(reverse("stories_download", args=[key])).status_code == 200


def test_R8_a_download_is_only_of_a_post_the_viewer_may_see(trip) -> None:
    outsider = assign_teacher(TeacherFactory(), SchoolClassFactory())
    get(client_for(outsider), reverse("stories_download", args=[keys(trip)[0]]), 404)


# Albums


def test_a_class_album_has_its_photos_by_month(teacher, school_class, maya, parent) -> None:
    october = processed(
        class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    )
    Post.objects.filter(pk=october.pk).update(published_at=timezone.now() - dt.timedelta(days=40))
    december = processed(
        class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    )
    class_post(teacher, school_class, body="No photo here")

    html = get(client_for(parent), reverse("stories_class_album", args=[school_class.pk]))

    text = words(html)
    assert text.index("December 2026") < text.index("October 2026")
    assert "November 2026" not in text
    assert viewer_url(december, keys(december)[0]) in html
    assert viewer_url(october, keys(october)[0]) in html
    assert len(re.findall(r'<a href="/stories/\d+/photo/', html)) == 2


def test_a_childs_album_has_the_photos_that_tag_them_and_their_own_story(
    teacher, school_class, maya, parent
) -> None:
    zofia = PupilFactory(first_name="Zofia", school_class=school_class)
    set_consent(zofia)
    tagged = processed(class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk]))
    not_her = processed(
        class_post(teacher, school_class, uploads=[photo()], tagged_ids=[zofia.pk])
    )
    own = processed(
        post_create(
            acting_user=teacher,
            audience=Audience.STUDENT,
            pupil=maya,
            body="Her painting",
            uploads=[photo()],
            no_child_appears=True,
        )
    )

    html = get(client_for(parent), reverse("stories_child_album", args=[maya.pk]))

    assert "Maya's album" in words(html)
    assert viewer_url(tagged, keys(tagged)[0]) in html
    assert viewer_url(own, keys(own)[0]) in html
    assert viewer_url(not_her, keys(not_her)[0]) not in html
    assert reverse("stories_class_album", args=[school_class.pk]) in html


def test_R15_an_album_of_another_family_or_class_is_404(maya, school_class) -> None:
    stranger = ParentLinkFactory(pupil=PupilFactory(school_class=SchoolClassFactory())).parent
    client = client_for(stranger)
    get(client, reverse("stories_child_album", args=[maya.pk]), 404)
    get(client, reverse("stories_class_album", args=[school_class.pk]), 404)
    get(client_for(OfficeFactory()), reverse("stories_child_album", args=[maya.pk]), 404)
    get(client_for(TeacherFactory()), reverse("stories_class_album", args=[school_class.pk]), 404)
    get(client, reverse("stories_child_album", args=[999999]), 404)


def test_staff_of_the_class_and_leaders_see_its_albums(teacher, school_class, maya) -> None:
    for user in (teacher, LeaderFactory()):
        get(client_for(user), reverse("stories_class_album", args=[school_class.pk]))
        get(client_for(user), reverse("stories_child_album", args=[maya.pk]))


def test_R13_a_withdrawn_photo_is_gone_from_every_album_at_once(
    teacher, school_class, maya, parent
) -> None:
    zofia = PupilFactory(first_name="Zofia", school_class=school_class)
    set_consent(zofia)
    zofia_parent = ParentLinkFactory(pupil=zofia).parent
    both = processed(
        class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk, zofia.pk])
    )
    url = viewer_url(both, keys(both)[0])
    albums = [
        (parent, reverse("stories_class_album", args=[school_class.pk])),
        (parent, reverse("stories_child_album", args=[maya.pk])),
        (zofia_parent, reverse("stories_child_album", args=[zofia.pk])),
        (teacher, reverse("stories_class_album", args=[school_class.pk])),
        (teacher, reverse("stories_child_album", args=[maya.pk])),
    ]
    assert all(url in get(client_for(who), album) for who, album in albums)

    set_consent(zofia, status=MediaStatus.WITHDRAWN)

    for who, album in albums:
        assert url not in get(client_for(who), album), album


def test_R11_an_album_asks_consent_itself_not_only_the_hidden_mark(
    teacher, school_class, maya, parent
) -> None:
    """A looked-after child never appears (R11), whatever marked the post: the album asks the
    consent app's own answer, so a photo is gone even before its post is hidden."""
    post = processed(class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk]))
    PupilConsent.objects.filter(pupil=maya).update(looked_after=True)
    assert Post.objects.get(pk=post.pk).hidden_at is None
    for album in (
        reverse("stories_class_album", args=[school_class.pk]),
        reverse("stories_child_album", args=[maya.pk]),
    ):
        assert viewer_url(post, keys(post)[0]) not in get(client_for(teacher), album)


def test_an_album_continues_on_older_pages_without_repeats(
    teacher, school_class, maya, parent
) -> None:
    from stories.albums import ALBUM_POSTS

    posts = [
        processed(
            class_post(
                teacher, school_class, body=f"Day {n}", uploads=[photo()], no_child_appears=True
            )
        )
        for n in range(ALBUM_POSTS + 2)
    ]
    client = client_for(parent)
    url = reverse("stories_class_album", args=[school_class.pk])
    first = get(client, url)
    after = re.search(r'href="\?after=([^"]+)"', first)
    assert after is not None
    second = get(client, url + "?after=" + after.group(1))
    shown = [p for p in posts if viewer_url(p, keys(p)[0]) in first]
    rest = [p for p in posts if viewer_url(p, keys(p)[0]) in second]
    assert len(shown) == ALBUM_POSTS and len(rest) == 2
    assert not set(shown) & set(rest)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def _photo_posts(teacher: User, school_class: SchoolClass, pupil: Pupil, n: int) -> Post:
    post = None
    for _ in range(n):
        post = processed(
            class_post(teacher, school_class, uploads=[photo(), photo()], tagged_ids=[pupil.pk])
        )
        post_create(
            acting_user=teacher,
            audience=Audience.STUDENT,
            pupil=pupil,
            body="Well done",
            uploads=[photo()],
            no_child_appears=True,
        )
    assert post is not None
    return post


def test_album_and_viewer_pages_are_a_fixed_number_of_queries_at_two_sizes(
    teacher, school_class, maya, parent
) -> None:
    client = client_for(parent)
    post = _photo_posts(teacher, school_class, maya, 1)
    pages = [
        reverse("stories_class_album", args=[school_class.pk]),
        reverse("stories_child_album", args=[maya.pk]),
        viewer_url(post, keys(post)[0]),
    ]
    for url in pages:  # the first view of a post records it as seen
        client.get(url)
    small = [count_queries(client, url) for url in pages]
    post = _photo_posts(teacher, school_class, maya, 12)
    PupilFactory.create_batch(10, school_class=school_class)
    pages[2] = viewer_url(post, keys(post)[1])
    client.get(pages[2])
    large = [count_queries(client, url) for url in pages]
    assert small == large
    # session, account, the class or child, its permission, the posts and their photos; the
    # child's album names the child (one more); the viewer: session, account, the post, its
    # attachments
    assert large == [6, 7, 4], large
