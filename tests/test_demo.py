"""The demo school generator (``manage.py seed_demo``): its size and shape, its sign-ins, and
that it is deterministic and idempotent.

The school is seeded once for the module inside a transaction that is rolled back at the end;
each test runs in its own savepoint on top, so what a test changes is undone after it.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import (
    CodeOfConduct,
    ConductAcceptance,
    InviteCode,
    ParentLink,
    PupilLogin,
    Role,
    User,
)
from accounts.services.invites import invite_check
from accounts.services.pupil_login import pupil_code_check
from classes.models import (
    Closure,
    CoverAssignment,
    Pupil,
    SchoolClass,
    SchoolClassUserObjectPermission,
    YearGroup,
)
from classes.selectors import school_get, teachers_by_class
from demo.extras import demo_pupil
from demo.management.commands.seed_demo import (
    ALREADY_SEEDED,
    NOT_IN_PRODUCTION,
    NOTHING_CREATED,
)
from demo.notifications import LATEST
from demo.people import DEMO_PASSWORD, DEMO_PUPIL_CODE, NEW_PARENT_EMAIL
from demo.plan import build_plan, rows_digest
from demo.seed import SeedReport, seed_demo
from demo.signins import demo_sign_ins, format_sign_ins
from demo.story_texts import every_text
from notifications.models import Notification
from notifications.selectors import bell_for, notifications_for
from stories.models import Attachment, AttachmentStatus, Audience, Like, Post, PostSeen, Reminder
from tests.clock import TODAY, at

# The demo is seeded an hour before the test clock's today (tests.clock), on a frozen clock, so
# everything it made is in the past of every test; MONDAY is the start of that week.
SEEDED_AT = TODAY - timedelta(hours=1)
MONDAY = TODAY.date() - timedelta(days=TODAY.weekday())
STAFF_ROLES = (Role.TEACHER, Role.SUPPORT, Role.OFFICE, Role.LEADER)
COUNTED_MODELS = (
    SchoolClass,
    Pupil,
    User,
    ParentLink,
    SchoolClassUserObjectPermission,
    CoverAssignment,
    Closure,
    CodeOfConduct,
    ConductAcceptance,
    PupilLogin,
    InviteCode,
    Post,
    Attachment,
    Like,
    PostSeen,
    Reminder,
    Notification,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker) -> Iterator[SeedReport]:
    # Module fixtures run before the first test's cache clearing: without this, the seed would
    # read a school cached by whichever test ran before, from a transaction since rolled back.
    cache.clear()
    with django_db_blocker.unblock(), transaction.atomic():
        with at(SEEDED_AT):
            report = seed_demo()
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def report(seeded: SeedReport, db: None, settings: Any) -> SeedReport:
    # As under `make run`; pytest-django turns debug off, which seed_demo refuses by default.
    settings.DEBUG = True
    return seeded


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def pupil_rows_digest() -> str:
    return rows_digest(
        Pupil.objects.values_list("school_class__name", "first_name", "surname", "date_of_birth")
    )


def test_demo_school_has_the_size_of_new_village_primary(report: SeedReport) -> None:
    school = school_get()
    assert school.name == "New Village Primary School"
    assert school.time_zone == "Europe/London"
    assert school.office_email.endswith(".example.org")
    classes = SchoolClass.objects.filter(academic_year=2026)
    assert classes.count() == 14
    assert set(classes.values_list("year_group", flat=True)) == set(YearGroup.values)
    assert 400 <= Pupil.objects.count() <= 440
    assert 650 <= ParentLink.objects.count() <= 750
    staff = User.objects.filter(role__in=STAFF_ROLES)
    assert 36 <= staff.count() <= 44
    assert staff.filter(role=Role.OFFICE).count() == 3
    assert staff.filter(role=Role.LEADER).count() == 2
    assert set(staff.filter(is_staff=True).values_list("role", flat=True)) == {
        Role.OFFICE,
        Role.LEADER,
    }


def test_every_class_has_one_teacher_and_pupils_with_two_parents_at_most(
    report: SeedReport,
) -> None:
    teachers = SchoolClassUserObjectPermission.objects.filter(permission__codename="teach_class")
    per_class = teachers.values("content_object").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_class) == [1] * 14
    parents_per_pupil = Pupil.objects.annotate(n=Count("parent_links")).values_list("n", flat=True)
    assert set(parents_per_pupil) == {1, 2}, "R3: one or two parents, never more"
    families = User.objects.filter(role=Role.PARENT).annotate(n=Count("parent_links"))
    assert families.filter(n__gte=2).exists(), "some parents have two or more children"


def test_dates_of_birth_match_the_year_group_in_2026_27(report: SeedReport) -> None:
    for year_group in YearGroup.values:
        born = Pupil.objects.filter(school_class__year_group=year_group).values_list(
            "date_of_birth", flat=True
        )
        # Reception (1) in 2026–27: born 1 September 2021 to 31 August 2022.
        first = date(2021 - (year_group - 1), 9, 1)
        assert min(born) >= first
        assert max(born) <= date(first.year + 1, 8, 31)


def adults() -> QuerySet[User]:
    return User.objects.exclude(role=Role.PUPIL)


def test_people_have_reserved_example_addresses_only(report: SeedReport) -> None:
    assert adults().count() > 600
    assert not adults().exclude(email__endswith=".example.org").exists()


def test_every_demo_sign_in_reaches_its_home_page(report: SeedReport) -> None:
    sign_ins = demo_sign_ins()
    roles = {s.role for s in sign_ins}
    assert roles == {"parent", "new parent", "teacher", "support staff", "office", "leader"}
    for sign_in in sign_ins:
        client = Client()
        response = client.post(
            reverse("account_login"),
            {"login": sign_in.email, "password": DEMO_PASSWORD},
            follow=True,
        )
        landed = response.redirect_chain[-1][0] if response.redirect_chain else None
        expected = reverse("conduct") if sign_in.email == NEW_PARENT_EMAIL else reverse("home")
        if sign_in.role in ("office", "leader"):  # two-factor sign-in is set up first
            expected = reverse("admin_needs_mfa")
        assert (response.status_code, landed) == (200, expected), sign_in.role


def test_R4_only_the_new_parent_still_has_the_code_of_conduct_to_accept(
    report: SeedReport,
) -> None:
    pending = adults().exclude(conduct_acceptances__isnull=False)
    assert list(pending.values_list("email", flat=True)) == [NEW_PARENT_EMAIL]


def test_R6_demo_teacher_sees_the_namesakes_by_the_shortest_surname_start(
    report: SeedReport,
) -> None:
    teacher = next(s for s in demo_sign_ins() if s.role == "teacher")
    client = Client()
    client.force_login(User.objects.get(email=teacher.email))

    page = client.get(reverse("home")).content.decode()

    assert "Amir Kh." in page
    assert "Amir Ko." in page
    assert "Khan" not in page
    assert "Kohli" not in page


def test_R11_demo_consent_shows_every_case_in_the_demo_teachers_class(report: SeedReport) -> None:
    from consent.selectors import roster_for

    rowan = SchoolClass.objects.get(name="Rowan", academic_year=2026)
    roster = {v.display_name: v for v in roster_for(rowan)}
    assert roster["Amir Kh."].may_appear
    assert roster["Amir Ko."].reason_text == "consent withdrawn"
    reasons = {v.reason for v in roster.values()}
    assert {"no_record", "refused", "looked_after", "withdrawn"} <= reasons
    may_appear = sum(v.may_appear for v in roster.values())
    assert 20 <= may_appear < len(roster), "most children have consent, as in a real school"


def test_R4_demo_parents_agreed_to_data_processing_but_the_new_parent(report: SeedReport) -> None:
    from consent.models import DataProcessingAgreement

    agreed = DataProcessingAgreement.objects.values_list("parent__email", flat=True)
    assert "sana.khan@parents.example.org" in set(agreed)
    assert "ewa.mazur@parents.example.org" not in set(agreed)


def test_R25_demo_school_has_a_term_of_points_with_notes_for_parents(report: SeedReport) -> None:
    from points.models import Award
    from points.selectors.totals import pupil_totals

    rowan = SchoolClass.objects.get(name="Rowan", academic_year=2026)
    awards = Award.objects.filter(school_class=rowan)
    assert awards.count() > 100
    assert awards.exclude(note="").exists()
    assert awards.filter(value__lt=0).exists(), "now and then something to work on"
    amir = rowan.pupils.get(first_name="Amir", surname="Khan")
    assert pupil_totals([amir.pk])[amir.pk].all_time != 0


def test_R15_demo_has_a_term_of_posts_in_all_three_stories(report: SeedReport) -> None:
    posts = Post.objects.all()
    assert set(posts.values_list("audience", flat=True)) == set(Audience.values)
    assert not posts.filter(published_at__isnull=True).exists()
    assert set(posts.values_list("language", flat=True)) == {"en-gb"}
    term = datetime.combine(MONDAY - timedelta(weeks=10), time(0), tzinfo=ZoneInfo("UTC"))
    assert not posts.filter(published_at__lt=term - timedelta(days=1)).exists()
    classes = {c.pk: c for c in SchoolClass.objects.all()}
    teachers = teachers_by_class(set(classes))
    for class_id, school_class in classes.items():
        story = posts.filter(audience=Audience.CLASS, school_class=school_class, reminder=None)
        assert story.count() >= 15, f"about two posts a week in {school_class.name}"
        assert set(story.values_list("author", flat=True)) == {teachers[class_id][0].pk}
    student = posts.filter(audience=Audience.STUDENT)
    assert student.count() >= 2 * len(classes)
    for post in student.select_related("pupil"):
        assert post.pupil is not None
        assert post.school_class_id == post.pupil.school_class_id
    school = posts.filter(audience=Audience.SCHOOL, reminder=None)
    assert 3 <= school.count() <= 8
    assert list(posts.filter(urgent=True)) == list(school.filter(urgent=True)[:1])
    amir = demo_pupil()
    assert student.filter(pupil=amir, attachments__isnull=False).exists()


def test_R29_demo_reminders_have_posted_weekly_and_wait_for_their_next_time(
    report: SeedReport,
) -> None:
    london = ZoneInfo("Europe/London")
    reminders = Reminder.objects.all()
    assert {r.audience for r in reminders} == {Audience.CLASS, Audience.SCHOOL}
    for reminder in reminders:
        occurrences = sorted(
            at for at in reminder.posts.values_list("occurrence", flat=True) if at is not None
        )
        assert len(occurrences) == reminder.posts.count() >= 8
        local = [at.astimezone(london) for at in occurrences]
        assert {at.time() for at in local} == {reminder.time_of_day}, "through the clock change"
        assert all((b.date() - a.date()).days == 7 for a, b in itertools.pairwise(local))
        upcoming = reminder.next_at.astimezone(london)
        assert (upcoming.weekday(), upcoming.time()) == (reminder.weekday, reminder.time_of_day)
        assert reminder.next_at > occurrences[-1]
        assert reminder.next_at - timedelta(weeks=1) <= max(occurrences[-1], timezone.now())


def test_R9_demo_photos_are_ready_processed_files_that_exist(report: SeedReport) -> None:
    posts = Post.objects.count()
    with_photos = Post.objects.filter(attachments__isnull=False).distinct().count()
    assert 0.2 * posts <= with_photos <= 0.45 * posts, "about a third of the posts"
    photos = Attachment.objects.all()
    assert set(photos.values_list("kind", "status", "content_type")) == {
        ("photo", AttachmentStatus.READY, "image/webp")
    }
    names = [name for a in photos for name in (a.file.name, a.thumbnail.name)]
    assert len(set(names)) == len(names), "each post's files are its own"
    for photo in photos[:20]:
        assert default_storage.size(photo.file.name) == photo.size
        with default_storage.open(photo.thumbnail.name) as thumb, Image.open(thumb) as image:
            assert image.size == (photo.thumb_width, photo.thumb_height)
            assert not image.getexif()
    assert all(default_storage.exists(name) for name in names)


def test_R8_demo_parent_sees_the_photos_of_their_childs_class(report: SeedReport) -> None:
    parent = next(s for s in demo_sign_ins() if s.role == "parent")
    client = Client()
    client.force_login(User.objects.get(email=parent.email))

    page = client.get(reverse("stories_feed")).content.decode()

    photo = Attachment.objects.filter(post__audience=Audience.STUDENT, post__pupil=demo_pupil())
    key = photo.values_list("key", flat=True).first()
    assert reverse("stories_thumbnail", args=[key]) in page
    response = client.get(reverse("stories_thumbnail", args=[key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"


def test_R31_demo_parent_finds_news_of_their_childrens_latest_posts(report: SeedReport) -> None:
    parent = User.objects.get(email=next(s.email for s in demo_sign_ins() if s.role == "parent"))
    assert report.created["notifications"] > LATEST  # every family of those posts is told

    rows = notifications_for(parent)
    assert bell_for(parent).unread == len(rows) == LATEST
    client = Client()
    client.force_login(parent)
    for row in rows:
        opened = client.get(reverse("notification_open", args=[row.notification.pk]))
        assert opened["Location"] == row.notification.link
        assert client.get(row.notification.link).status_code == 200


def test_R12_demo_photos_show_only_pupils_with_consent(report: SeedReport) -> None:
    from consent.selectors import media_verdicts

    with_photos = Post.objects.filter(attachments__isnull=False).distinct()
    tagged = dict(Post.tagged.through.objects.values_list("post_id", "pupil_id"))
    verdicts = media_verdicts(set(tagged.values()))
    assert all(v.may_appear for v in verdicts.values())
    for post in with_photos:
        assert (post.pk in tagged) != post.no_child_appears, "tags, or no child appears"
        if post.audience == Audience.STUDENT:
            assert tagged.get(post.pk) == post.pupil_id
    assert with_photos.filter(no_child_appears=True).exists()
    assert Post.objects.filter(pk__in=tagged).exists()


def test_R7_no_demo_post_contains_a_surname_of_its_audience(report: SeedReport) -> None:
    from stories.services.checks import check_names

    posts = list(Post.objects.all())
    assert any("{" not in p.body and " and " in p.body for p in posts), "some name pupils"

    for post in posts:
        check_names(post, post.body)  # raises ValidationError naming the surname


def test_R7_demo_texts_contain_no_surname_of_the_name_pools() -> None:
    """Any scale of the demo draws its pupils from these pools: no text may name one."""
    from demo.names import ORIGINS
    from stories.text import check_no_surnames

    surnames = [("", surname) for origin in ORIGINS.values() for surname in origin.surnames]
    for text in every_text():
        check_no_surnames(text, pupils=surnames)


def test_R30_demo_authors_see_reach_and_likes_come_from_readers(report: SeedReport) -> None:
    teacher = next(s for s in demo_sign_ins() if s.role == "teacher")
    client = Client()
    client.force_login(User.objects.get(email=teacher.email))

    page = client.get(reverse("stories_feed")).content.decode()

    assert "Seen by " in page
    likes = Post.objects.annotate(n=Count("likes")).values_list("like_count", "n")
    assert all(count == n for count, n in likes)
    assert sum(count for count, _n in likes) > 100
    readers = set(PostSeen.objects.values_list("post", "user"))
    assert set(Like.objects.values_list("post", "user")) <= readers
    assert set(PostSeen.objects.values_list("user__role", flat=True)) == {Role.PARENT}


def test_demo_parent_has_two_children_in_different_classes(report: SeedReport) -> None:
    parent = next(s for s in demo_sign_ins() if s.role == "parent")
    classes = Pupil.objects.filter(parent_links__parent__email=parent.email).values_list(
        "school_class", flat=True
    )
    assert len(set(classes)) == 2
    assert "Amir Kh." in parent.note


def test_demo_pupil_signs_in_with_the_printed_picture_code(report: SeedReport) -> None:
    pupil = demo_pupil()
    assert pupil is not None
    assert pupil.school_class is not None

    user = pupil_code_check(pupil=pupil, code=list(DEMO_PUPIL_CODE))

    assert user.role == Role.PUPIL
    printed = format_sign_ins("http://portal.test")
    assert pupil.school_class.class_code in printed
    assert ", ".join(DEMO_PUPIL_CODE) in printed


def test_R2_printed_invite_code_opens_with_the_childs_date_of_birth(report: SeedReport) -> None:
    invite = report.invite
    assert invite is not None
    printed = format_sign_ins("http://portal.test", invite=invite)
    assert invite.code in printed

    found = invite_check(
        code=invite.code, date_of_birth=invite.date_of_birth, ip="192.0.2.1", email="n@x.test"
    )

    assert found.pupil.first_name == invite.display_name
    assert found.pupil.parent_links.count() == 1


def test_ppa_cover_gives_each_class_one_afternoon_in_the_current_week(report: SeedReport) -> None:
    london = ZoneInfo("Europe/London")
    week = (
        datetime.combine(MONDAY, time(0), tzinfo=london),
        datetime.combine(MONDAY + timedelta(days=5), time(0), tzinfo=london),
    )
    covers = CoverAssignment.objects.filter(starts_at__range=week)
    assert sorted(covers.values_list("school_class", flat=True)) == sorted(
        SchoolClass.objects.values_list("pk", flat=True)
    )
    assert {c.starts_at.astimezone(london).time() for c in covers} == {time(13, 0)}
    assert not covers.filter(teacher__role=Role.SUPPORT).exists()


def test_seed_is_deterministic_across_processes(report: SeedReport) -> None:
    """The plan (built in two fresh processes with different hash seeds) is what was written."""
    script = (
        "import django; django.setup(); from demo.plan import build_plan, "
        "rows_digest; print(rows_digest(p.key for p in build_plan().pupils), "
        "build_plan().digest())"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        env["DJANGO_SETTINGS_MODULE"] = "dojo_portal.settings.test"
        run = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        outputs.append(run.stdout.split())
    assert outputs[0] == outputs[1]
    assert outputs[0] == [pupil_rows_digest(), build_plan().digest()]


def test_second_run_creates_nothing_and_prints_the_sign_ins_again(report: SeedReport) -> None:
    before = row_counts()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert row_counts() == before
    output = out.getvalue()
    assert NOTHING_CREATED in output
    assert DEMO_PASSWORD in output
    assert "stored hashed" in output, "the earlier invite code cannot be shown again"


def test_if_empty_does_nothing_when_any_pupil_exists(report: SeedReport) -> None:
    before = row_counts()
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert row_counts() == before
    assert out.getvalue().strip() == ALREADY_SEEDED


def test_if_empty_seeds_when_there_are_no_pupils(report: SeedReport) -> None:
    Pupil.objects.all().delete()
    User.objects.filter(role=Role.PUPIL).delete()
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert 400 <= Pupil.objects.count() <= 440
    assert "Created" in out.getvalue()


def test_scale_2_doubles_classes_pupils_and_staff(report: SeedReport) -> None:
    one = row_counts()

    seed_demo(scale=2)

    two = row_counts()
    assert two["SchoolClass"] == 2 * one["SchoolClass"]
    assert two["Pupil"] == 2 * one["Pupil"]
    assert 1.8 * one["ParentLink"] <= two["ParentLink"] <= 2.2 * one["ParentLink"]
    assert User.objects.filter(role__in=STAFF_ROLES).count() == 2 * 40
    assert SchoolClass.objects.filter(name="Rowan 2").exists()
    assert two["Post"] > 1.8 * one["Post"], "the second copy's classes have their stories"
    assert Post.objects.filter(audience=Audience.SCHOOL, urgent=True).count() == 1
    assert Reminder.objects.filter(school_class__name="Rowan 2").exists()


@pytest.mark.parametrize("scale", ["0", "-1", "two"])
def test_scale_must_be_a_whole_number_of_at_least_one(report: SeedReport, scale: str) -> None:
    before = row_counts()

    with pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", "--scale", scale)

    assert row_counts() == before


def test_refuses_a_production_database_unless_told_it_is_a_demo_server(
    report: SeedReport, settings: Any
) -> None:
    settings.DEBUG = False
    Pupil.objects.all().delete()
    User.objects.filter(role=Role.PUPIL).delete()
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        call_command("seed_demo")

    assert str(refused.value) == NOT_IN_PRODUCTION
    assert row_counts() == before
    call_command("seed_demo", "--allow-production", stdout=StringIO())
    assert Pupil.objects.count() == before["Pupil"] + 420


def test_R28_a_demo_parents_export_opens_with_their_childs_posts_and_media(
    report: SeedReport,
) -> None:
    """The subject-access export of the demo parent, built as the worker builds it: a ZIP that
    opens, with their child's Student Story posts and the photos in them."""
    import io
    import json
    import zipfile

    from privacy.models import ExportStatus
    from privacy.services.export import export_build, export_request

    signin = next(s for s in demo_sign_ins() if s.role == "parent")
    parent = User.objects.get(email=signin.email)
    export = export_build(export_request(acting_user=parent).pk)

    assert export is not None and export.status == ExportStatus.READY
    with export.file.open("rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    posts = json.loads(archive.read("posts.json"))["posts_about_your_children"]
    child = demo_pupil()
    assert child is not None
    student_posts = Post.objects.filter(audience=Audience.STUDENT, pupil=child)
    assert {post["id"] for post in posts} >= set(student_posts.values_list("pk", flat=True))
    photos = [name for post in posts for name in post["files"]]
    assert photos
    for name in photos:
        assert Image.open(io.BytesIO(archive.read(name))).format == "WEBP"
    assert child.surname not in archive.read("posts.json").decode()
    export.file.delete(save=False)
