"""Applying an import: new pupils, their consent with history (R11, R14), two invite codes each
(R2, R3), one email per parent with a code that really works, all in one transaction; and the
same file again changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends import locmem
from django.utils import timezone, translation

from accounts.models import InviteCode, ParentLink, User
from accounts.services.invites import hash_code, invite_redeem
from classes.models import Pupil, SchoolClass
from consent.imports import apply as apply_module
from consent.imports import emails as emails_module
from consent.imports.apply import (
    NOTHING_TO_ADD,
    RECORDS_CHANGED,
    pupil_import_apply,
)
from consent.imports.emails import InviteEmail, import_invites_send
from consent.imports.validate import ImportPlan, pupil_import_plan
from consent.models import ConsentChange, MediaStatus, PupilConsent, PupilImport
from consent.tasks import send_import_invites
from core.bidi import LRM, RLM
from tests.consent.test_import_parse import LEO, MAYA, counts, csv_bytes
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

AVA = ("Ava", "Hartley", "2017-01-30", "Oak", "", "")
MAYA_TWO_PARENTS = (
    "Maya",
    "Rowntree",
    "17/05/2018",
    "Oak",
    "robin@example.org; sam@example.org",
    "Y",
)
LEO_ONE_PARENT = ("Leo", "Fairbairn", "03/11/2017", "Elm", "jo@example.org", "No")
BROKEN = ("Ben", "Okafor", "31/02/2019", "Oak", "", "")
FILE = csv_bytes([MAYA_TWO_PARENTS, LEO_ONE_PARENT, AVA, BROKEN])
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


@pytest.fixture
def office(school: Any) -> User:
    return OfficeFactory()


@pytest.fixture
def oak() -> SchoolClass:
    return SchoolClassFactory(name="Oak", academic_year=2026)


@pytest.fixture
def elm() -> SchoolClass:
    return SchoolClassFactory(name="Elm", academic_year=2026)


def plan_of(user: User, data: bytes = FILE) -> ImportPlan:
    return pupil_import_plan(acting_user=user, data=data, file_name="autumn-intake.csv")


def run_import(user: User, data: bytes, capture: Any) -> PupilImport:
    """Plan and apply as the admin does, running what is queued on commit (the emails)."""
    with capture(execute=True):
        return pupil_import_apply(acting_user=user, plan=plan_of(user, data))


def pupil(first_name: str) -> Pupil:
    return Pupil.objects.select_related("school_class").get(first_name=first_name)


def test_R1_new_pupils_are_added_to_their_classes(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)

    added = Pupil.objects.order_by("first_name")
    assert [(p.first_name, p.surname, p.date_of_birth, p.school_class) for p in added] == [
        ("Ava", "Hartley", dt.date(2017, 1, 30), oak),
        ("Leo", "Fairbairn", dt.date(2017, 11, 3), elm),
        ("Maya", "Rowntree", dt.date(2018, 5, 17), oak),
    ]
    assert not Pupil.objects.filter(first_name="Ben").exists(), "a row with problems is skipped"
    assert not ParentLink.objects.exists(), "parents link themselves with their codes"


def test_R11_R14_consent_from_the_file_is_recorded_with_its_history(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)

    maya, leo, ava = pupil("Maya"), pupil("Leo"), pupil("Ava")
    granted = PupilConsent.objects.get(pupil=maya)
    assert (granted.media_status, granted.form_date) == (MediaStatus.GRANTED, timezone.localdate())
    assert granted.recorded_by == office
    assert PupilConsent.objects.get(pupil=leo).media_status == MediaStatus.REFUSED
    assert not PupilConsent.objects.filter(pupil=ava).exists(), "blank: no record, no consent"
    history = ConsentChange.objects.order_by("pupil__first_name")
    assert [(c.pupil, c.old_status, c.new_status, c.changed_by, c.evidence) for c in history] == [
        (leo, "", MediaStatus.REFUSED, office, "Imported from autumn-intake.csv"),
        (maya, "", MediaStatus.GRANTED, office, "Imported from autumn-intake.csv"),
    ]


def test_R2_two_invite_codes_for_each_new_pupil(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)

    for first_name in ("Maya", "Leo", "Ava"):
        codes = InviteCode.objects.filter(pupil=pupil(first_name))
        assert codes.count() == 2
        assert all(c.created_by == office and c.used_at is None for c in codes)


def test_R2_each_parent_email_gets_its_own_code_that_works_with_the_date_of_birth(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)

    by_address = {m.to[0]: (str(m.subject), str(m.body)) for m in mail.outbox}
    assert sorted(by_address) == ["jo@example.org", "robin@example.org", "sam@example.org"]
    (subject, robin), (_subject, sam) = (
        by_address["robin@example.org"],
        by_address["sam@example.org"],
    )
    assert "Maya" in subject
    assert "Maya, in class Oak" in robin
    assert "Rowntree" not in robin + subject, "first names only (R6)"
    assert "You will need your child’s date of birth." in robin
    [robin_code], [sam_code] = CODE.findall(robin), CODE.findall(sam)
    assert robin_code != sam_code
    assert f"http://localhost:8000/join/?code={robin_code.replace('-', '')}" in robin
    maya = pupil("Maya")
    for code in (robin_code, sam_code):
        result = invite_redeem(
            parent=ParentFactory(), code=code, date_of_birth=maya.date_of_birth, ip="192.0.2.1"
        )
        assert result.linked and result.pupil == maya
    assert ParentLink.objects.filter(pupil=maya).count() == 2


def test_the_import_is_recorded_with_its_counts(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    record = run_import(office, FILE, django_capture_on_commit_callbacks)

    record.refresh_from_db()
    assert record.uploaded_by == office
    assert record.file_name == "autumn-intake.csv"
    assert record.file_sha256 == plan_of(office).file_sha256
    assert len(record.file_sha256) == 64
    assert (
        record.rows_total,
        record.rows_with_problems,
        record.pupils_created,
        record.consents_changed,
        record.invites_created,
        record.invites_emailed,
    ) == (4, 1, 3, 2, 6, 3)


def test_importing_the_same_file_again_changes_nothing(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)
    before, emails = counts(), len(mail.outbox)

    again = plan_of(office)
    assert (len(again.new_rows), len(again.here_rows), len(again.problem_rows)) == (0, 3, 1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as e:
        pupil_import_apply(acting_user=office, plan=again)

    assert e.value.messages == [NOTHING_TO_ADD]
    assert counts() == before
    assert len(mail.outbox) == emails


def test_only_pupils_the_import_adds_get_codes_and_emails(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    here = PupilFactory(
        first_name="Maya", surname="Rowntree", date_of_birth=dt.date(2018, 5, 17), school_class=oak
    )

    record = run_import(office, FILE, django_capture_on_commit_callbacks)

    assert record.pupils_created == 2
    assert not InviteCode.objects.filter(pupil=here).exists()
    assert not PupilConsent.objects.filter(pupil=here).exists(), "consent of a pupil here stays"
    assert sorted(m.to[0] for m in mail.outbox) == ["jo@example.org"]


def test_a_failure_half_way_leaves_nothing_written_and_sends_nothing(
    office: User,
    oak: SchoolClass,
    elm: SchoolClass,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = counts()

    def broken(**kwargs: Any) -> None:
        assert Pupil.objects.count() == 3, "pupils and consent are written by now"
        assert ConsentChange.objects.count() == 2
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(apply_module, "invite_codes_create", broken)
    with pytest.raises(RuntimeError, match="the disk is full"):
        run_import(office, FILE, django_capture_on_commit_callbacks)

    assert counts() == before
    assert mail.outbox == []


def test_a_pupil_added_after_the_preview_makes_the_apply_refuse(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_of(office)
    PupilFactory(
        first_name="Leo", surname="Fairbairn", date_of_birth=dt.date(2017, 11, 3), school_class=elm
    )
    before = counts()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as e:
        pupil_import_apply(acting_user=office, plan=plan)

    assert e.value.messages == [RECORDS_CHANGED]
    assert counts() == before
    assert mail.outbox == []


def test_a_class_removed_after_the_preview_makes_the_apply_refuse(
    office: User, oak: SchoolClass, elm: SchoolClass
) -> None:
    plan = plan_of(office, csv_bytes([LEO]))
    elm.delete()
    before = counts()

    with pytest.raises(ValidationError) as e:
        pupil_import_apply(acting_user=office, plan=plan)

    assert e.value.messages == [RECORDS_CHANGED]
    assert counts() == before


def test_R1_a_leader_may_import(
    oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    record = run_import(
        LeaderFactory(), csv_bytes([MAYA, LEO]), django_capture_on_commit_callbacks
    )

    assert record.pupils_created == 2


def test_R1_a_teacher_may_not_apply_an_import(
    office: User, oak: SchoolClass, elm: SchoolClass
) -> None:
    plan = plan_of(office)
    before = counts()

    with pytest.raises(PermissionDenied):
        pupil_import_apply(acting_user=TeacherFactory(), plan=plan)

    assert counts() == before


def test_a_retried_email_task_sends_only_what_it_has_not_sent_and_only_unused_codes(
    office: User,
    oak: SchoolClass,
    elm: SchoolClass,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(apply_module, "enqueue_on_commit", lambda task, *args: queued.append(args))
    run_import(office, FILE, django_capture_on_commit_callbacks)
    [(invites,)] = queued

    assert send_import_invites(invites) == 3
    assert send_import_invites(invites) == 0, "run again, the task sends nothing twice"
    assert len(mail.outbox) == 3

    cache.clear()  # the progress is lost: the codes' own state still decides
    used = InviteEmail.from_dict(invites[0])
    InviteCode.objects.filter(code_hash=hash_code(used.code)).update(used_at=timezone.now())
    mail.outbox.clear()
    assert send_import_invites(invites) == 2
    assert used.email not in [m.to[0] for m in mail.outbox], "a used code is never sent"
    unknown = InviteEmail(email="sam@example.org", code="ABCD-EFGH-JKLM", pupil_id=used.pupil_id)
    assert import_invites_send(invites=[unknown]) == 0, "a code nobody made is not sent"


def test_an_email_failure_half_way_is_retried_for_the_rest_only(
    office: User,
    oak: SchoolClass,
    elm: SchoolClass,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(apply_module, "enqueue_on_commit", lambda task, *args: queued.append(args))
    run_import(office, FILE, django_capture_on_commit_callbacks)
    [(invites,)] = queued
    real = emails_module.get_connection

    class FlakyConnection(locmem.EmailBackend):
        def send_messages(self, messages: Any) -> int:
            if len(mail.outbox) == 1:
                raise ConnectionResetError("the mail server went away")
            return super().send_messages(messages)

    monkeypatch.setattr(emails_module, "get_connection", lambda: FlakyConnection())
    with pytest.raises(ConnectionResetError):
        import_invites_send(invites=[InviteEmail.from_dict(item) for item in invites])
    assert len(mail.outbox) == 1

    monkeypatch.setattr(emails_module, "get_connection", real)
    assert send_import_invites(invites) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "jo@example.org",
        "robin@example.org",
        "sam@example.org",
    ]


def test_R33_an_invite_email_is_in_english_and_in_the_familys_home_language(
    office: User,
    oak: SchoolClass,
    elm: SchoolClass,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[tuple[Any, ...]] = []
    monkeypatch.setattr(apply_module, "enqueue_on_commit", lambda task, *args: queued.append(args))
    run_import(office, FILE, django_capture_on_commit_callbacks)
    [(invites,)] = queued
    Pupil.objects.filter(first_name="Maya").update(home_language="pl")
    Pupil.objects.filter(first_name="Leo").update(home_language="ar")

    assert send_import_invites(invites) == 3

    by_address = {m.to[0]: m for m in mail.outbox}
    robin, jo = by_address["robin@example.org"], by_address["jo@example.org"]
    with translation.override("pl"):
        polish_code_line = translation.gettext("Your invite code:")
    english, polish = str(robin.body).split(f"\n\n{emails_module.SEPARATOR}\n\n")
    assert "Your invite code:" in english and polish_code_line in polish
    assert polish_code_line != "Your invite code:"
    assert CODE.findall(english) == CODE.findall(polish), "the same code in both halves"
    assert robin.extra_headers["Content-Language"] == "en-gb, pl"
    assert " / " in robin.subject and "Maya" in robin.subject
    # The Arabic half reads right to left, line by line; the English half is as it was.
    english, arabic = str(jo.body).split(f"\n\n{emails_module.SEPARATOR}\n\n")
    assert RLM not in english
    lines = [line for line in arabic.split("\n") if line.strip()]
    assert lines and all(line[0] in (RLM, LRM) for line in lines), lines
    assert jo.extra_headers["Content-Language"] == "en-gb, ar"


def test_R33_an_invite_email_without_a_home_language_is_in_english_only(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    run_import(office, FILE, django_capture_on_commit_callbacks)

    for message in mail.outbox:
        assert emails_module.SEPARATOR not in str(message.body)
        assert message.extra_headers["Content-Language"] == "en-gb"


def test_an_import_refreshes_the_planners_statistics_of_the_tables_it_filled(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        run_import(office, FILE, django_capture_on_commit_callbacks)

    analyzed = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert analyzed == [], "SQLite needs no statistics"
        return
    assert analyzed == [
        'ANALYZE "accounts_invitecode", "classes_pupil", "consent_consentchange", '
        '"consent_familycontact", "consent_pupilconsent", "consent_pupilimport"'
    ]


def test_an_import_keeps_the_files_parent_emails_for_the_list_of_parents_not_yet_joined(
    office: User, oak: SchoolClass, elm: SchoolClass, django_capture_on_commit_callbacks: Any
) -> None:
    from consent.models import FamilyContact
    from consent.selectors.contacts import not_joined

    run_import(office, FILE, django_capture_on_commit_callbacks)

    sent = sorted(address.lower() for message in mail.outbox for address in message.to)
    assert sent
    assert sorted(not_joined().values_list("email", flat=True)) == sent
    assert FamilyContact.objects.count() == len(sent)
