"""The office's invite tools in the admin: letters with codes shown once (R1, R2), the list of
codes without their hashes, cancelling, and deciding requests from a third carer (R3)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ExtraParentRequest, InviteCode, ParentLink, User
from accounts.services.invites import hash_code
from classes.models import Pupil, SchoolClass
from tests.conftest import client_for
from tests.factories import (
    ExtraParentRequestFactory,
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
INVITES_URL = reverse("admin:accounts_invitecode_changelist")
REQUESTS_URL = reverse("admin:accounts_extraparentrequest_changelist")


@pytest.fixture
def office(school) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


def letters_for(client: Client, pupils: list[Pupil]) -> Any:
    return client.post(
        PUPILS_URL,
        {"action": "generate_invite_letters", "_selected_action": [p.pk for p in pupils]},
    )


def run_action(client: Client, url: str, action: str, objects: list[Any], **extra: str) -> Any:
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data)


# Letters (R1, R2) ----------------------------------------------------------------------------


def test_R2_letters_have_one_page_per_pupil_with_two_codes_and_qr_codes(
    office_client: Client, school_class: SchoolClass
) -> None:
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Rowntree")
    leo = PupilFactory(school_class=school_class, first_name="Leo", surname="Fairbairn")
    response = letters_for(office_client, [maya, leo])
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<article class="letter"') == 2
    assert html.count('<section class="slip">') == 4
    assert html.count("<svg ") == 4
    codes = CODE_SHOWN.findall(html)
    assert len(set(codes)) == 4
    stored = set(InviteCode.objects.values_list("code_hash", flat=True))
    assert {hash_code(code) for code in codes} == stored
    assert "New Village Primary" in html
    assert "Maya" in html
    assert "Leo" in html
    assert "Rowntree" not in html  # first names only (R6)
    assert "Fairbairn" not in html
    assert "Oak" in html
    assert "This code works once. Keep it private." in html
    assert "These codes are shown only now" in html
    expires = InviteCode.objects.first().expires_at  # type: ignore[union-attr]
    assert timezone.localtime(expires).strftime("%-d %B %Y") in html
    assert "no-store" in response["Cache-Control"]


def test_R2_letters_page_is_a_print_layout_with_a_language_and_a_main(
    office_client: Client, school_class: SchoolClass
) -> None:
    html = letters_for(office_client, [PupilFactory(school_class=school_class)]).content.decode()
    assert re.search(r'<html lang="[a-z-]+"', html)
    assert "<main>" in html
    assert "<title>" in html
    assert "css/letters.css" in html
    assert "<script" not in html
    assert 'style="' not in html
    assert 'id="qr-path"' not in html  # no repeated ids among many QR codes


def test_R2_qr_code_opens_the_join_page_with_the_code(
    office_client: Client, school_class: SchoolClass, settings: Any
) -> None:
    from accounts.admin.invite_actions import join_url, qr_svg

    settings.SITE_URL = "https://portal.school.example.org"
    assert (
        join_url("ABCD-EFGH-JKLM") == "https://portal.school.example.org/join/?code=ABCDEFGHJKLM"
    )
    svg = str(qr_svg(join_url("ABCD-EFGH-JKLM")))
    assert svg.startswith('<svg class="qr" aria-hidden="true"')
    assert "<path d=" in svg
    html = letters_for(office_client, [PupilFactory(school_class=school_class)]).content.decode()
    assert "https://portal.school.example.org/join/" in html


def test_R2_letters_skip_pupils_who_have_left_and_say_so(
    office_client: Client, school_class: SchoolClass
) -> None:
    here = PupilFactory(school_class=school_class, first_name="Maya")
    gone = PupilFactory(
        school_class=school_class,
        first_name="Zara",
        surname="Quill",
        leaving_date=date(2026, 7, 20),
    )
    html = letters_for(office_client, [here, gone]).content.decode()
    assert html.count('<article class="letter"') == 1
    assert "Zara Quill" in html  # named for the office, in the on-screen note
    assert not InviteCode.objects.filter(pupil=gone).exists()
    assert InviteCode.objects.filter(pupil=here).count() == 2


def test_R2_letters_for_only_pupils_who_have_left_make_nothing(
    office_client: Client, school_class: SchoolClass
) -> None:
    gone = PupilFactory(school_class=school_class, leaving_date=date(2026, 7, 20))
    response = letters_for(office_client, [gone])
    assert response.status_code == 302
    assert not InviteCode.objects.exists()


@pytest.mark.parametrize("factory", [TeacherFactory, ParentFactory])
def test_R1_teachers_and_parents_cannot_make_letters(
    school, school_class: SchoolClass, factory: Any
) -> None:
    user = factory(is_staff=True)
    with_totp(user)
    response = letters_for(client_for(user), [PupilFactory(school_class=school_class)])
    assert response.status_code in {302, 403}
    assert "slip-code" not in response.content.decode()
    assert not InviteCode.objects.exists()


def test_R1_office_without_two_factor_cannot_make_letters(
    school, school_class: SchoolClass
) -> None:
    response = letters_for(
        client_for(OfficeFactory(), two_factor=False), [PupilFactory(school_class=school_class)]
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin_needs_mfa")
    assert not InviteCode.objects.exists()


def test_R2_letters_for_a_class_take_the_same_queries_whatever_its_size(
    office_client: Client, django_assert_num_queries: Any
) -> None:
    small = SchoolClassFactory()
    large = SchoolClassFactory()
    small_pupils = PupilFactory.create_batch(2, school_class=small)
    large_pupils = PupilFactory.create_batch(9, school_class=large)
    letters_for(office_client, small_pupils)  # warm the session and permission caches
    InviteCode.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        letters_for(office_client, small_pupils)
    with django_assert_num_queries(len(few)):
        response = letters_for(office_client, large_pupils)
    assert response.content.decode().count('<article class="letter"') == 9


# The list of codes ---------------------------------------------------------------------------


@pytest.fixture
def codes_by_status(school_class: SchoolClass) -> dict[str, InviteCode]:
    now = timezone.now()
    pupil = PupilFactory(school_class=school_class)
    return {
        "unused": InviteCodeFactory(pupil=pupil),
        "used": InviteCodeFactory(pupil=pupil, used_at=now, used_by=ParentFactory()),
        "expired": InviteCodeFactory(pupil=pupil, expires_at=now - timedelta(days=1)),
        "revoked": InviteCodeFactory(pupil=pupil, revoked_at=now),
    }


def row_ids(response: Any) -> set[int]:
    return {
        int(pk)
        for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
    }


@pytest.mark.parametrize("status", ["unused", "used", "expired", "revoked"])
def test_R2_office_filters_codes_by_status(
    office_client: Client, codes_by_status: dict[str, InviteCode], status: str
) -> None:
    response = office_client.get(INVITES_URL, {"status": status})
    assert response.status_code == 200
    assert row_ids(response) == {codes_by_status[status].pk}


def test_R2_the_hash_is_never_shown_and_codes_cannot_be_added_or_edited(
    office_client: Client, codes_by_status: dict[str, InviteCode]
) -> None:
    invite = codes_by_status["unused"]
    listing = office_client.get(INVITES_URL).content.decode()
    detail = office_client.get(reverse("admin:accounts_invitecode_change", args=[invite.pk]))
    assert detail.status_code == 200
    for html in (listing, detail.content.decode()):
        for code in codes_by_status.values():
            assert code.code_hash not in html
    assert office_client.get(reverse("admin:accounts_invitecode_add")).status_code == 403
    before = InviteCode.objects.get(pk=invite.pk).expires_at
    office_client.post(
        reverse("admin:accounts_invitecode_change", args=[invite.pk]),
        {"expires_at_0": "2099-01-01", "expires_at_1": "00:00:00"},
    )
    assert InviteCode.objects.get(pk=invite.pk).expires_at == before


def test_R2_office_cancels_codes_from_the_list(
    office_client: Client, codes_by_status: dict[str, InviteCode]
) -> None:
    unused, used = codes_by_status["unused"], codes_by_status["used"]
    response = run_action(office_client, INVITES_URL, "revoke", [unused, used])
    assert response.status_code == 302
    unused.refresh_from_db()
    used.refresh_from_db()
    assert unused.revoked_at is not None
    assert used.revoked_at is None  # a used code stays as it was
    listing = office_client.get(INVITES_URL).content.decode()
    assert "1 code cancelled." in listing
    assert "cannot be cancelled" in listing


def test_R1_teachers_cannot_see_the_codes(school, codes_by_status: dict[str, InviteCode]) -> None:
    teacher = TeacherFactory(is_staff=True)
    with_totp(teacher)
    response = client_for(teacher).get(INVITES_URL)
    assert response.status_code in {302, 403}
    assert "_selected_action" not in response.content.decode()


def test_R2_code_list_takes_the_same_queries_whatever_its_length(
    office_client: Client, school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    def add_codes(count: int) -> None:
        for _n in range(count):
            pupil = PupilFactory(school_class=SchoolClassFactory())
            InviteCodeFactory(pupil=pupil, used_at=timezone.now(), used_by=ParentFactory())

    add_codes(2)
    office_client.get(INVITES_URL)
    with CaptureQueriesContext(connection) as few:
        office_client.get(INVITES_URL)
    add_codes(8)
    with django_assert_num_queries(len(few)):
        response = office_client.get(INVITES_URL)
    assert len(row_ids(response)) == 10


# Requests from a third carer (R3) -----------------------------------------------------------


@pytest.fixture
def full_pupil(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    ParentLinkFactory.create_batch(2, pupil=pupil)
    return pupil


def test_R3_office_sees_pending_requests_with_parent_and_pupil(
    office_client: Client, full_pupil: Pupil
) -> None:
    pending = ExtraParentRequestFactory(pupil=full_pupil, parent__email="third@example.org")
    refused = ExtraParentRequestFactory(pupil=full_pupil, status=ExtraParentRequest.Status.REFUSED)
    response = office_client.get(REQUESTS_URL, {"status__exact": "pending"})
    assert row_ids(response) == {pending.pk}
    html = response.content.decode()
    assert "third@example.org" in html
    assert str(full_pupil) in html
    assert refused.parent.email not in html


def test_R3_office_approves_a_request_from_the_list(
    office_client: Client, office: User, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    response = run_action(
        office_client, REQUESTS_URL, "approve", [request], confirm="yes", reason="Court order"
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.APPROVED
    assert request.decided_by == office
    assert ParentLink.objects.filter(pupil=full_pupil).count() == 3


def test_R3_office_refuses_a_request_from_the_list(
    office_client: Client, full_pupil: Pupil
) -> None:
    request = ExtraParentRequestFactory(pupil=full_pupil)
    run_action(office_client, REQUESTS_URL, "refuse", [request], confirm="yes", reason="Unknown")
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.REFUSED
    assert not ParentLink.objects.filter(parent=request.parent).exists()


def test_R3_teachers_cannot_decide_requests(school, full_pupil: Pupil) -> None:
    teacher = TeacherFactory(is_staff=True)
    with_totp(teacher)
    request = ExtraParentRequestFactory(pupil=full_pupil)
    response = run_action(
        client_for(teacher), REQUESTS_URL, "approve", [request], confirm="yes", reason="Yes"
    )
    assert response.status_code in {302, 403}
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.PENDING
    assert not ParentLink.objects.filter(parent=request.parent).exists()


def test_R3_request_list_takes_the_same_queries_whatever_its_length(
    office_client: Client, django_assert_num_queries: Any
) -> None:
    def add_requests(count: int) -> None:
        for _n in range(count):
            pupil = PupilFactory(school_class=SchoolClassFactory())
            ParentLinkFactory.create_batch(2, pupil=pupil)
            ExtraParentRequestFactory(pupil=pupil)

    add_requests(2)
    office_client.get(REQUESTS_URL)
    with CaptureQueriesContext(connection) as few:
        office_client.get(REQUESTS_URL)
    add_requests(8)
    with django_assert_num_queries(len(few)):
        response = office_client.get(REQUESTS_URL)
    assert len(row_ids(response)) == 10
