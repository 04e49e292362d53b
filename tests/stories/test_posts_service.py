"""Writing posts: who may post where (R15), names (R7), media consent (R12), hiding on a
withdrawn consent (R13), scheduling (R29); a refused post leaves no row and no file (R9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from classes.models import Pupil, SchoolClass
from consent.models import MediaStatus
from stories.models import Attachment, AttachmentStatus, Audience, Post
from stories.selectors import feed_page
from stories.services import checks
from stories.services.posts import (
    post_create,
    post_delete,
    post_update,
    posts_hide_for_pupils,
    posts_publish_due,
)
from stories.text import MARKUP, SURNAME, check_no_surnames
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
)

from .conftest import class_post, media_files, photo, set_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils(school_class: SchoolClass) -> tuple[Pupil, Pupil]:
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Okafor")
    amir = PupilFactory(school_class=school_class, first_name="Amir", surname="Khan")
    return maya, amir


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# R15: who may post where


def test_R15_class_staff_post_to_their_class(teacher, school_class) -> None:
    support = assign_support(SupportFactory(), school_class)
    assert class_post(teacher, school_class).published_at is not None
    assert class_post(support, school_class).audience == Audience.CLASS


@pytest.mark.parametrize("make", [TeacherFactory, OfficeFactory, LeaderFactory])
def test_R15_others_cannot_post_to_a_class(make, school_class) -> None:
    with pytest.raises(PermissionDenied):
        class_post(make(), school_class)
    assert not Post.objects.exists()


def test_R15_only_leaders_and_office_post_to_the_school_story(teacher) -> None:
    for author in (LeaderFactory(), OfficeFactory()):
        post = post_create(acting_user=author, audience=Audience.SCHOOL, body="Snow day")
        assert post.school_class is None
    with pytest.raises(PermissionDenied):
        post_create(acting_user=teacher, audience=Audience.SCHOOL, body="Snow day")


def test_R15_student_story_keeps_the_pupils_class(teacher, school_class, pupils) -> None:
    maya, _amir = pupils
    post = post_create(
        acting_user=teacher, audience=Audience.STUDENT, pupil=maya, body="Well done"
    )
    assert (post.pupil, post.school_class) == (maya, school_class)
    other = PupilFactory(school_class=SchoolClassFactory())
    with pytest.raises(PermissionDenied):
        post_create(acting_user=teacher, audience=Audience.STUDENT, pupil=other, body="Hi")


def test_urgent_is_for_the_school_story_only(teacher, school_class) -> None:
    with pytest.raises(ValidationError):
        class_post(teacher, school_class, urgent=True)
    post = post_create(
        acting_user=OfficeFactory(), audience=Audience.SCHOOL, body="Closed", urgent=True
    )
    assert post.urgent


# Text: not empty, no markup, R7 no surnames


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_a_post_with_only_whitespace_is_refused(teacher, school_class, body) -> None:
    with pytest.raises(ValidationError, match="Write something"):
        class_post(teacher, school_class, body=body)
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "body", ["Hello <script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a <!-- b -->"]
)
def test_script_or_markup_in_the_text_is_refused(teacher, school_class, body) -> None:
    with pytest.raises(ValidationError) as error:
        class_post(teacher, school_class, body=body)
    assert str(MARKUP).split(":")[0] in messages_of(error)
    assert not Post.objects.exists()


def test_text_with_less_than_signs_is_fine(teacher, school_class) -> None:
    assert class_post(teacher, school_class, body="We <3 maths: 3 < 5").pk


def test_R7_a_pupils_surname_in_the_text_is_refused_without_the_full_name(
    teacher, school_class, pupils
) -> None:
    with pytest.raises(ValidationError) as error:
        class_post(teacher, school_class, body="Well done maya okafor!")
    text = messages_of(error)
    assert "Okafor" in text and "Maya Okafor" not in text
    assert str(SURNAME).split("“")[0] in text
    assert not Post.objects.exists()


def test_R7_surnames_of_pupils_outside_the_audience_are_fine(
    teacher, school_class, pupils
) -> None:
    PupilFactory(school_class=SchoolClassFactory(), surname="Brightwater")
    assert class_post(teacher, school_class, body="Brightwater lake trip").pk


def test_R7_a_surname_that_is_also_a_first_name_in_the_class_is_fine(
    teacher, school_class
) -> None:
    PupilFactory(school_class=school_class, first_name="Thomas", surname="Reed")
    PupilFactory(school_class=school_class, first_name="Ella", surname="Thomas")
    assert class_post(teacher, school_class, body="Thomas read aloud").pk
    with pytest.raises(ValidationError, match="Reed"):
        class_post(teacher, school_class, body="Thomas Reed read aloud")


def test_R7_a_surname_that_is_an_everyday_word_is_refused_only_as_a_name(
    teacher, school_class
) -> None:
    PupilFactory(school_class=school_class, first_name="Harry", surname="Day")
    PupilFactory(school_class=school_class, first_name="Ella", surname="Rose-Hill")
    fine = "Sports Day was a great day: a rose for every child who ran up the hill!"
    assert class_post(teacher, school_class, body=fine).pk
    for body, word in (
        ("Well done Harry Day!", "Day"),
        ("well done harry  day", "Day"),
        ("Ella Hill read aloud", "Hill"),
        ("thank you ella rose-hill", "Rose-Hill"),
    ):
        with pytest.raises(ValidationError) as error:
            class_post(teacher, school_class, body=body)
        assert f"“{word}”" in messages_of(error)
    assert Post.objects.count() == 1


def test_R7_an_everyday_surname_without_a_known_first_name_never_matches_everything() -> None:
    check_no_surnames("What a great day", pupils=[("", "Day")])
    with pytest.raises(ValidationError, match="Okafor"):
        check_no_surnames("Hello Okafor", pupils=[("", "Okafor")])


def test_R7_school_story_checks_every_pupils_surname() -> None:
    PupilFactory(school_class=SchoolClassFactory(), first_name="Zoe", surname="Fairbairn")
    with pytest.raises(ValidationError, match="Fairbairn"):
        post_create(
            acting_user=OfficeFactory(), audience=Audience.SCHOOL, body="Zoe Fairbairn won"
        )


# R12: media consent at posting time


def test_R12_media_must_tag_pupils_or_say_no_child_appears(teacher, school_class) -> None:
    with pytest.raises(ValidationError) as error:
        class_post(teacher, school_class, uploads=[photo()])
    assert str(checks.TAG_OR_NO_CHILD) in messages_of(error)
    assert not Post.objects.exists() and not media_files()
    post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    assert post.no_child_appears and post.attachments.count() == 1


def test_R12_tagging_a_pupil_without_consent_is_refused_by_display_name(
    teacher, school_class, pupils
) -> None:
    maya, amir = pupils
    set_consent(maya)
    set_consent(amir, status=MediaStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk, amir.pk])
    text = messages_of(error)
    assert "Amir (consent withdrawn)" in text
    assert "Maya" not in text and "Khan" not in text
    assert not Post.objects.exists() and not Attachment.objects.exists() and not media_files()


def test_R12_no_record_and_looked_after_mean_no_consent(teacher, school_class, pupils) -> None:
    maya, _amir = pupils  # no consent record for either
    with pytest.raises(ValidationError, match="no consent form"):
        class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])


def test_R12_tagged_pupils_with_consent_are_posted(teacher, school_class, pupils) -> None:
    maya, amir = pupils
    set_consent(maya, amir)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk, amir.pk])
    assert set(post.tagged.all()) == {maya, amir}


def test_R12_tags_and_no_child_appears_together_are_refused(teacher, school_class, pupils) -> None:
    set_consent(*pupils)
    with pytest.raises(ValidationError, match="choose one"):
        class_post(
            teacher,
            school_class,
            uploads=[photo()],
            tagged_ids=[pupils[0].pk],
            no_child_appears=True,
        )


def test_R12_pupils_of_another_class_cannot_be_tagged(teacher, school_class) -> None:
    stranger = PupilFactory(school_class=SchoolClassFactory())
    set_consent(stranger)
    with pytest.raises(ValidationError, match="Only pupils this post goes to"):
        class_post(teacher, school_class, uploads=[photo()], tagged_ids=[stranger.pk])


def test_R12_student_story_media_needs_that_pupils_consent(teacher, pupils) -> None:
    maya, _amir = pupils
    with pytest.raises(ValidationError, match="Maya may not appear"):
        post_create(
            acting_user=teacher,
            audience=Audience.STUDENT,
            pupil=maya,
            body="Her painting",
            uploads=[photo()],
            no_child_appears=True,
        )
    set_consent(maya)
    post = post_create(
        acting_user=teacher,
        audience=Audience.STUDENT,
        pupil=maya,
        body="Her painting",
        uploads=[photo()],
        no_child_appears=True,
    )
    assert post.attachments.count() == 1


def test_R12_text_only_posts_need_no_tags(teacher, school_class, pupils) -> None:
    post = class_post(teacher, school_class, tagged_ids=[pupils[0].pk])
    assert not post.tagged.exists()


# R9: photos are re-encoded by the worker; refused uploads leave nothing


def test_R9_photo_waits_for_the_worker_then_is_re_encoded(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = class_post(
            teacher, school_class, uploads=[photo(size=(3000, 1000))], no_child_appears=True
        )
    attachment = post.attachments.get()
    assert attachment.status == AttachmentStatus.READY
    assert not attachment.pending.name
    assert (attachment.width, attachment.height) == (2048, 683)
    with attachment.file.open("rb") as file:
        image = Image.open(file)
        assert image.format == "WEBP" and not image.getexif()
    assert len(media_files()) == 2  # display size and thumbnail; the upload itself is gone


def test_R9_a_photo_is_processing_until_the_worker_has_run(teacher, school_class) -> None:
    post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    assert post.attachments.get().status == AttachmentStatus.PROCESSING


def test_R9_a_refused_file_among_good_ones_leaves_nothing(teacher, school_class) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("cat.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError, match=r"cat\.png"):
        class_post(teacher, school_class, uploads=[photo(), fake], no_child_appears=True)
    assert not Post.objects.exists() and not media_files()


def test_fifty_attachments_at_once_are_refused(teacher, school_class) -> None:
    with pytest.raises(ValidationError, match="at most 10"):
        class_post(
            teacher,
            school_class,
            uploads=[photo(f"{n}.jpg") for n in range(50)],
            no_child_appears=True,
        )
    assert not Post.objects.exists() and not media_files()


# R13: consent withdrawn hides posts at once


def test_R13_withdrawal_hides_every_post_tagging_the_pupil_from_families(
    teacher, school_class, pupils
) -> None:
    maya, amir = pupils
    set_consent(maya, amir)
    parent = ParentLinkFactory(pupil=amir).parent
    tagged = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    other = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[amir.pk])
    text_only = class_post(teacher, school_class, body="Maya read to the class")
    set_consent(maya, status=MediaStatus.WITHDRAWN)
    tagged.refresh_from_db()
    assert tagged.hidden_at is not None
    shown = [row.post.pk for row in feed_page(parent).posts]
    assert tagged.pk not in shown and {other.pk, text_only.pk} <= set(shown)
    assert tagged.pk in [r.post.pk for r in feed_page(teacher).posts]  # the author still sees it


def test_R13_hiding_is_atomic_with_the_consent_change(teacher, school_class, pupils) -> None:
    maya, _amir = pupils
    set_consent(maya)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk])
    assert posts_hide_for_pupils({maya.pk}) == 1
    assert posts_hide_for_pupils({maya.pk}) == 0  # already hidden: nothing twice
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_R13_editing_out_the_pupil_shows_the_post_again(teacher, school_class, pupils) -> None:
    maya, amir = pupils
    set_consent(maya, amir)
    post = class_post(teacher, school_class, uploads=[photo()], tagged_ids=[maya.pk, amir.pk])
    set_consent(maya, status=MediaStatus.WITHDRAWN)
    with pytest.raises(ValidationError, match="Maya"):
        post_update(
            acting_user=teacher,
            post=post,
            body=post.body,
            tagged_ids=[maya.pk, amir.pk],
            no_child_appears=False,
        )
    key = post.attachments.get().key
    post = post_update(
        acting_user=teacher,
        post=post,
        body=post.body,
        tagged_ids=[],
        no_child_appears=False,
        remove_keys=[key],
    )
    assert post.hidden_at is None and not post.attachments.exists()


def test_only_the_author_edits_or_deletes(teacher, school_class) -> None:
    post = class_post(teacher, school_class)
    colleague = assign_teacher(TeacherFactory(), school_class)
    with pytest.raises(PermissionDenied):
        post_update(
            acting_user=colleague, post=post, body="Changed", tagged_ids=[], no_child_appears=False
        )
    with pytest.raises(PermissionDenied):
        post_delete(acting_user=colleague, post=post)
    assert Post.objects.get().body == "Great day!"


def test_deleting_a_post_removes_its_files(
    teacher, school_class, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = class_post(teacher, school_class, uploads=[photo()], no_child_appears=True)
    assert media_files()
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(acting_user=teacher, post=post)
    assert not Post.objects.exists() and not media_files()


# R29: scheduled posts


def test_R29_a_scheduled_post_appears_only_when_the_scheduler_publishes_it(
    teacher, school_class, parent_with_child
) -> None:
    parent, _child = parent_with_child
    later = timezone.now() + dt.timedelta(hours=2)
    post = class_post(teacher, school_class, publish_at=later)
    assert post.published_at is None
    assert feed_page(parent).posts == []
    assert posts_publish_due(now=later - dt.timedelta(minutes=1)) == []
    assert posts_publish_due(now=later) == [post.pk]
    assert posts_publish_due(now=later) == []  # once
    assert [row.post.pk for row in feed_page(parent).posts] == [post.pk]


def test_R29_a_post_cannot_be_scheduled_more_than_a_year_ahead(teacher, school_class) -> None:
    with pytest.raises(ValidationError, match="a year ahead"):
        class_post(teacher, school_class, publish_at=timezone.now() + dt.timedelta(days=400))
