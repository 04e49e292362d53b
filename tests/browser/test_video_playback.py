"""A transcoded video plays in a real browser (R36): Chromium plays the H.264 copy of an
iPhone's HEVC .mov from the post, with its poster, and a byte range of it answers 206 (so a
phone starts it at once and can scrub), only for a viewer who may see the post (R8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from classes.models import School
from stories.models import Attachment, AttachmentStatus, Audience
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
from tests.media import corpus
from tests.stories.conftest import set_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_R36_chromium_plays_the_h264_copy_and_a_range_answers_206(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    teacher = assign_teacher(TeacherFactory.create(), oak)
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    set_consent(maya)
    upload = SimpleUploadedFile("IMG_0042.MOV", corpus.hevc_mov().read_bytes())
    post = post_create(  # committed at once here: the (eager) worker transcodes it then
        acting_user=teacher,
        audience=Audience.CLASS,
        school_class=oak,
        body="Our song in assembly.",
        uploads=[upload],
        tagged_ids=[maya.pk],
    )
    attachment = Attachment.objects.get(post=post)
    assert attachment.status == AttachmentStatus.READY
    parent = ParentLinkFactory.create(pupil=maya).parent

    assert parent.email
    sign_in(page, live_server, parent.email, PASSWORD)
    page.goto(f"{live_server.url}/stories/{post.pk}/")
    video = page.locator(".post-media video")
    expect(video).to_have_count(1)
    check_page(page, request_log)
    assert page.evaluate("""() => document.createElement('video')
        .canPlayType('video/mp4; codecs="avc1.640015, mp4a.40.2"')""")
    played = video.evaluate(
        """async (video) => {
            video.muted = true;
            await video.play();
            await new Promise((done) => setTimeout(done, 600));
            video.pause();
            return [video.videoWidth, video.videoHeight, video.currentTime, video.error];
        }"""
    )
    width, height, position, error = played
    assert (width, height, error) == (160, 120, None) and position > 0

    url = f"/stories/media/{attachment.key}/"
    answers = page.evaluate(
        """async (url) => {
            const part = await fetch(url, {headers: {Range: 'bytes=0-99'}});
            const bytes = (await part.arrayBuffer()).byteLength;
            const past = await fetch(url, {headers: {Range: 'bytes=99999999-'}});
            return [part.status, part.headers.get('Content-Range'), bytes, past.status];
        }""",
        url,
    )
    size = attachment.file.size
    assert answers == [206, f"bytes 0-99/{size}", 100, 416]
    if request_log is not None:
        request_log.assert_all_local()
