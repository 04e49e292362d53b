"""Stories in a real browser: posting a photo with the consent check (R12), reading a post in
the parent's language (R17), likes without a reload (R16), and nothing of another class (R8,
R15). Every page visited passes axe-core, fits 320 px and loads nothing from elsewhere (R10)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import FilePayload, Locator, Page, expect

from accounts.languages import machine_translated_label
from accounts.models import User
from classes.models import Pupil, School, SchoolClass
from stories.models import Attachment, Audience, Like, Post
from stories.services.posts import post_create
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import (
    PASSWORD,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)
from tests.requirements import require_or_skip
from tests.stories.conftest import jpeg_bytes, set_consent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TRIP = "The children enjoyed the school trip."
# Large enough that the thumbnail (640 px wide) is what a 360 px phone picks from the srcset.
PHOTO_SIZE = (1200, 800)
THUMB_URL = re.compile(r"/stories/media/[0-9a-f-]{36}/thumb/$")
# How long a journey waits for the worker to re-encode a photo before it fails.
PROCESSING_RELOADS = 10


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    """Each test's photos in its own folder (the live server's thread sees the same settings)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def photo_payload(name: str = "trip.jpg") -> FilePayload:
    """A generated photo for the file input, as a phone would pick it."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(PHOTO_SIZE)}


def photo_post(author: User, school_class: SchoolClass, body: str, tagged: list[Pupil]) -> Post:
    """A Class Story post with one photo, made as the compose page would make it."""
    upload = SimpleUploadedFile("trip.jpg", jpeg_bytes(PHOTO_SIZE), content_type="image/jpeg")
    return post_create(
        acting_user=author,
        audience=Audience.CLASS,
        school_class=school_class,
        body=body,
        uploads=[upload],
        tagged_ids=[pupil.pk for pupil in tagged],
    )


def oak_with_teacher() -> tuple[SchoolClass, User]:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    return oak, teacher


def assert_photo_shown(page: Page, post: Locator) -> None:
    """The post shows its photo, loaded from its protected thumbnail URL (R8). While the worker
    is still re-encoding it the page says so; reloading shows the photo once it is done."""
    image = post.locator(".post-media img")
    for _attempt in range(PROCESSING_RELOADS):
        if image.count():
            break
        expect(post.get_by_role("status")).to_have_text("Photo processing…")
        page.wait_for_timeout(300)
        page.reload()
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    expect(image).to_have_attribute("src", THUMB_URL)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert THUMB_URL.search(image.evaluate("img => img.currentSrc"))


def mark_page(page: Page) -> None:
    """Put a marker on the window: it survives only while the page is not loaded again."""
    page.evaluate("window.notReloaded = true")


def assert_same_page(page: Page, url: str) -> None:
    """No navigation happened since ``mark_page``: same URL, same document."""
    assert page.url == url, f"the page navigated to {page.url}"
    assert page.evaluate("window.notReloaded === true"), "the page was loaded again"


def test_R12_teacher_is_refused_for_a_pupil_without_consent_then_posts_the_photo(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher = oak_with_teacher()
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    PupilFactory.create(school_class=oak, first_name="Amir", surname="Khanzada")  # no form
    set_consent(maya)

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.get_by_role("link", name="Stories", exact=True).click()
    page.get_by_role("link", name="Post to Oak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New post – Oak")
    page.get_by_label("Text").fill("Pond dipping at the nature reserve.")
    page.get_by_label("Photos, recordings or work samples").set_input_files(photo_payload())
    page.get_by_label("Maya", exact=True).check()
    page.get_by_label("Amir – no consent form").check()
    page.get_by_role("button", name="Post").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The post was not saved:")
    expect(summary).to_contain_text("Amir (no consent form)")
    expect(page.locator("body")).not_to_contain_text("Khanzada")
    assert not Post.objects.exists()
    check_page(page, request_log)

    # The text and ticks are kept; a browser never keeps a chosen file, so it is chosen again.
    expect(page.get_by_label("Text")).to_have_value("Pond dipping at the nature reserve.")
    page.get_by_label("Amir – no consent form").uncheck()
    page.get_by_label("Photos, recordings or work samples").set_input_files(photo_payload())
    page.get_by_role("button", name="Post").click()

    expect(page).to_have_url(f"{live_server.url}/stories/?class={oak.pk}")
    expect(page.get_by_role("status").first).to_have_text("Posted.")
    post = page.get_by_role("article", name="Oak")
    expect(post).to_contain_text("Pond dipping at the nature reserve.")
    assert_photo_shown(page, post)
    saved = Post.objects.get()
    assert list(saved.tagged.all()) == [maya]
    check_page(page, request_log)


def test_R29_teacher_sets_a_weekly_reminder_opens_a_post_and_deletes_it(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, teacher = oak_with_teacher()
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    set_consent(maya)
    post = photo_post(teacher, oak, TRIP, tagged=[maya])

    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.goto(f"{live_server.url}/stories/?class={oak.pk}")
    page.get_by_role("link", name="Weekly reminders of this class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly reminders – Oak")
    page.get_by_label("Text").fill("PE kit tomorrow, please.")
    page.get_by_label("Day").select_option(label="Tuesday")
    page.get_by_label("Time").fill("15:30")
    page.get_by_role("button", name="Set the reminder").click()
    expect(page.get_by_role("status")).to_have_text(
        "The reminder is set: it will be posted every week."
    )
    expect(page.locator(".card")).to_contain_text("Tuesday 15:30")
    check_page(page, request_log)

    page.goto(f"{live_server.url}/stories/{post.pk}/")
    article = page.get_by_role("article", name="Oak")
    expect(article).to_contain_text(TRIP)
    assert_photo_shown(page, article)
    check_page(page, request_log)

    article.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this post?")
    check_page(page, request_log)
    page.get_by_role("button", name="Delete the post").click()

    expect(page).to_have_url(f"{live_server.url}/stories/")
    expect(page.get_by_role("status")).to_have_text("The post is deleted.")
    expect(page.get_by_role("main")).to_contain_text("No posts yet.")
    assert not Post.objects.exists() and not Attachment.objects.exists()


def spanish_parent_of(pupil: Pupil) -> User:
    parent = ParentLinkFactory.create(pupil=pupil).parent
    parent.preferred_language = "es"
    parent.save(update_fields=["preferred_language"])
    return parent


def test_R17_R16_spanish_parent_reads_the_post_translated_and_likes_it_without_a_reload(
    page: Page,
    live_server: Any,
    request_log: RequestLog,
    school: School,
    settings: Any,
) -> None:
    require_or_skip(
        shutil.which("apertium") is not None,
        "Apertium is not installed (apt-get install apertium apertium-eng-spa)",
    )
    settings.TRANSLATION_BACKEND = "apertium"
    oak, teacher = oak_with_teacher()
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    set_consent(maya)
    parent = spanish_parent_of(maya)
    post = photo_post(teacher, oak, TRIP, tagged=[maya])  # translated by the worker on publish

    # The parent reads the portal in Spanish: what they click and see is in Spanish.
    with translation.override("es"):
        stories, show = gettext("Stories"), gettext("Show the original")
        computer = machine_translated_label("en-gb")
        like = pgettext("button: like this post", "Like")
        liked = pgettext("button: you like this post", "Liked")
        one_like = ngettext("%(likes)s like", "%(likes)s likes", 1) % {"likes": 1}
        no_likes = ngettext("%(likes)s like", "%(likes)s likes", 0) % {"likes": 0}
    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    page.get_by_role("link", name=stories, exact=True).click()
    article = page.get_by_role("article", name="Oak")
    text = article.locator(".post-text")
    expect(text).to_contain_text("niños")
    expect(text).to_have_attribute("lang", "es")
    original = article.get_by_text(TRIP)
    expect(original).to_be_hidden()
    expect(article.locator(".translation-label")).to_have_text(computer)
    article.get_by_text(show).click()
    expect(original).to_be_visible()
    assert_photo_shown(page, article)
    check_page(page, request_log)

    # htmx swaps the like in place: no page load, and the keyboard stays on the button.
    feed_url = page.url
    mark_page(page)
    like_box = article.locator(".like")
    like_box.get_by_role("button", name=like, exact=True, pressed=False).click()
    liked_button = like_box.get_by_role("button", name=liked, exact=True, pressed=True)
    expect(liked_button).to_be_focused()
    expect(like_box.locator(".like-count")).to_have_text(one_like)
    assert_same_page(page, feed_url)
    assert Like.objects.filter(post=post, user=parent).count() == 1

    liked_button.click()
    expect(like_box.get_by_role("button", name=like, exact=True, pressed=False)).to_be_focused()
    expect(like_box.locator(".like-count")).to_have_text(no_likes)
    assert_same_page(page, feed_url)
    assert not Like.objects.filter(post=post).exists()
    check_page(page, request_log)


def test_R15_R8_parent_cannot_open_another_class_post_nor_its_photo(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak, oak_teacher = oak_with_teacher()
    elm = SchoolClassFactory.create(name="Elm")
    elm_teacher = assign_teacher(TeacherFactory.create(), elm)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    zofia = PupilFactory.create(school_class=elm, first_name="Zofia", surname="Nettleford")
    set_consent(maya, zofia)
    own = photo_post(oak_teacher, oak, "Our class assembly.", tagged=[maya])
    other = photo_post(elm_teacher, elm, "Elm went to the museum.", tagged=[zofia])
    own_key, other_key = (post.attachments.get().key for post in (own, other))
    parent = ParentLinkFactory.create(pupil=maya).parent

    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    page.get_by_role("link", name="Stories", exact=True).click()
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("main")).to_contain_text("Our class assembly.")
    expect(page.get_by_role("main")).not_to_contain_text("museum")
    check_page(page, request_log)

    # "Not yours" is the same 404 as "missing": one family never learns of another's posts.
    for path in (
        f"/stories/{other.pk}/",
        f"/stories/media/{other_key}/",
        f"/stories/media/{other_key}/thumb/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        expect(page.locator("body")).not_to_contain_text("museum")
    # The same URLs of the parent's own class's post do open: the 404 is about who asks.
    for path in (f"/stories/media/{own_key}/thumb/", f"/stories/{own.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
    expect(page.get_by_role("article", name="Oak")).to_contain_text("Our class assembly.")
    check_page(page, request_log)
