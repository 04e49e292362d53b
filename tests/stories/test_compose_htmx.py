"""The composer sends with htmx so that a refused post keeps the files chosen (R12): a refusal
comes back as a page htmx swaps in (200, the reasons, the file box marked to be kept), and a
post made sends htmx to the feed with its message waiting there."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from classes.models import Pupil, SchoolClass
from stories.models import Post
from tests.conftest import client_for
from tests.factories import PupilFactory

from .conftest import photo, set_consent

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def compose(client, school_class: SchoolClass, **data):
    url = reverse("stories_new_class", args=[school_class.pk])
    return client.post(url, data, headers=HTMX)


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")
    set_consent(pupil)
    return pupil


def test_R12_a_post_refused_for_consent_comes_back_for_htmx_with_the_file_box_kept(
    school, teacher, school_class: SchoolClass, maya: Pupil
) -> None:
    zofia = PupilFactory(school_class=school_class, first_name="Zofia", surname="Nowak")

    response = compose(
        client_for(teacher),
        school_class,
        body="Pond dipping.",
        attachments=[photo()],
        tagged=[maya.pk, zofia.pk],
    )

    page = response.content.decode()
    assert response.status_code == 200  # htmx swaps in only a success
    assert "The post was not saved:" in page and "Zofia (no consent form)" in page
    assert 'type="file"' in page and 'hx-preserve="true"' in page
    assert not Post.objects.exists()


def test_a_refusal_without_htmx_is_still_a_400(
    school, teacher, school_class: SchoolClass, maya: Pupil
) -> None:
    url = reverse("stories_new_class", args=[school_class.pk])
    response = client_for(teacher).post(url, {"body": "", "tagged": [maya.pk]})

    assert response.status_code == 400


def test_a_post_made_with_htmx_sends_it_to_the_feed_with_the_message_waiting(
    school, teacher, school_class: SchoolClass, maya: Pupil
) -> None:
    client = client_for(teacher)

    response = compose(
        client, school_class, body="Pond dipping.", attachments=[photo()], tagged=[maya.pk]
    )

    feed = f"{reverse('stories_feed')}?class={school_class.pk}"
    assert response.status_code == 200 and response["HX-Redirect"] == feed
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Posted."]
    assert Post.objects.get().attachments.count() == 1
