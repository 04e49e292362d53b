"""A parent on a phone (390×844, touch): signed in, the first screen is the news, with a card
per child above it; a photo opens in the viewer with its post, and a swipe or an arrow key
moves to the post's next photo. Every page passes axe-core, fits 320 px and loads nothing from
elsewhere (R10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, Page, ViewportSize, expect

from accounts.models import ParentLink
from classes.models import School
from stories.models import Audience, Post
from stories.services.media import attachment_process
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
from tests.stories.conftest import jpeg_bytes, set_consent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[tuple[Page, RequestLog]]:
    """A touch phone's page, every request recorded."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, locale="en-GB")
    log = RequestLog(urlsplit(live_server.url).netloc)
    page = context.new_page()
    page.on("request", lambda req: log.record(req.url))
    yield page, log
    log.assert_all_local()
    context.close()


def trip_post() -> Post:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(title="Mrs", last_name="Hughes"), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya", surname="Brightwater")
    set_consent(maya)
    ParentLinkFactory.create(pupil=maya)
    uploads = [
        SimpleUploadedFile(name, jpeg_bytes((1200, 800), colour), content_type="image/jpeg")
        for name, colour in (("farm.jpg", "orange"), ("barn.jpg", "green"))
    ]
    post = post_create(
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body="We met the lambs at the farm.",
        uploads=uploads,
        tagged_ids=[maya.pk],
    )
    for attachment in post.attachments.all():
        attachment_process(attachment.pk)
    return post


def swipe(page: Page, *, from_x: int, to_x: int, y: int) -> None:
    """A finger moved sideways across the screen, as the phone's touch screen reports it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": from_x, "y": y}]}
    )
    for step in range(1, 6):
        x = from_x + (to_x - from_x) * step // 5
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_parent_signs_in_to_the_news_opens_a_photo_and_swipes_to_the_next(
    phone: tuple[Page, RequestLog], live_server: Any, school: School
) -> None:
    page, log = phone
    post = trip_post()
    parent = ParentLink.objects.get(pupil__school_class_id=post.school_class_id).parent

    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)

    # the first screen, without scrolling: Maya's card and the news, the post begun
    card = page.locator(".home-card")
    expect(card).to_contain_text("Maya")
    expect(card.get_by_role("link", name="Message Mrs Hughes")).to_be_visible()
    news = page.get_by_role("heading", name="News", exact=True)
    article = page.get_by_role("article", name="Oak")
    expect(article).to_contain_text("We met the lambs at the farm.")
    top = article.bounding_box()
    assert news.bounding_box() and top and top["y"] < PHONE["height"], top
    assert page.evaluate("window.scrollY") == 0
    check_page(page, log)

    article.get_by_role("link", name="Photo 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oak")
    expect(page.get_by_role("main")).to_contain_text("We met the lambs at the farm.")
    expect(page.get_by_role("main")).to_contain_text("Mrs Hughes")
    expect(page.get_by_text("Photo 1 of 2", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Back to the post")).to_be_visible()
    expect(page.get_by_role("link", name="Download this photo")).to_have_count(0)
    image = page.locator(".viewer-figure img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    check_page(page, log)

    box = image.bounding_box()
    assert box
    with page.expect_navigation():
        swipe(page, from_x=330, to_x=60, y=int(box["y"] + box["height"] / 2))
    expect(page.get_by_text("Photo 2 of 2", exact=True)).to_be_visible()
    check_page(page, log)

    # and back with the arrow key, as on a keyboard
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("Photo 1 of 2", exact=True)).to_be_visible()
    page.get_by_role("link", name="Next photo").click()
    expect(page.get_by_text("Photo 2 of 2", exact=True)).to_be_visible()


def test_a_parent_opens_their_childs_album_and_the_class_album(
    phone: tuple[Page, RequestLog], live_server: Any, school: School
) -> None:
    page, log = phone
    post = trip_post()
    parent = ParentLink.objects.get(pupil__school_class_id=post.school_class_id).parent

    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    page.get_by_role("link", name="Maya's album").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya's album")
    expect(page.locator(".album-grid img")).to_have_count(2)
    check_page(page, log)
    page.get_by_role("link", name="Photos of Oak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos of Oak")
    expect(page.locator(".album-grid img")).to_have_count(2)
    check_page(page, log)
    page.locator(".album-grid a").first.click()
    expect(page.get_by_text("Photo 1 of 2", exact=True)).to_be_visible()
