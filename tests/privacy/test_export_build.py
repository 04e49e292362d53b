"""R28: building the subject-access export. A demo-like parent's ZIP opens and holds their
child's posts with the photos, their messages with the photo they sent, points and likes; a
task run twice builds one file; progress moves forward to 100; a failure stores nothing; the
nightly expiry deletes the file from disk; a lost task is handed out again by the sweep."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from audit.models import AuditEntry
from privacy.export import registry
from privacy.export.archive import archive_write
from privacy.export.base import Area, Part, subject_load
from privacy.models import DataExport, ExportStatus
from privacy.services import export as services_export
from privacy.services.export import (
    deadline_for,
    export_build,
    export_request,
    exports_expire,
    exports_to_build,
)
from privacy.tasks import build_export, expire_exports, sweep_exports
from tests.clock import at
from tests.privacy.export_world import World, make_everything, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def family(school, django_capture_on_commit_callbacks) -> World:
    return make_family(django_capture_on_commit_callbacks)


def stored_exports() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def opened(export: DataExport) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.file.open("rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


def read_json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name))


def built(user, capture) -> DataExport:
    """An export asked for by ``user`` and built by the (eager) worker on commit."""
    with capture(execute=True):
        export = export_request(acting_user=user)
    export.refresh_from_db()
    return export


def test_R28_a_parents_export_opens_with_their_childs_posts_and_media(
    family: World, django_capture_on_commit_callbacks
) -> None:
    export = built(family.parent, django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.READY and export.progress == 100
    archive = opened(export)
    posts = read_json(archive, "posts.json")["posts_about_your_children"]
    assert {p["id"] for p in posts} == {family.student_post.pk, family.tagged_post.pk}
    texts = {p["text"] for p in posts}
    assert texts == {"Maya read her story to the class.", "Pond dipping this afternoon."}
    assert all(p["about"] == ["Maya"] for p in posts)  # never the classmate tagged beside her
    files = [name for p in posts for name in p["files"]]
    assert len(files) == 2
    for name in files:
        assert Image.open(io.BytesIO(archive.read(name))).format == "WEBP"


def test_R28_the_export_holds_messages_with_photos_points_and_likes(
    family: World, django_capture_on_commit_callbacks
) -> None:
    archive = opened(built(family.parent, django_capture_on_commit_callbacks))

    (thread,) = read_json(archive, "messages.json")["threads"]
    assert thread["with"] == "Mrs Hughes" and thread["about"] == "Maya"
    (message,) = thread["messages"]
    assert message["from"] == "you" and message["text"] == "Maya loved the pond trip!"
    assert Image.open(io.BytesIO(archive.read(message["photos"][0]))).format == "WEBP"
    (points,) = read_json(archive, "points.json")["points"]
    assert points["child"] == "Maya" and points["total"] == 1
    assert points["awards"][0]["note"] == "Asked how frogs breathe"
    likes = read_json(archive, "posts.json")["your_likes"]
    assert [like["post"] for like in likes] == [family.student_post.pk]
    (child,) = read_json(archive, "children.json")["children"]
    assert child["name"] == "Maya" and child["date_of_birth"] == "2018-05-17"
    assert child["class"] == "Oak"


def test_R6_no_surname_of_any_pupil_is_in_the_export(
    family: World, django_capture_on_commit_callbacks
) -> None:
    archive = opened(built(family.parent, django_capture_on_commit_callbacks))

    text = " ".join(
        archive.read(n).decode() for n in archive.namelist() if not n.startswith("media/")
    )
    assert family.maya.surname not in text and family.classmate.surname not in text
    assert "Noor" not in text  # the classmate is not in her family's export at all


def test_R28_the_readme_names_each_file_and_what_is_left_out(
    family: World, django_capture_on_commit_callbacks
) -> None:
    archive = opened(built(family.parent, django_capture_on_commit_callbacks))

    readme = archive.read("README.txt").decode()
    for area in registry.AREAS:
        assert area.filename in archive.namelist() and area.filename in readme
    assert "New Village Primary" in readme and "Maya" in readme
    assert "media/" in readme
    assert "do not show your child" in readme


def test_R28_secrets_are_never_in_the_export(school, django_capture_on_commit_callbacks):
    world = make_everything(django_capture_on_commit_callbacks)
    from allauth.mfa.models import Authenticator

    secret = str(Authenticator.objects.get(user=world.teacher).data)
    archive = opened(built(world.teacher, django_capture_on_commit_callbacks))
    profile = read_json(archive, "profile.json")
    assert profile["two_factor_methods"][0]["type"]
    assert "secret" not in json.dumps(profile) and secret not in json.dumps(profile)
    parent = opened(built(world.parent, django_capture_on_commit_callbacks))
    devices = read_json(parent, "notifications.json")["push_devices"]
    assert devices == [{"device": "Phone", "added": mock.ANY, "last_sent": None}]
    assert "push.invalid" not in parent.read("notifications.json").decode()


def test_R28_a_teachers_export_holds_their_work_but_no_childs_media(
    family: World, django_capture_on_commit_callbacks
) -> None:
    archive = opened(built(family.teacher, django_capture_on_commit_callbacks))

    posts = read_json(archive, "posts.json")
    assert posts["posts_about_your_children"] == []
    assert len(posts["posts_you_wrote"]) == 4
    assert not [name for name in archive.namelist() if name.startswith("media/posts/")]
    (thread,) = read_json(archive, "messages.json")["threads"]
    assert thread["about"] == "Maya" and thread["messages"][0]["from"] != "you"
    work = read_json(archive, "work.json")
    assert work["class_assignments"] == [{"class": "Oak", "as": "Teaches this class"}]
    assert [r["record"] for r in work["records_you_made"]] == ["award"]


def test_R28_asking_again_while_it_is_being_made_gets_the_same_export(family: World) -> None:
    first = export_request(acting_user=family.parent)
    again = export_request(acting_user=family.parent)

    assert again.pk == first.pk and DataExport.objects.count() == 1
    entries = AuditEntry.objects.filter(action="export_requested", actor=family.parent)
    assert entries.count() == 1 and entries.get().subject_id == str(family.parent.pk)


def test_R28_asking_after_one_is_ready_makes_a_fresh_one(
    family: World, django_capture_on_commit_callbacks
) -> None:
    first = built(family.parent, django_capture_on_commit_callbacks)
    second = built(family.parent, django_capture_on_commit_callbacks)

    assert second.pk != first.pk and len(stored_exports()) == 2


def test_R28_the_build_task_run_twice_builds_one_file(family: World) -> None:
    export = export_request(acting_user=family.parent)  # not built: the commit never comes

    build_export.delay(export.pk)
    build_export.delay(export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert len(stored_exports()) == 1
    assert stored_exports()[0].name == Path(export.file.name).name


def test_a_claim_renewed_by_a_live_worker_is_left_alone_and_a_lost_one_is_taken_in_45_s(
    family: World,
) -> None:
    export = export_request(acting_user=family.parent)
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.BUILDING,
        started_at=now - dt.timedelta(minutes=10),  # a long build ...
        renewed_at=now,  # ... whose worker is still renewing its claim
    )

    assert export_build(export.pk, now=now + dt.timedelta(seconds=44)) is None
    assert exports_to_build(now=now + dt.timedelta(seconds=44)) == []
    # Not renewed for CLAIM_TTL (45 s): its worker died; the next sweep takes it over.
    assert exports_to_build(now=now + dt.timedelta(seconds=46)) == [export.pk]
    rebuilt = export_build(export.pk, now=now + dt.timedelta(seconds=46))
    assert rebuilt is not None and rebuilt.status == ExportStatus.READY


def test_the_worker_building_an_export_keeps_its_claim_alive_while_it_builds(
    family: World,
) -> None:
    export = export_request(acting_user=family.parent)
    claimed_at = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
    claimed = services_export._claim(export.pk, claimed_at)
    assert claimed is not None
    renewed_at = claimed_at + dt.timedelta(minutes=10)  # a long build, renewed every 15 s

    with at(renewed_at):
        assert services_export._keeper(claimed).renew_now()

    export.refresh_from_db()
    assert (export.started_at, export.renewed_at) == (claimed_at, renewed_at)
    assert exports_to_build(now=renewed_at + dt.timedelta(seconds=44)) == []
    assert exports_to_build(now=renewed_at + dt.timedelta(seconds=46)) == [export.pk]


def test_R28_an_export_whose_task_was_lost_is_built_by_the_sweep(family: World) -> None:
    export = export_request(acting_user=family.parent)
    DataExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )

    assert sweep_exports.delay().get() == 1

    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.file
    assert exports_to_build() == []


def test_progress_moves_forward_to_99_then_100_when_stored(family: World) -> None:
    values: list[int] = []
    archive_write(
        subject_load(family.parent), io.BytesIO(), areas=registry.AREAS, report=values.append
    )

    assert values == sorted(set(values)) and values[0] > 0 and values[-1] == 99
    assert len(values) >= len(registry.AREAS)
    export = export_request(acting_user=family.parent)
    assert (export.status, export.progress) == (ExportStatus.QUEUED, 0)
    done = export_build(export.pk)
    assert done is not None and (done.status, done.progress) == (ExportStatus.READY, 100)


def test_the_page_sees_progress_while_the_worker_builds(family: World, monkeypatch) -> None:
    export = export_request(acting_user=family.parent)
    seen: list[tuple[str, int]] = []

    def watch(subject) -> Part:
        row = DataExport.objects.get(pk=export.pk)
        seen.append((row.status, row.progress))
        return Part({})

    areas = (
        *registry.AREAS[:3],
        Area("watch.json", _("Watching"), {}, watch),
        *registry.AREAS[3:],
    )
    monkeypatch.setattr("privacy.services.export.AREAS", areas)
    export_build(export.pk)

    ((status, progress),) = seen
    assert status == ExportStatus.BUILDING and 0 < progress < 100


def test_a_failed_build_stores_nothing_and_a_new_request_starts_afresh(
    family: World, monkeypatch
) -> None:
    export = export_request(acting_user=family.parent)

    def broken(subject) -> Part:
        raise OSError("disk full")

    monkeypatch.setattr(
        "privacy.services.export.AREAS", (*registry.AREAS, Area("x.json", _("Broken"), {}, broken))
    )
    export_build(export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file and export.error
    assert stored_exports() == []
    assert export_request(acting_user=family.parent).pk != export.pk


def test_R28_the_file_is_deleted_from_disk_seven_days_after_it_was_built(
    family: World, django_capture_on_commit_callbacks
) -> None:
    export = built(family.parent, django_capture_on_commit_callbacks)
    assert export.built_at is not None
    assert export.expires_at == export.built_at + dt.timedelta(days=7)
    path = Path(export.file.path)

    assert exports_expire(now=export.built_at + dt.timedelta(days=6)) == 0
    assert path.exists()
    later = export.built_at + dt.timedelta(days=7, minutes=1)
    with at(later):
        assert expire_exports.delay().get() == 1
        assert expire_exports.delay().get() == 0  # run again: nothing more to do

    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    assert not path.exists() and stored_exports() == []


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2026, 11, 28), dt.date(2026, 12, 28)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
    ],
)
def test_R28_the_deadline_is_one_calendar_month_after_the_request(received, due) -> None:
    assert deadline_for(received) == due


def test_an_account_deleted_while_its_export_is_built_leaves_no_file(
    family: World, monkeypatch
) -> None:
    export = export_request(acting_user=family.parent)

    def delete_the_account(subject) -> Part:
        type(subject.user).objects.filter(pk=subject.user.pk).delete()
        return Part({})

    areas = (*registry.AREAS, Area("gone.json", _("Gone"), {}, delete_the_account))
    monkeypatch.setattr("privacy.services.export.AREAS", areas)

    assert export_build(export.pk) is None
    assert not DataExport.objects.exists() and stored_exports() == []


def test_a_photo_missing_from_storage_is_named_in_the_readme_and_the_rest_is_built(
    family: World, django_capture_on_commit_callbacks
) -> None:
    attachment = family.student_post.attachments.get()
    attachment.file.storage.delete(attachment.file.name)

    archive = opened(built(family.parent, django_capture_on_commit_callbacks))

    (missing,) = [
        p["files"][0]
        for p in read_json(archive, "posts.json")["posts_about_your_children"]
        if p["id"] == family.student_post.pk
    ]
    assert missing not in archive.namelist()
    readme = archive.read("README.txt").decode()
    assert "could not be found" in readme and missing in readme
    assert any(name.startswith("media/posts/") for name in archive.namelist())


def test_R11_whether_a_child_is_looked_after_never_reaches_the_familys_export(
    family: World, django_capture_on_commit_callbacks
) -> None:
    from consent.services.media import looked_after_set

    looked_after_set(acting_user=family.office, pupils=[family.maya], looked_after=True)
    assert AuditEntry.objects.filter(details__consent="looked_after").exists()

    archive = opened(built(family.parent, django_capture_on_commit_callbacks))

    records = read_json(archive, "records.json")["audit_log"]
    assert records  # the log about her is there (her media consent, at least)
    assert not any("looked_after" in json.dumps(entry["details"]) for entry in records)
    text = " ".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".json"))
    assert "looked_after" not in text and "looked-after" not in text.lower()
