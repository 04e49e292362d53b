"""Invite codes as services: made only by the office (R1), single-use, expiring, hashed and
checked with the child's date of birth under a failure limit (R2), and at most two parents per
child, a third becoming a request the office decides (R3)."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import ExtraParentRequest, InviteCode, ParentLink, Role, User
from accounts.services import invites
from accounts.services.invites import (
    ALREADY_DECIDED,
    ALREADY_LINKED,
    ALREADY_REQUESTED,
    BAD_CODE_OR_DATE,
    CANNOT_REVOKE_USED,
    CODE_EXPIRED,
    CODE_REVOKED,
    CODE_USED,
    EMAIL_EXISTS,
    PUPIL_NOT_CURRENT,
    RedeemResult,
    extra_parent_request_decide,
    hash_code,
    invite_check,
    invite_codes_create,
    invite_redeem,
    invite_revoke,
    parent_join,
)
from classes.models import TYPEABLE_ALPHABET, Pupil, School, SchoolClass
from tests.clock import on_this_clock
from tests.factories import (
    ExtraParentRequestFactory,
    InviteCodeFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SupportFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKLM"
DOB = date(2018, 5, 17)
IP = "203.0.113.7"
STRONG_PASSWORD = "plum-orchard-lantern-42"


@pytest.fixture
def pupil(school, school_class: SchoolClass) -> Pupil:
    return PupilFactory(school_class=school_class, first_name="Maya", date_of_birth=DOB)


@pytest.fixture
def invite(pupil: Pupil) -> InviteCode:
    return InviteCodeFactory(pupil=pupil, code=CODE)


def refused(call: Callable[..., object], **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.messages


def assert_unused(invite: InviteCode) -> None:
    invite.refresh_from_db()
    assert invite.used_at is None
    assert invite.used_by is None
    assert not ParentLink.objects.filter(pupil=invite.pupil).exists()
    assert not ExtraParentRequest.objects.exists()


# Making codes (R1, R2) -------------------------------------------------------------------------


def test_R2_new_codes_are_12_typeable_characters_shown_in_groups_of_four(pupil: Pupil) -> None:
    made = invite_codes_create(acting_user=OfficeFactory(), pupils=[pupil], per_pupil=2)
    assert len(made) == 2
    for _invite, code in made:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        plain = code.replace("-", "")
        assert set(plain) <= set(TYPEABLE_ALPHABET)
        assert not set(plain) & set("01OI")


def test_R2_codes_have_at_least_50_bits_of_entropy(pupil: Pupil) -> None:
    assert invites.CODE_LENGTH * math.log2(len(set(TYPEABLE_ALPHABET))) >= 50
    made = invite_codes_create(acting_user=OfficeFactory(), pupils=[pupil], per_pupil=4)
    codes = {code for _invite, code in made}
    # Every character of the alphabet is possible in every place: none is stuck.
    many = {invites.new_code() for _ in range(400)}
    assert len(codes) == 4
    assert len(many) == 400
    assert set("".join(many)) == set(TYPEABLE_ALPHABET)


def test_R2_only_a_keyed_hash_is_stored_and_the_code_is_nowhere_in_the_database(
    pupil: Pupil, capsys: pytest.CaptureFixture[str]
) -> None:
    made = invite_codes_create(acting_user=OfficeFactory(), pupils=[pupil], per_pupil=2)
    for invite, code in made:
        stored = InviteCode.objects.get(pk=invite.pk).code_hash
        plain = code.replace("-", "")
        expected = hmac.new(settings.SECRET_KEY.encode(), plain.encode(), hashlib.sha256)
        assert stored == expected.hexdigest()
        assert len(stored) == 64
        assert stored != plain
    capsys.readouterr()
    call_command("dumpdata", "accounts", "classes", "--format=json")
    dump = capsys.readouterr().out
    assert made[0][0].code_hash in dump  # the dump holds the invites...
    for _invite, code in made:
        assert code not in dump  # ...but never a code
        assert code.replace("-", "") not in dump


def test_R2_codes_expire_after_the_configured_number_of_days(pupil: Pupil) -> None:
    before = timezone.now()
    [(invite, _code)] = invite_codes_create(
        acting_user=LeaderFactory(), pupils=[pupil], per_pupil=1
    )
    valid = timedelta(days=settings.INVITE_CODE_VALID_DAYS)
    assert before + valid <= invite.expires_at <= timezone.now() + valid
    assert invite.created_by is not None


@pytest.mark.parametrize("factory", [ParentFactory, TeacherFactory, SupportFactory])
def test_R1_only_the_office_and_leaders_make_codes(pupil: Pupil, factory: Any) -> None:
    with pytest.raises(PermissionDenied):
        invite_codes_create(acting_user=factory(), pupils=[pupil])
    assert not InviteCode.objects.exists()


def test_R2_no_codes_for_a_pupil_who_has_left(pupil: Pupil, school_class: SchoolClass) -> None:
    left = PupilFactory(
        school_class=school_class, first_name="Zara", surname="Quill", leaving_date=DOB
    )
    messages = refused(invite_codes_create, acting_user=OfficeFactory(), pupils=[pupil, left])
    assert "Zara Quill" in messages[0]
    assert "have left" in messages[0]
    assert not InviteCode.objects.exists()


def test_R2_codes_per_pupil_must_be_sensible(pupil: Pupil) -> None:
    office = OfficeFactory()
    for per_pupil in (0, invites.MAX_CODES_PER_PUPIL + 1):
        refused(invite_codes_create, acting_user=office, pupils=[pupil], per_pupil=per_pupil)
    refused(invite_codes_create, acting_user=office, pupils=[])
    assert not InviteCode.objects.exists()


# Redeeming (R2) ----------------------------------------------------------------------------------


def test_R2_right_code_and_date_of_birth_link_the_parent(invite: InviteCode) -> None:
    parent = ParentFactory()
    result = invite_redeem(parent=parent, code=CODE, date_of_birth=DOB, ip=IP)
    assert result.linked
    assert ParentLink.objects.filter(parent=parent, pupil=invite.pupil).exists()
    invite.refresh_from_db()
    assert invite.used_by == parent
    assert invite.used_at is not None


def test_R2_code_typed_in_lower_case_with_spaces_and_hyphens_still_works(
    invite: InviteCode,
) -> None:
    parent = ParentFactory()
    invite_redeem(parent=parent, code=" abcd-efgh jklm ", date_of_birth=DOB, ip=IP)
    assert ParentLink.objects.filter(parent=parent, pupil=invite.pupil).exists()


def test_R2_unknown_code_is_refused(invite: InviteCode) -> None:
    parent = ParentFactory()
    messages = refused(invite_redeem, parent=parent, code="ZZZZZZZZZZZZ", date_of_birth=DOB, ip=IP)
    assert messages == [BAD_CODE_OR_DATE]
    assert_unused(invite)


def test_R2_wrong_date_of_birth_gets_the_same_message_as_a_wrong_code(invite: InviteCode) -> None:
    parent = ParentFactory()
    messages = refused(
        invite_redeem, parent=parent, code=CODE, date_of_birth=date(2018, 5, 18), ip=IP
    )
    assert messages == [BAD_CODE_OR_DATE]
    assert_unused(invite)


def test_R2_expired_code_is_refused_once_the_date_of_birth_matches(invite: InviteCode) -> None:
    InviteCode.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(1))
    parent = ParentFactory()
    wrong_date = refused(
        invite_redeem, parent=parent, code=CODE, date_of_birth=date(2017, 1, 1), ip=IP
    )
    assert wrong_date == [BAD_CODE_OR_DATE]  # nothing told about the code itself
    assert refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=IP) == [
        CODE_EXPIRED
    ]
    assert_unused(invite)


def test_R2_used_code_is_refused(invite: InviteCode) -> None:
    first = ParentFactory()
    invite_redeem(parent=first, code=CODE, date_of_birth=DOB, ip=IP)
    second = ParentFactory()
    assert refused(invite_redeem, parent=second, code=CODE, date_of_birth=DOB, ip=IP) == [
        CODE_USED
    ]
    assert list(ParentLink.objects.values_list("parent", flat=True)) == [first.pk]
    invite.refresh_from_db()
    assert invite.used_by == first


def test_R2_revoked_code_is_refused(invite: InviteCode) -> None:
    invite_revoke(acting_user=OfficeFactory(), invite=invite)
    parent = ParentFactory()
    assert refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=IP) == [
        CODE_REVOKED
    ]
    assert_unused(invite)


def test_R2_code_for_a_pupil_who_has_since_left_is_refused(invite: InviteCode) -> None:
    Pupil.objects.filter(pk=invite.pupil_id).update(leaving_date=timezone.localdate())
    parent = ParentFactory()
    assert refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=IP) == [
        PUPIL_NOT_CURRENT
    ]
    assert_unused(invite)


def test_R2_parent_already_linked_to_the_child_keeps_the_code_unused(invite: InviteCode) -> None:
    link = ParentLinkFactory(pupil=invite.pupil)
    assert refused(invite_redeem, parent=link.parent, code=CODE, date_of_birth=DOB, ip=IP) == [
        ALREADY_LINKED
    ]
    invite.refresh_from_db()
    assert invite.used_at is None
    assert ParentLink.objects.count() == 1


@pytest.mark.parametrize("factory", [TeacherFactory, OfficeFactory, LeaderFactory])
def test_R2_staff_cannot_redeem_a_code(invite: InviteCode, factory: Any) -> None:
    with pytest.raises(PermissionDenied):
        invite_redeem(parent=factory(), code=CODE, date_of_birth=DOB, ip=IP)
    assert_unused(invite)


# The failure limit (R2) ----------------------------------------------------------------------


def fail(parent: User, ip: str, code: str = "ZZZZZZZZZZZZ") -> None:
    with pytest.raises(ValidationError):
        invite_redeem(parent=parent, code=code, date_of_birth=DOB, ip=ip)


def assert_too_many_tries(parent: User, ip: str) -> None:
    messages = refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=ip)
    assert messages == [
        "Too many tries. Please wait 15 minutes or contact the school office on 01302 555 0100."
    ]


def test_R2_sixth_attempt_is_refused_even_with_the_right_code(invite: InviteCode) -> None:
    parent = ParentFactory()
    for attempt in range(settings.INVITE_MAX_FAILURES):
        fail(parent, IP, code=f"ZZZZZZZZZZZ{TYPEABLE_ALPHABET[attempt]}")
    assert_too_many_tries(parent, IP)
    assert_unused(invite)


def test_R2_failures_are_counted_across_processes(invite: InviteCode) -> None:
    """Five failures made by another process (another web worker) block this one too."""
    import os
    import subprocess
    import sys

    script = on_this_clock(
        "import django; django.setup()\n"
        "from accounts.services.invites import INVITE_LIMIT\n"
        f"for _ in range({settings.INVITE_MAX_FAILURES}): INVITE_LIMIT.record_failure('ip:{IP}')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dojo_portal.settings.test"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=60)
    assert_too_many_tries(ParentFactory(), IP)
    assert_unused(invite)


def test_R2_four_failures_still_let_the_right_code_through(invite: InviteCode) -> None:
    parent = ParentFactory()
    for _attempt in range(settings.INVITE_MAX_FAILURES - 1):
        fail(parent, IP)
    assert invite_redeem(parent=parent, code=CODE, date_of_birth=DOB, ip=IP).linked


def test_R2_failures_count_per_ip_address_across_accounts(invite: InviteCode) -> None:
    for _attempt in range(settings.INVITE_MAX_FAILURES):
        fail(ParentFactory(), IP, code=invites.new_code())
    assert_too_many_tries(ParentFactory(), IP)
    assert_unused(invite)
    # Another address is not held back by this one's failures.
    assert invite_redeem(parent=ParentFactory(), code=CODE, date_of_birth=DOB, ip="198.51.100.9")


def test_R2_failures_count_per_account_across_ip_addresses(invite: InviteCode) -> None:
    parent = ParentFactory()
    for attempt in range(settings.INVITE_MAX_FAILURES):
        fail(parent, f"192.0.2.{attempt + 1}", code=invites.new_code())
    assert_too_many_tries(parent, "192.0.2.200")
    assert_unused(invite)


def test_R2_wrong_dates_of_birth_count_against_the_code_itself(invite: InviteCode) -> None:
    for attempt in range(settings.INVITE_MAX_FAILURES):
        with pytest.raises(ValidationError):
            invite_redeem(
                parent=ParentFactory(),
                code=CODE,
                date_of_birth=date(2018, 1, attempt + 1),
                ip=f"192.0.2.{attempt + 1}",
            )
    assert_too_many_tries(ParentFactory(), "192.0.2.200")
    assert_unused(invite)


def test_R2_the_limit_message_without_an_office_phone(invite: InviteCode, school: School) -> None:
    school.office_phone = ""
    school.save()
    parent = ParentFactory()
    for _attempt in range(settings.INVITE_MAX_FAILURES):
        fail(parent, IP)
    assert refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=IP) == [
        "Too many tries. Please wait 15 minutes or contact the school office."
    ]


def test_R2_expired_and_used_codes_with_the_right_date_are_not_counted_as_guesses(
    invite: InviteCode,
) -> None:
    # Someone who types a real code that has run out is not guessing: they are told, and
    # can still use a fresh code from a new letter.
    InviteCode.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(1))
    parent = ParentFactory()
    for _attempt in range(settings.INVITE_MAX_FAILURES + 1):
        assert refused(invite_redeem, parent=parent, code=CODE, date_of_birth=DOB, ip=IP) == [
            CODE_EXPIRED
        ]
    InviteCodeFactory(pupil=invite.pupil, code="MMMMNNNNPPPP")
    assert invite_redeem(parent=parent, code="MMMMNNNNPPPP", date_of_birth=DOB, ip=IP).linked


# Two parents at most (R3) ----------------------------------------------------------------------


def test_R3_third_redemption_becomes_a_pending_request_not_a_link(invite: InviteCode) -> None:
    ParentLinkFactory.create_batch(2, pupil=invite.pupil)
    third = ParentFactory()
    result = invite_redeem(parent=third, code=CODE, date_of_birth=DOB, ip=IP)
    assert not result.linked
    assert result.request is not None
    assert result.request.status == ExtraParentRequest.Status.PENDING
    assert not ParentLink.objects.filter(parent=third).exists()
    assert ParentLink.objects.filter(pupil=invite.pupil).count() == 2
    invite.refresh_from_db()
    assert invite.used_by == third  # the code is used up either way
    assert result.request.invite == invite


def test_R3_second_parent_is_still_linked(invite: InviteCode) -> None:
    ParentLinkFactory(pupil=invite.pupil)
    assert invite_redeem(parent=ParentFactory(), code=CODE, date_of_birth=DOB, ip=IP).linked
    assert ParentLink.objects.filter(pupil=invite.pupil).count() == 2


def test_R3_a_second_request_for_the_same_child_is_refused(invite: InviteCode) -> None:
    ParentLinkFactory.create_batch(2, pupil=invite.pupil)
    third = ParentFactory()
    ExtraParentRequestFactory(parent=third, pupil=invite.pupil)
    assert refused(invite_redeem, parent=third, code=CODE, date_of_birth=DOB, ip=IP) == [
        ALREADY_REQUESTED
    ]
    invite.refresh_from_db()
    assert invite.used_at is None
    assert ExtraParentRequest.objects.count() == 1


def test_R3_office_approving_a_request_links_the_third_parent(pupil: Pupil) -> None:
    ParentLinkFactory.create_batch(2, pupil=pupil)
    request = ExtraParentRequestFactory(pupil=pupil)
    office = OfficeFactory()
    decided = extra_parent_request_decide(acting_user=office, request=request, approve=True)
    assert decided.status == ExtraParentRequest.Status.APPROVED
    assert decided.decided_by == office
    assert decided.decided_at is not None
    assert ParentLink.objects.filter(parent=request.parent, pupil=pupil).exists()
    assert ParentLink.objects.filter(pupil=pupil).count() == 3


def test_R3_office_refusing_a_request_does_not_link(pupil: Pupil) -> None:
    request = ExtraParentRequestFactory(pupil=pupil)
    decided = extra_parent_request_decide(
        acting_user=LeaderFactory(), request=request, approve=False
    )
    assert decided.status == ExtraParentRequest.Status.REFUSED
    assert not ParentLink.objects.filter(parent=request.parent).exists()


def test_R3_a_request_is_decided_once(pupil: Pupil) -> None:
    request = ExtraParentRequestFactory(pupil=pupil)
    office = OfficeFactory()
    extra_parent_request_decide(acting_user=office, request=request, approve=False)
    assert refused(
        extra_parent_request_decide, acting_user=office, request=request, approve=True
    ) == [ALREADY_DECIDED]
    assert not ParentLink.objects.filter(parent=request.parent).exists()
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.REFUSED


@pytest.mark.parametrize("factory", [TeacherFactory, ParentFactory])
def test_R3_only_the_office_decides_requests(pupil: Pupil, factory: Any) -> None:
    request = ExtraParentRequestFactory(pupil=pupil)
    with pytest.raises(PermissionDenied):
        extra_parent_request_decide(acting_user=factory(), request=request, approve=True)
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.PENDING
    assert not ParentLink.objects.exists()


class SlowClock:
    """``timezone`` for the service with a pause at every reading of the clock, which falls
    between counting a child's links and writing the new one: without the lock on the pupil's
    row, both redemptions would count one link and both add theirs."""

    @staticmethod
    def now() -> datetime:
        time.sleep(0.3)
        return timezone.now()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_R3_two_redemptions_at_once_never_make_three_links(
    school_class: SchoolClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not connection.features.has_select_for_update:
        pytest.skip("needs PostgreSQL: threads cannot share SQLite's in-memory test database")
    monkeypatch.setattr(invites, "timezone", SlowClock)
    pupil = PupilFactory(school_class=school_class, date_of_birth=DOB)
    ParentLinkFactory(pupil=pupil)
    codes = ["AAAABBBBCCCC", "DDDDEEEEFFFF"]
    for code in codes:
        InviteCodeFactory(pupil=pupil, code=code)
    parents = [ParentFactory(), ParentFactory()]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def redeem(parent: User, code: str) -> None:
        try:
            start.wait()
            invite_redeem(parent=parent, code=code, date_of_birth=DOB, ip=IP)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=redeem, args=pair) for pair in zip(parents, codes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert ParentLink.objects.filter(pupil=pupil).count() == 2
    assert ExtraParentRequest.objects.filter(pupil=pupil).count() == 1


# Cancelling codes ---------------------------------------------------------------------------


def test_R2_office_cancels_an_unused_code(invite: InviteCode) -> None:
    revoked = invite_revoke(acting_user=OfficeFactory(), invite=invite)
    assert revoked.revoked_at is not None


def test_R2_a_used_code_cannot_be_cancelled(invite: InviteCode) -> None:
    invite_redeem(parent=ParentFactory(), code=CODE, date_of_birth=DOB, ip=IP)
    assert refused(invite_revoke, acting_user=OfficeFactory(), invite=invite) == [
        CANNOT_REVOKE_USED
    ]
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_R1_teachers_cannot_cancel_codes(invite: InviteCode) -> None:
    with pytest.raises(PermissionDenied):
        invite_revoke(acting_user=TeacherFactory(), invite=invite)
    invite.refresh_from_db()
    assert invite.revoked_at is None


# A new parent's account (R2) -------------------------------------------------------------------


def join(**overrides: object) -> RedeemResult:
    data: dict[str, object] = {
        "email": "new.parent@example.org",
        "password": STRONG_PASSWORD,
        "first_name": "Robin",
        "last_name": "Ashdown",
        "preferred_language": "pl",
        "code": CODE,
        "date_of_birth": DOB,
        "ip": IP,
    }
    data.update(overrides)
    return parent_join(**data)  # type: ignore[arg-type]


def assert_no_new_account(invite: InviteCode) -> None:
    assert not User.objects.filter(first_name="Robin", last_name="Ashdown").exists()
    assert not User.objects.filter(email__iexact="new.parent@example.org").exists()
    assert not EmailAddress.objects.exists()
    assert_unused(invite)


def test_R2_new_parent_gets_an_account_an_email_address_and_the_link(invite: InviteCode) -> None:
    result = join(email="New.Parent@Example.org")
    parent = User.objects.get(email="new.parent@example.org")
    assert result.parent == parent
    assert parent.role == Role.PARENT
    assert parent.preferred_language == "pl"
    assert parent.check_password(STRONG_PASSWORD)
    address = EmailAddress.objects.get(user=parent)
    assert (address.email, address.primary, address.verified) == (parent.email, True, False)
    assert ParentLink.objects.filter(parent=parent, pupil=invite.pupil).exists()


def test_R2_new_parent_with_an_existing_email_gets_nothing(invite: InviteCode) -> None:
    existing = TeacherFactory(email="taken@example.org")
    messages = refused(join, email="TAKEN@example.org")
    assert messages == [EMAIL_EXISTS]
    assert list(User.objects.filter(email__iexact="taken@example.org")) == [existing]
    assert_no_new_account(invite)


def test_R2_new_parent_with_a_wrong_code_gets_nothing(invite: InviteCode) -> None:
    assert refused(join, code="ZZZZZZZZZZZZ") == [BAD_CODE_OR_DATE]
    assert_no_new_account(invite)


def test_R2_new_parent_with_a_weak_password_gets_nothing(invite: InviteCode) -> None:
    assert refused(join, password="password")
    assert_no_new_account(invite)


def test_R2_new_parent_account_is_not_kept_when_linking_fails(
    invite: InviteCode, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise ValidationError("the link could not be written")

    monkeypatch.setattr(invites, "_link_or_request", broken)
    refused(join)
    assert_no_new_account(invite)


def test_R2_new_parent_failures_count_against_the_email_they_typed(invite: InviteCode) -> None:
    for attempt in range(settings.INVITE_MAX_FAILURES):
        with pytest.raises(ValidationError):
            join(code=invites.new_code(), ip=f"192.0.2.{attempt + 1}")
    messages = refused(join, ip="192.0.2.200")
    assert messages[0].startswith("Too many tries.")
    assert_no_new_account(invite)


def test_R2_checking_a_code_before_the_account_exists_writes_nothing(invite: InviteCode) -> None:
    checked = invite_check(code="abcd-efgh-jklm", date_of_birth=DOB, ip=IP, email="a@example.org")
    assert checked == invite
    assert_unused(invite)
    wrong = refused(
        invite_check, code=CODE, date_of_birth=date(2019, 1, 1), ip=IP, email="a@example.org"
    )
    assert wrong == [BAD_CODE_OR_DATE]


def test_R2_hash_ignores_case_spaces_and_hyphens() -> None:
    assert hash_code("abcd-efgh jklm") == hash_code(CODE)
    assert hash_code(CODE) != hash_code("ABCDEFGHJKLN")
