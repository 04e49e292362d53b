"""An export holds what its subject may open in the portal (issue 13, item 4; R8, R13, R28).

Seen: a photo tagging Maya and Noor; Noor's consent withdrawn; Maya's parent gets 404 on the
post, but "Download my data" still held the photo. Here every area of the export
(``registry.AREAS``) is walked for each kind of person, against the portal as the same person
opens it: every media file in the ZIP is one they get 200 for, every post about their children
they can open is in it, and the README says, in plain words and only when it happened, that
posts were withheld for consent.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from accounts.models import User
from consent.models import MediaStatus
from consent.services.media import media_consent_record
from messaging.models import MessagePhoto
from messaging.services.messages import message_reply, message_withdraw
from privacy.export import registry
from privacy.export.archive import archive_write
from privacy.export.base import subject_load
from privacy.export.messages import PHOTOS_NOT_SHOWN
from privacy.export.stories import (
    WITHHELD_FOR_ANOTHER_CHILD,
    WITHHELD_FOR_YOUR_CHILD,
    WITHHELD_KEPT,
)
from privacy.services.export import NOT_AN_ADULT, export_request
from stories.models import Attachment, Audience, Post
from stories.services.posts import post_create
from tests.clock import at
from tests.conftest import client_for, pupil_client_for
from tests.factories import ParentLinkFactory, UserFactory

from .export_world import FORM_DATE, World, jpeg, make_family

LONDON = zoneinfo.ZoneInfo("Europe/London")
TUESDAY_1000 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)
TUESDAY_1900 = dt.datetime(2026, 12, 1, 19, 0, tzinfo=LONDON)  # quiet time (R19)


@dataclass
class Hidden(World):
    noor_parent: User
    hidden_post: Post  # tags Maya and Noor; hidden when Noor's consent was withdrawn (R13)


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def frozen(school: Any) -> Iterator[None]:
    with at(TUESDAY_1000):
        yield


@pytest.fixture
def world(frozen: None, django_capture_on_commit_callbacks: Any) -> Hidden:
    """The export family, and: a post tagging Maya and Noor, hidden once Noor's consent is
    withdrawn; a teacher's message with a photo that the teacher withdrew; and, at 19:00, the
    parent's message with a photo, held for the teacher until the morning (R19)."""
    family = make_family(django_capture_on_commit_callbacks)
    noor_parent = ParentLinkFactory(pupil=family.classmate).parent
    with django_capture_on_commit_callbacks(execute=True):
        hidden_post = post_create(
            acting_user=family.teacher,
            audience=Audience.CLASS,
            school_class=family.oak,
            body="Maya and Noor at the pond.",
            uploads=[jpeg("both.jpg", "navy")],
            tagged_ids=[family.maya.pk, family.classmate.pk],
        )
        withdrawn = message_reply(
            acting_user=family.teacher,
            thread=family.message.thread,
            body="Here is the photo from the trip.",
            photos=[jpeg("sent-by-mistake.jpg", "red")],
        )
    message_withdraw(acting_user=family.teacher, message=withdrawn)
    media_consent_record(
        acting_user=family.office,
        pupils=[family.classmate],
        status=MediaStatus.WITHDRAWN,
        form_date=FORM_DATE,
    )
    with (
        at(TUESDAY_1900),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message_reply(
            acting_user=family.parent,
            thread=family.message.thread,
            body="And one more drawing.",
            photos=[jpeg("evening.jpg", "yellow")],
        )
    hidden_post.refresh_from_db()
    assert hidden_post.hidden_at is not None
    return Hidden(**vars(family), noor_parent=noor_parent, hidden_post=hidden_post)


@dataclass(frozen=True)
class Export:
    names: list[str]  # every file of the ZIP
    json: dict[str, Any]  # each JSON file's content, by file name
    readme: str
    media: dict[str, FieldFile]  # each media file of the ZIP, from the area that named it


def export_of(user: User) -> Export:
    """The ZIP of ``user``'s export, and where each of its media files came from."""
    subject = subject_load(user)
    target = io.BytesIO()
    archive_write(subject, target, areas=registry.AREAS)
    media = {
        media.arcname: media.file for area in registry.AREAS for media in area.build(subject).files
    }
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        data = {area.filename: json.loads(archive.read(area.filename)) for area in registry.AREAS}
        readme = archive.read("README.txt").decode()
    return Export(names, data, readme, media)


def portal_url(file: FieldFile) -> str:
    """Where the portal serves this stored file (the only places it serves media, R8)."""
    attachment = Attachment.objects.filter(file=file.name).first()
    if attachment is not None:
        return reverse("stories_media", args=[attachment.key])
    photo = MessagePhoto.objects.get(file=file.name)
    return reverse("messaging_photo", args=[photo.key])


def assert_media_are_what_the_portal_serves(user: User, export: Export) -> None:
    in_zip = [name for name in export.names if name.startswith("media/")]
    assert sorted(in_zip) == sorted(export.media)  # every area's files, and nothing else
    client = client_for(user)
    for name in in_zip:
        response = client.get(portal_url(export.media[name]))
        assert response.status_code == 200, (name, response.status_code)


def about(post: Post, children: set[int]) -> bool:
    tagged = set(post.tagged.values_list("pk", flat=True))
    return bool(tagged & children) or (
        post.audience == Audience.STUDENT and post.pupil_id in children
    )


@pytest.mark.parametrize("who", ["parent", "noor_parent"])
def test_R13_R28_a_familys_export_holds_exactly_the_posts_and_media_it_may_open(
    world: Hidden, who: str
) -> None:
    parent: User = getattr(world, who)
    with at(TUESDAY_1900):
        export = export_of(parent)
        assert_media_are_what_the_portal_serves(parent, export)
        children = set(parent.parent_links.values_list("pupil_id", flat=True))
        rows = export.json["posts.json"]["posts_about_your_children"]
        exported = {row["id"] for row in rows}
        client = client_for(parent)
        for post in Post.objects.all():
            opens = client.get(reverse("stories_post", args=[post.pk])).status_code == 200
            if opens and about(post, children):
                assert post.pk in exported, post.body
            if post.pk in exported:
                assert opens, post.body
    assert world.hidden_post.pk not in exported
    assert "hidden from families" not in json.dumps(export.json)
    hidden_photo = world.hidden_post.attachments.get().file.name
    assert hidden_photo not in {file.name for file in export.media.values()}


def test_R13_the_readme_says_a_post_was_withheld_for_another_childs_consent(
    world: Hidden,
) -> None:
    with at(TUESDAY_1900):
        readme = export_of(world.parent).readme

    hidden = Post.objects.filter(hidden_at__isnull=False).count()
    assert hidden == 2  # both posts tagging Noor: this one and the pond photo
    assert f"- {WITHHELD_FOR_ANOTHER_CHILD % {'count': hidden}}" in readme
    assert str(WITHHELD_KEPT) in readme
    assert "because of a change in your child's photo consent" not in readme
    assert "Noor" not in readme  # the other child is never named


def test_R13_the_readme_of_the_child_whose_consent_changed_says_so(world: Hidden) -> None:
    with at(TUESDAY_1900):
        readme = export_of(world.noor_parent).readme

    assert f"- {WITHHELD_FOR_YOUR_CHILD % {'count': 2}}" in readme
    assert "another child who appears in them" not in readme


def test_R13_no_withheld_line_when_nothing_was_withheld(
    frozen: None, django_capture_on_commit_callbacks: Any
) -> None:
    family = make_family(django_capture_on_commit_callbacks)

    readme = export_of(family.parent).readme

    assert str(WITHHELD_KEPT) not in readme
    assert str(PHOTOS_NOT_SHOWN) not in readme
    assert "not included, with" not in readme


def test_R8_photos_of_a_withdrawn_message_are_left_out_and_the_readme_says_so(
    world: Hidden,
) -> None:
    with at(TUESDAY_1900):
        export = export_of(world.parent)

    [thread] = export.json["messages.json"]["threads"]
    withdrawn = [m for m in thread["messages"] if m["withdrawn"]]
    assert [m["text"] for m in withdrawn] == ["Here is the photo from the trip."]  # their data
    assert withdrawn[0]["photos"] == []
    assert f"- {PHOTOS_NOT_SHOWN}" in export.readme


def test_R19_R28_a_teachers_export_holds_the_media_the_portal_serves_them(world: Hidden) -> None:
    with at(TUESDAY_1900):
        export = export_of(world.teacher)
        assert_media_are_what_the_portal_serves(world.teacher, export)
    [thread] = export.json["messages.json"]["threads"]
    evening = [m for m in thread["messages"] if m["text"] == "And one more drawing."]
    assert evening and evening[0]["photos"] == []  # held for the teacher until the morning
    assert not [name for name in export.names if name.startswith("media/posts/")]


def test_R13_R28_a_teachers_export_has_their_words_but_no_photo_of_children(
    world: Hidden,
) -> None:
    """The photos of a teacher's posts show children: the children's personal data, not the
    teacher's, so not in the teacher's export; least of all one hidden for consent."""
    with at(TUESDAY_1900):
        export = export_of(world.teacher)
        client = client_for(world.teacher)
        written = {row["id"]: row for row in export.json["posts.json"]["posts_you_wrote"]}
        for post in Post.objects.filter(author=world.teacher):
            assert client.get(reverse("stories_post", args=[post.pk])).status_code == 200
            assert post.pk in written
    assert written[world.hidden_post.pk]["state"] == "hidden from families"
    assert written[world.hidden_post.pk]["attachments"] == ["photo"]


@pytest.mark.parametrize("who", ["office"])
def test_R28_an_office_export_holds_no_media_it_cannot_open(world: Hidden, who: str) -> None:
    user: User = getattr(world, who)
    with at(TUESDAY_1900):
        export = export_of(user)
        assert_media_are_what_the_portal_serves(user, export)


def test_R28_a_pupil_has_no_export_of_their_own_and_sees_what_their_parents_export(
    world: Hidden,
) -> None:
    """A pupil's data is in their parents' exports: the posts about them that the pupil can
    open are those their parent's export holds (the hidden one for neither)."""
    pupil_user = UserFactory(role="pupil", email=None)
    world.maya.user = pupil_user
    world.maya.save()
    with pytest.raises(ValidationError) as refused:
        export_request(acting_user=world.office, subject=pupil_user)
    assert str(NOT_AN_ADULT) in refused.value.messages

    with at(TUESDAY_1900):
        client = pupil_client_for(pupil_user)
        opens = {
            post.pk
            for post in Post.objects.all()
            if about(post, {world.maya.pk})
            and client.get(reverse("stories_post", args=[post.pk])).status_code == 200
        }
        rows = export_of(world.parent).json["posts.json"]["posts_about_your_children"]
    assert opens == {row["id"] for row in rows}
    assert world.hidden_post.pk not in opens
