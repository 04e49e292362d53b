"""R28 in a real browser: a parent asks for a copy of their data from their account page, sees
it being made (the page updates itself every 2 seconds, no reload), and downloads a ZIP that
holds their child's post and its photo. Every page passes axe-core, fits 320 px and loads
nothing from another host (R10)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from classes.models import School
from privacy.models import DataExport
from privacy.services.export import deadline_for, export_build
from tests.browser.conftest import RequestLog, check_page, sign_in
from tests.factories import PASSWORD
from tests.privacy.export_world import World, make_family

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    """The photos and the export in this test's own folder (the live server's thread sees the
    same settings)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def family(school: School, django_capture_on_commit_callbacks: Any) -> World:
    return make_family(django_capture_on_commit_callbacks)


def posts_in(download_path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    with zipfile.ZipFile(download_path) as archive:
        posts = json.loads(archive.read("posts.json"))["posts_about_your_children"]
        return posts, archive.namelist()


def test_R28_parent_asks_for_their_data_and_downloads_it(
    page: Page, live_server: Any, request_log: RequestLog, family: World
) -> None:
    assert family.parent.email
    sign_in(page, live_server, family.parent.email, PASSWORD)
    page.get_by_role("link", name="Download my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download my data")
    check_page(page, request_log)

    page.get_by_role("button", name="Make a copy of my data").click()

    expect(page.get_by_text("Your copy is ready.")).to_be_visible()
    check_page(page, request_log)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data (ZIP").click()
    posts, names = posts_in(Path(info.value.path()))
    student = next(p for p in posts if p["id"] == family.student_post.pk)
    assert student["text"] == "Maya read her story to the class."
    assert student["files"] and student["files"][0] in names
    page.get_by_role("link", name="Back to Download my data").click()
    expect(page.get_by_text("Asked for on")).to_be_visible()
    check_page(page, request_log)


def test_R28_the_progress_page_updates_itself_until_the_copy_is_ready(
    page: Page, live_server: Any, request_log: RequestLog, family: World
) -> None:
    # Asked for while the worker is busy: it waits (no task runs until the test builds it).
    today = timezone.localdate()
    export = DataExport.objects.create(
        subject=family.parent,
        requested_by=family.parent,
        requested_on=today,
        deadline=deadline_for(today),
    )
    assert family.parent.email
    sign_in(page, live_server, family.parent.email, PASSWORD)
    page.goto(f"{live_server.url}/privacy/export/{export.key}/")
    expect(page.get_by_text("Waiting to start…")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    check_page(page, request_log)
    url = page.url

    export_build(export.pk)

    expect(page.get_by_text("Your copy is ready.")).to_be_visible(timeout=10_000)
    assert page.url == url  # no reload: htmx swapped the progress in
    expect(page.get_by_role("link", name="Download my data (ZIP")).to_be_visible()
    check_page(page, request_log)
