"""Writing, editing and deleting posts through the pages, bad input included: every refusal is
a clear message beside its field, and leaves no row and no file (R7, R9, R12, R15, R29)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from classes.models import Pupil, SchoolClass
from classes.selectors import school_get
from consent.models import MediaStatus
from stories.models import Attachment, Audience, Post
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

from .conftest import class_post, jpeg_bytes, media_files, photo, set_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")


@pytest.fixture
def amir(school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")


def compose(client, school_class: SchoolClass, **data):
    return client.post(reverse("stories_new_class", args=[school_class.pk]), data)


def nothing_saved() -> bool:
    return not Post.objects.exists() and not Attachment.objects.exists() and not media_files()


def test_R15_the_compose_page_lists_the_class_with_consent_marks(
    teacher, school_class, maya, amir
) -> None:
    set_consent(maya)
    html = client_for(teacher).get(reverse("stories_new_class", args=[school_class.pk])).content
    text = html.decode()
    assert "Maya" in text and "Amir – no consent form" in text
    assert "Okafor" not in text and "Khan" not in text  # R6: display names only
    assert "Student Story: Maya" in text


@pytest.mark.parametrize("make", [TeacherFactory, OfficeFactory])
def test_R15_compose_page_of_another_class_is_404(make, school_class) -> None:
    url = reverse("stories_new_class", args=[school_class.pk])
    client = client_for(make())
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Hello"}).status_code == 404
    assert nothing_saved()


def test_R15_school_compose_is_for_leaders_and_office_only(teacher) -> None:
    url = reverse("stories_new_school")
    assert client_for(teacher).get(url).status_code == 404
    response = client_for(LeaderFactory()).post(url, {"body": "Harvest festival", "urgent": "on"})
    assert response.status_code == 302
    assert Post.objects.get().urgent


def test_a_teacher_posts_a_photo_tagging_pupils_with_consent(
    teacher, school_class, maya, amir
) -> None:
    set_consent(maya, amir)
    response = compose(
        client_for(teacher),
        school_class,
        body="Pond dipping!",
        attachments=[photo()],
        tagged=[maya.pk, amir.pk],
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.audience, post.body, post.attachments.count()) == (
        Audience.CLASS,
        "Pond dipping!",
        1,
    )
    assert set(post.tagged.all()) == {maya, amir}


def test_R12_a_pupil_without_consent_is_named_and_nothing_is_saved(
    teacher, school_class, maya, amir
) -> None:
    set_consent(maya)
    set_consent(amir, status=MediaStatus.REFUSED)
    response = compose(
        client_for(teacher),
        school_class,
        body="Trip",
        attachments=[photo()],
        tagged=[maya.pk, amir.pk],
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Amir (consent refused)" in html and "The post was not saved" in html
    assert nothing_saved()


def test_R12_a_student_story_post_goes_to_the_pupil(teacher, school_class, maya) -> None:
    set_consent(maya)
    response = compose(
        client_for(teacher),
        school_class,
        **{
            "to-about": maya.pk,
            "body": "Her painting",
            "attachments": [photo()],
            "tagged": [maya.pk],
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.audience, post.pupil) == (Audience.STUDENT, maya)


def test_a_student_story_about_a_pupil_of_another_class_is_refused(teacher, school_class) -> None:
    stranger = PupilFactory(school_class=SchoolClassFactory())
    response = compose(
        client_for(teacher), school_class, **{"to-about": stranger.pk, "body": "Hi"}
    )
    assert response.status_code == 400 and nothing_saved()


def test_R7_a_surname_is_refused_on_the_page(teacher, school_class, maya) -> None:
    response = compose(client_for(teacher), school_class, body="Maya Okafor sang")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "“Okafor”, the surname of a pupil" in html and "Maya Okafor" in html
    )  # the typed text is kept
    assert nothing_saved()


def _upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    return out.getvalue()


def _tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "TIFF")
    return out.getvalue()


BAD_FILES = {
    "html_as_png": (
        _upload("cat.png", b"<!doctype html><script>alert(1)</script>", "image/png"),
        "is not a photo",
    ),
    "tiff_as_jpg": (_upload("scan.jpg", _tiff()), "format we cannot accept"),
    "eps_as_jpg": (
        _upload("logo.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
        "cannot accept",
    ),
    "truncated_jpeg": (_upload("cut.jpg", jpeg_bytes((400, 300))[:600]), "damaged or incomplete"),
    "zero_bytes": (_upload("empty.jpg", b""), "is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_R9_bad_files_are_refused_with_a_clear_message_and_leave_nothing(
    case, teacher, school_class
) -> None:
    upload, message = BAD_FILES[case]
    response = compose(
        client_for(teacher), school_class, body="Look", attachments=[upload], no_child_appears="on"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_saved()


def test_R9_a_decompression_bomb_is_refused(teacher, school_class) -> None:
    bomb = _upload("bomb.png", _png_bomb(), "image/png")
    response = compose(
        client_for(teacher), school_class, body="Look", attachments=[bomb], no_child_appears="on"
    )
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert nothing_saved()


def test_R9_an_over_size_upload_is_refused(teacher, school_class, settings) -> None:
    settings.STORIES_MAX_PHOTO_BYTES = 1000
    response = compose(
        client_for(teacher),
        school_class,
        body="Look",
        attachments=[photo(size=(600, 400))],
        no_child_appears="on",
    )
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert nothing_saved()


def test_fifty_attachments_at_once_are_refused(teacher, school_class) -> None:
    files = [photo(f"p{n}.jpg", size=(8, 8)) for n in range(50)]
    response = compose(
        client_for(teacher),
        school_class,
        body="All of them",
        attachments=files,
        no_child_appears="on",
    )
    assert response.status_code == 400
    assert "at most 10 attachments" in response.content.decode()
    assert nothing_saved()


@pytest.mark.parametrize("body", ["   ", "<script>alert('x')</script>"])
def test_whitespace_or_script_posts_are_refused(body, teacher, school_class) -> None:
    response = compose(client_for(teacher), school_class, body=body)
    assert response.status_code == 400 and nothing_saved()


def test_R29_a_post_scheduled_on_the_page_shows_when_it_will_be_published(
    teacher, school_class
) -> None:
    tz = school_get().tz
    when = (timezone.now() + dt.timedelta(days=2)).astimezone(tz).replace(second=0, microsecond=0)
    client = client_for(teacher)
    response = compose(
        client, school_class, body="PE tomorrow", publish_at=when.strftime("%Y-%m-%dT%H:%M")
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.published_at is None and post.publish_at == when
    feed = client.get(response["Location"]).content.decode()
    assert "Scheduled: it will be published on" in feed and "PE tomorrow" in feed


def test_a_badly_typed_schedule_is_refused(teacher, school_class) -> None:
    response = compose(client_for(teacher), school_class, body="PE", publish_at="next tuesday")
    assert response.status_code == 400 and "for example" in response.content.decode()
    assert nothing_saved()


def test_the_author_edits_and_deletes_others_get_403(teacher, school_class) -> None:
    post = class_post(teacher, school_class, body="Typo heer")
    colleague = client_for(assign_teacher(TeacherFactory(), school_class))
    edit_url = reverse("stories_edit", args=[post.pk])
    assert colleague.get(edit_url).status_code == 403
    assert colleague.post(reverse("stories_delete", args=[post.pk])).status_code == 403
    parent = ParentLinkFactory(pupil=PupilFactory(school_class=school_class)).parent
    assert client_for(parent).get(edit_url).status_code == 403
    client = client_for(teacher)
    response = client.post(edit_url, {"body": "Typo here"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Typo here" and post.edited_at is not None
    assert client.post(reverse("stories_delete", args=[post.pk])).status_code == 302
    assert not Post.objects.exists()


def test_edit_of_another_classs_post_is_404(teacher, school_class) -> None:
    other = SchoolClassFactory()
    author = assign_teacher(TeacherFactory(), other)
    post = class_post(author, other)
    assert client_for(teacher).get(reverse("stories_edit", args=[post.pk])).status_code == 404


def test_html_escaping_of_post_text(teacher, school_class, parent_with_child) -> None:
    parent, _child = parent_with_child
    class_post(teacher, school_class, body="Visit https://example.org/trip & see\nline two")
    html = client_for(parent).get(reverse("stories_feed")).content.decode()
    assert '<a href="https://example.org/trip" rel="nofollow noopener noreferrer">' in html
    assert "&amp; see<br>line two" in html


def test_files_beyond_the_request_limit_are_never_stored_and_the_page_says_so(
    teacher, school_class, settings
) -> None:
    settings.MAX_UPLOAD_BYTES = 2000
    big = SimpleUploadedFile("big.jpg", jpeg_bytes((300, 300)) + b"\0" * 5000)
    response = compose(
        client_for(teacher), school_class, body="Look", attachments=[big], no_child_appears="on"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "too large to receive" in html and "Look" in html  # the text typed is kept
    assert nothing_saved()
