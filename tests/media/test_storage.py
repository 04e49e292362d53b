"""Stored files have random names and go with the rows that name them (R8): what is on disk
after each helper."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from media.storage import file_save, files_delete, files_delete_on_commit, stored_files
from messaging.models import MessagePhoto
from stories.models import Attachment


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def files_in(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_R8_a_saved_file_gets_a_random_name_in_its_folder_with_its_extension(
    media_root: Path,
) -> None:
    first = file_save("stories/pending/", ".jpg", ContentFile(b"one", name="Amir Khan.jpg"))
    second = file_save("stories/pending/", ".jpg", ContentFile(b"two", name="Amir Khan.jpg"))

    assert first != second
    for name, content in ((first, b"one"), (second, b"two")):
        folder, _slash, stem = name.rpartition("/")
        assert folder == "stories/pending" and stem.endswith(".jpg")
        assert len(stem.removesuffix(".jpg")) == 32 and "Amir" not in stem
        assert (media_root / name).read_bytes() == content


def test_R8_the_stored_files_of_rows_are_every_file_field_that_names_one() -> None:
    waiting = Attachment(pending="stories/pending/a.jpg")
    ready = Attachment(file="stories/b.webp", thumbnail="stories/c.webp")
    photo = MessagePhoto(file="messages/d.webp", thumbnail="messages/e.webp")

    assert stored_files([waiting, ready, photo]) == [
        "stories/pending/a.jpg",
        "stories/b.webp",
        "stories/c.webp",
        "messages/d.webp",
        "messages/e.webp",
    ]
    assert stored_files([Attachment()]) == []


def test_R8_files_that_cannot_be_deleted_are_logged_and_the_others_still_go(
    media_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    names = [file_save("stories/", ".webp", ContentFile(b"x")) for _ in range(2)]
    stuck = media_root / "stories" / "stuck"
    (stuck / "inside").mkdir(parents=True)  # a folder that is not empty: the disk refuses

    with caplog.at_level(logging.WARNING, logger="media.storage"):
        files_delete([names[0], "stories/stuck", names[1], "stories/gone-already.webp"])

    assert files_in(media_root) == []
    assert stuck.is_dir()
    assert [record.getMessage() for record in caplog.records] == ["could not delete stories/stuck"]


@pytest.mark.django_db
def test_R8_files_deleted_on_commit_stay_until_the_transaction_commits(
    media_root: Path, django_capture_on_commit_callbacks
) -> None:
    name = file_save("stories/", ".webp", ContentFile(b"x"))

    with django_capture_on_commit_callbacks() as callbacks:
        files_delete_on_commit([name])
        assert files_in(media_root) == [name]

    for callback in callbacks:
        callback()
    assert files_in(media_root) == []
