"""Files too large for one post are caught in the browser before anything is sent (issue 20):
the form stays with its text, an alert says the size and the limit in the reader's language,
and choosing smaller files lets it through. The page passes axe-core and loads nothing from
elsewhere (R10)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from stories.models import Post
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.browser.test_stories_journeys import mark_page, oak_with_teacher
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 300_000  # bytes, for the test: a real one is 60 MB


def file_of(size: int, name: str) -> Any:
    return {"name": name, "mimeType": "image/jpeg", "buffer": b"\xff" * size}


def test_files_over_the_limit_are_refused_before_sending_and_the_text_stays(
    page: Page, live_server: Any, request_log: RequestLog, school: School, settings: Any
) -> None:
    settings.MAX_UPLOAD_BYTES = LIMIT
    oak, teacher = oak_with_teacher()
    assert teacher.email
    sign_in(page, live_server, teacher.email, PASSWORD)
    page.goto(f"{live_server.url}/stories/new/class/{oak.pk}/")
    page.get_by_label("Text").fill("Our class assembly, all of it.")
    files = page.get_by_label("Photos, recordings or work samples")
    files.set_input_files([file_of(200_000, "one.jpg"), file_of(200_000, "two.jpg")])

    alert = page.locator(".upload-limit-error")
    expect(alert).to_be_visible()
    expect(alert).to_have_text(
        "The files chosen come to 0.4 MB, more than the 293.0 KB that one post or message "
        "can carry. Nothing has been sent and your text is kept: remove some files or choose "
        "smaller ones, then send again."
    )
    url = page.url
    mark_page(page)
    posted: list[str] = []
    page.on(
        "request", lambda request: posted.append(request.url) if request.method == "POST" else None
    )
    page.get_by_role("button", name="Post").click()

    assert page.url == url and page.evaluate("window.notReloaded === true")
    expect(page.get_by_label("Text")).to_have_value("Our class assembly, all of it.")
    assert not Post.objects.exists()
    assert posted == []
    check_page(page, request_log)

    files.set_input_files([file_of(100_000, "one.jpg")])
    expect(alert).to_be_hidden()
