"""The post composer: a post refused for consent keeps the photos chosen, so the teacher only
fixes the tags and posts again (R12); and the list of pupils to tag shows every pupil of a big
class, with no inner scroll box hiding the last ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from stories.models import Post
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.browser.test_stories_journeys import oak_with_teacher, photo_payload
from tests.factories import PASSWORD, PupilFactory
from tests.stories.conftest import set_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_R12_a_post_refused_for_consent_keeps_its_photos_and_shows_every_pupil(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher = oak_with_teacher()
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    set_consent(maya)
    for number in range(30):
        PupilFactory.create(school_class=oak, first_name=f"Pupil{number:02d}", surname="Oakes")
    PupilFactory.create(school_class=oak, first_name="Zofia", surname="Nowakowska")  # no form

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.goto(f"{live_server.url}/stories/new/class/{oak.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New post – Oak")
    tags = page.locator(".tag-list")
    # Every pupil is in the page's own flow: the list does not scroll inside itself.
    assert tags.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    assert tags.evaluate("el => getComputedStyle(el).overflowY") == "visible"
    check_page(page, request_log)

    page.get_by_label("Text").fill("Pond dipping at the nature reserve.")
    files = page.get_by_label("Photos, recordings or work samples")
    files.set_input_files([photo_payload("pond.jpg"), photo_payload("net.jpg")])
    page.get_by_label("Maya", exact=True).check()
    page.get_by_label("Zofia – no consent form").check()
    page.get_by_role("button", name="Post").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Zofia (no consent form)")
    assert not Post.objects.exists()
    # The photos are still chosen: nothing to pick again.
    files = page.get_by_label("Photos, recordings or work samples")
    assert files.evaluate("input => [...input.files].map(f => f.name)") == ["pond.jpg", "net.jpg"]
    check_page(page, request_log)

    page.get_by_label("Zofia – no consent form").uncheck()
    page.get_by_role("button", name="Post").click()

    expect(page).to_have_url(f"{live_server.url}/stories/?class={oak.pk}")
    expect(page.get_by_role("status").first).to_have_text("Posted.")
    post = Post.objects.get()
    assert post.attachments.count() == 2 and list(post.tagged.all()) == [maya]
