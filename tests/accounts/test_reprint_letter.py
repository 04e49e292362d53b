"""Reprinting a lost invite letter (R2): the earlier codes stop working, the new letter's code
works, the audit log keeps the reason, and the office sees each pupil's codes counted."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import InviteCode, User
from accounts.services.invites import invite_redeem
from accounts.services.reasons import REASON_MAX_LENGTH
from audit import AuditAction
from audit.models import AuditEntry
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for
from tests.factories import (
    InviteCodeFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    with_totp,
)

pytestmark = pytest.mark.django_db

CODE_SHOWN = re.compile(r'<p class="slip-code">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</p>')
PUPILS_URL = reverse("admin:classes_pupil_changelist")
SUMMARY_URL = reverse("admin:accounts_invitepupil_changelist")
LINKS_URL = reverse("admin:accounts_parentlink_changelist")


@pytest.fixture
def office(school) -> User:
    office = OfficeFactory(first_name="Olive", last_name="Office")
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


@pytest.fixture
def pupil(school_class: SchoolClass) -> Pupil:
    return PupilFactory(
        school_class=school_class, first_name="Maya", date_of_birth=date(2019, 3, 4)
    )


def reprint_url(pupil: Pupil) -> str:
    return reverse("admin:classes_pupil_reprint_letter", args=[pupil.pk])


def first_letter(client: Client, pupil: Pupil) -> list[str]:
    html = client.post(
        PUPILS_URL, {"action": "generate_invite_letters", "_selected_action": [pupil.pk]}
    ).content.decode()
    return CODE_SHOWN.findall(html)


def redeem(code: str, pupil: Pupil) -> Any:
    return invite_redeem(
        parent=ParentFactory(), code=code, date_of_birth=pupil.date_of_birth, ip="10.0.0.9"
    )


def test_R2_reprint_cancels_the_lost_letters_code_and_the_new_code_works(
    office_client: Client, pupil: Pupil
) -> None:
    old_codes = first_letter(office_client, pupil)
    assert len(old_codes) == 2
    response = office_client.post(reprint_url(pupil), {"reason": "Dad lost the letter."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "2 earlier codes for this pupil no longer work." in html
    new_codes = CODE_SHOWN.findall(html)
    assert len(new_codes) == 2
    assert not set(new_codes) & set(old_codes)
    with pytest.raises(ValidationError) as refused:
        redeem(old_codes[0], pupil)
    assert refused.value.code == "revoked"
    assert "cancelled by the school office" in " ".join(refused.value.messages)
    assert redeem(new_codes[0], pupil).linked


def test_R2_reprint_prints_one_code_per_carer_still_to_join(
    office_client: Client, pupil: Pupil
) -> None:
    ParentLinkFactory(pupil=pupil)
    html = office_client.post(reprint_url(pupil), {"reason": "Lost."}).content.decode()
    assert len(CODE_SHOWN.findall(html)) == 1


def test_R2_reprint_leaves_used_and_expired_codes_as_they_were(
    office_client: Client, office: User, pupil: Pupil
) -> None:
    now = timezone.now()
    used = InviteCodeFactory(pupil=pupil, used_at=now, used_by=ParentFactory())
    expired = InviteCodeFactory(pupil=pupil, expires_at=now - timedelta(days=1))
    working = InviteCodeFactory(pupil=pupil)
    other_pupils = InviteCodeFactory(pupil=PupilFactory(school_class=pupil.school_class))
    office_client.post(reprint_url(pupil), {"reason": "Lost."})
    for invite in (used, expired, working, other_pupils):
        invite.refresh_from_db()
    assert working.revoked_at is not None
    assert used.revoked_at is None
    assert expired.revoked_at is None
    assert other_pupils.revoked_at is None


def test_R28_reprint_is_in_the_audit_log_with_its_reason(
    office_client: Client, office: User, pupil: Pupil
) -> None:
    working = InviteCodeFactory(pupil=pupil)
    office_client.post(reprint_url(pupil), {"reason": "Mum's letter went through the wash."})
    entry = AuditEntry.objects.get(action=AuditAction.LETTER_REPRINTED)
    assert entry.actor == office
    assert entry.subject_id == str(pupil.pk)
    assert entry.details["reason"] == "Mum's letter went through the wash."
    assert entry.details["cancelled"] == [working.pk]
    assert len(entry.details["made"]) == 2
    cancelled = AuditEntry.objects.get(action=AuditAction.INVITE_REVOKED)
    assert cancelled.subject_id == str(working.pk)


def test_R2_the_confirmation_page_says_what_will_stop_working(
    office_client: Client, pupil: Pupil
) -> None:
    InviteCodeFactory.create_batch(3, pupil=pupil)
    response = office_client.get(reprint_url(pupil))
    html = response.content.decode()
    assert response.status_code == 200
    assert "the 3 codes of this pupil that still work will all be cancelled" in html
    assert InviteCode.objects.filter(pupil=pupil, revoked_at__isnull=True).count() == 3


def test_R2_reprint_for_a_pupil_who_has_left_says_so_and_changes_nothing(
    office_client: Client, school_class: SchoolClass
) -> None:
    gone = PupilFactory(
        school_class=school_class,
        first_name="Zara",
        surname="Quill",
        leaving_date=date(2026, 7, 20),
    )
    invite = InviteCodeFactory(pupil=gone)
    for response in (
        office_client.get(reprint_url(gone), follow=True),
        office_client.post(reprint_url(gone), {"reason": "Lost."}, follow=True),
    ):
        html = response.content.decode()
        assert "Zara Quill is not in a class now" in html
        assert "no letter was printed and their codes were not changed" in html
        assert "slip-code" not in html
    invite.refresh_from_db()
    assert invite.revoked_at is None
    assert InviteCode.objects.filter(pupil=gone).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.LETTER_REPRINTED).exists()


def test_R2_a_reason_of_ten_thousand_characters_is_refused_and_changes_nothing(
    office_client: Client, pupil: Pupil
) -> None:
    invite = InviteCodeFactory(pupil=pupil)
    response = office_client.post(reprint_url(pupil), {"reason": "x" * 10_000})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Keep the reason to {REASON_MAX_LENGTH} characters at most (it has 10000)." in html
    assert "slip-code" not in html
    invite.refresh_from_db()
    assert invite.revoked_at is None
    assert InviteCode.objects.filter(pupil=pupil).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.LETTER_REPRINTED).exists()


def test_R2_an_empty_reason_is_refused(office_client: Client, pupil: Pupil) -> None:
    response = office_client.post(reprint_url(pupil), {"reason": "  "})
    assert "This field is required." in response.content.decode()
    assert not InviteCode.objects.exists()


@pytest.mark.parametrize("factory", [TeacherFactory, ParentFactory])
def test_R1_only_the_office_reprints(school, pupil: Pupil, factory: Any) -> None:
    user = factory(is_staff=True)
    with_totp(user)
    invite = InviteCodeFactory(pupil=pupil)
    response = client_for(user).post(reprint_url(pupil), {"reason": "Lost."})
    assert response.status_code in {302, 403}
    invite.refresh_from_db()
    assert invite.revoked_at is None
    assert InviteCode.objects.count() == 1


def test_R2_the_pupils_page_and_the_parents_links_lead_to_the_reprint(
    office_client: Client, pupil: Pupil
) -> None:
    page = office_client.get(reverse("admin:classes_pupil_change", args=[pupil.pk]))
    assert reprint_url(pupil) in page.content.decode()
    ParentLinkFactory(pupil=pupil)
    assert reprint_url(pupil) in office_client.get(LINKS_URL).content.decode()
    link_action = office_client.post(
        LINKS_URL,
        {"action": "reprint_lost_letter", "_selected_action": [pupil.parent_links.get().pk]},
    )
    assert link_action["Location"] == reprint_url(pupil)
    pupil_action = office_client.post(
        PUPILS_URL, {"action": "reprint_lost_letter", "_selected_action": [pupil.pk]}
    )
    assert pupil_action["Location"] == reprint_url(pupil)


def test_R2_the_reprint_action_wants_exactly_one_pupil(
    office_client: Client, school_class: SchoolClass
) -> None:
    two = PupilFactory.create_batch(2, school_class=school_class)
    response = office_client.post(
        PUPILS_URL,
        {"action": "reprint_lost_letter", "_selected_action": [p.pk for p in two]},
        follow=True,
    )
    assert "Choose one pupil to reprint a lost letter for." in response.content.decode()


def test_R2_the_office_sees_each_pupils_codes_counted(office_client: Client, pupil: Pupil) -> None:
    now = timezone.now()
    InviteCodeFactory.create_batch(2, pupil=pupil)
    InviteCodeFactory(pupil=pupil, used_at=now, used_by=ParentFactory())
    InviteCodeFactory.create_batch(3, pupil=pupil, revoked_at=now)
    InviteCodeFactory(pupil=pupil, expires_at=now - timedelta(days=1))
    response = office_client.get(SUMMARY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    cells = dict(
        re.findall(r'<td class="field-(issued|used|revoked|expired|working)">(.*?)</td>', html)
    )
    counts = {name: re.sub(r"<[^>]+>", "", cell) for name, cell in cells.items()}
    assert counts == {"issued": "7", "used": "1", "revoked": "3", "expired": "1", "working": "2"}
    assert reprint_url(pupil) in html
    codes = office_client.get(
        reverse("admin:accounts_invitecode_changelist"),
        {"pupil__id__exact": str(pupil.pk), "status": "revoked"},
    )
    assert codes.status_code == 200
    assert len(re.findall(r'name="_selected_action"', codes.content.decode())) == 3


def test_R2_the_codes_per_pupil_take_the_same_queries_whatever_their_number(
    office_client: Client, django_assert_num_queries: Any
) -> None:
    def add(count: int) -> None:
        for _n in range(count):
            pupil = PupilFactory(school_class=SchoolClassFactory())
            InviteCodeFactory.create_batch(2, pupil=pupil)

    add(2)
    office_client.get(SUMMARY_URL)
    with CaptureQueriesContext(connection) as few:
        office_client.get(SUMMARY_URL)
    add(8)
    with django_assert_num_queries(len(few)):
        response = office_client.get(SUMMARY_URL)
    assert response.content.decode().count('<td class="field-issued">') == 10
