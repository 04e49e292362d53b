"""The office's day in a real browser at 1366×768 (R2, R3, R28): a lost letter is reprinted
and its old code stops working; a third carer's request waiting on the today page is refused
with a reason that the audit log keeps. Every page passes axe-core and loads nothing from
another host (and the admin's pages fit 320 px as well)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.exceptions import ValidationError
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import ExtraParentRequest, User
from accounts.services.invites import invite_redeem
from classes.models import School
from tests.browser.conftest import RequestLog, axe_check, check_page, sign_in
from tests.factories import (
    PASSWORD,
    ExtraParentRequestFactory,
    InviteCodeFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK: ViewportSize = {"width": 1366, "height": 768}
OLD_CODE = "ABCDEFGHJKLM"


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_with_totp(page: Page, live_server: Any, person: User) -> None:
    secret = with_totp(person)
    sign_in(page, live_server, str(person.email), PASSWORD)
    page.locator("input[name=code]").fill(totp_now(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.set_viewport_size(DESK)


def check_at_the_desk(page: Page, request_log: RequestLog) -> None:
    check_page(page, request_log)
    page.set_viewport_size(DESK)


def test_R2_the_office_reprints_a_lost_letter_and_the_old_code_stops_working(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    pupil = PupilFactory.create(school_class=oak, first_name="Maya", surname="Rowntree")
    InviteCodeFactory.create(pupil=pupil, code=OLD_CODE)
    office = OfficeFactory.create()
    sign_in_with_totp(page, live_server, office)

    page.goto(f"{live_server.url}/admin/classes/pupil/?q=Rowntree")
    check_at_the_desk(page, request_log)
    page.get_by_role("link", name="Maya", exact=True).click()  # 1: the pupil
    page.get_by_role("link", name="Reprint a lost letter").click()  # 2: the reprint
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reprint a lost letter for")
    expect(page.locator("#content")).to_contain_text("the 1 code of this pupil that still works")
    check_at_the_desk(page, request_log)
    page.get_by_role("button", name="Cancel the earlier codes and print a new letter").click()  # 3

    expect(page.locator(".instructions")).to_contain_text(
        "1 earlier code for this pupil no longer works."
    )
    codes = page.locator("p.slip-code").all_inner_texts()
    assert len(codes) == 2 and all(re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){2}", c) for c in codes)
    axe_check(page)  # a print layout: its width is the A4 page's
    request_log.assert_all_local()

    with pytest.raises(ValidationError) as refused:
        invite_redeem(
            parent=ParentFactory.create(), code=OLD_CODE, date_of_birth=pupil.date_of_birth, ip=""
        )
    assert refused.value.code == "revoked"
    joined = invite_redeem(
        parent=ParentFactory.create(), code=codes[0], date_of_birth=pupil.date_of_birth, ip=""
    )
    assert joined.linked


def test_R3_R28_a_request_on_the_today_page_is_refused_with_a_reason_the_log_keeps(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    pupil = PupilFactory.create(school_class=SchoolClassFactory.create(name="Oak"))
    ParentLinkFactory.create_batch(2, pupil=pupil)
    request = ExtraParentRequestFactory.create(pupil=pupil)
    leader = LeaderFactory.create(first_name="Helen", last_name="Ward")
    sign_in_with_totp(page, live_server, leader)

    page.goto(f"{live_server.url}/admin/")
    waiting = page.locator("section.today tr", has_text="Requests from a third carer to decide")
    expect(waiting).to_contain_text("1")
    check_at_the_desk(page, request_log)
    waiting.get_by_role("link").click()  # 1: the list, filtered to waiting requests
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    check_at_the_desk(page, request_log)
    page.locator("input[name=_selected_action]").check()  # 2
    page.locator("select[name=action]").select_option("refuse")  # 3
    page.get_by_role("button", name="Go").click()  # 4
    expect(page.get_by_role("heading", level=1)).to_have_text("Refuse requests from a third carer")
    check_at_the_desk(page, request_log)
    page.get_by_label("Reason (kept with the decision and in the audit log)").fill(
        "Not known to the school; the child's parents were asked."
    )  # 5
    page.get_by_role("button", name="Refuse", exact=True).click()  # 6
    expect(page.locator(".messagelist")).to_contain_text("1 request refused.")
    request.refresh_from_db()
    assert request.status == ExtraParentRequest.Status.REFUSED

    page.goto(f"{live_server.url}/admin/audit/auditentry/?action=extra_request_refused")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.field-by")).to_have_text("Helen Ward (Leader)")
    check_at_the_desk(page, request_log)
    row.locator("th a").click()
    expect(page.locator("#content")).to_contain_text("the child's parents were asked.")
    check_at_the_desk(page, request_log)


def test_R32_the_office_prints_the_not_yet_joined_list_and_sends_the_reminder(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    from django.core import mail

    from consent.models import FamilyContact
    from notifications.models import BouncedAddress

    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya", home_language="pl")
    leo = PupilFactory.create(school_class=oak, first_name="Leo")
    elm_pupil = PupilFactory.create(school_class=SchoolClassFactory.create(name="Elm"))
    FamilyContact.objects.create(pupil=maya, email="anna@example.org")
    FamilyContact.objects.create(pupil=leo, email="old@example.org")
    FamilyContact.objects.create(pupil=elm_pupil, email="elm@example.org")
    BouncedAddress.objects.create(email="old@example.org", reason="550 No such mailbox")
    office = OfficeFactory.create()
    sign_in_with_totp(page, live_server, office)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Parents not yet joined", exact=True).click()  # 1: the list
    check_at_the_desk(page, request_log)
    page.locator("#changelist-filter").get_by_role("link", name="Oak").click()  # 2: one class
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Print").click()  # 3: the print view
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Address bounced")
    check_at_the_desk(page, request_log)
    page.get_by_role("link", name="Back to the list").click()  # 4
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.locator("#action-toggle").check()  # 5: every row shown
    page.locator("select[name=action]").select_option("send_reminder")  # 6
    page.get_by_role("button", name="Go").click()  # 7
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Reminder sent to anna@example.org.")
    expect(messages).to_contain_text("Not sent, the address bounced: old@example.org.")
    check_at_the_desk(page, request_log)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "en-gb, pl"


def test_the_class_list_and_the_urgent_notice_readers_print_and_pass_axe(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    from django.utils import timezone

    from stories.models import Audience, Post, PostSeen

    oak = SchoolClassFactory.create(name="Oak")
    for first_name, surname in [("Amir", "Khan"), ("Amir", "Kowalski"), ("Zoe", "Ashworth")]:
        PupilFactory.create(school_class=oak, first_name=first_name, surname=surname)
    PupilFactory.create(school_class=SchoolClassFactory.create(name="Elm"), first_name="Nia")
    office = OfficeFactory.create()
    reader = ParentLinkFactory.create(pupil__school_class=oak, parent__first_name="Ada").parent
    ParentLinkFactory.create(pupil__school_class=oak, parent__first_name="Ben")
    snow = Post.objects.create(
        audience=Audience.SCHOOL,
        urgent=True,
        author=office,
        body="School closed today: snow",
        language="en-gb",
        published_at=timezone.now(),
    )
    PostSeen.objects.create(post=snow, user=reader)
    sign_in_with_totp(page, live_server, office)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Class lists").first.click()  # 1
    page.locator("#changelist-filter").get_by_role("link", name="Oak").click()  # 2
    check_at_the_desk(page, request_log)
    page.get_by_role("link", name="Print").click()  # 3
    expect(page.locator("main")).to_contain_text("Amir Kh.")
    expect(page.locator("main")).not_to_contain_text("Kowalski")
    check_at_the_desk(page, request_log)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Readers of urgent notices").first.click()  # 1
    check_at_the_desk(page, request_log)
    page.locator("#changelist-filter").get_by_role("link", name="Not read").click()  # 2
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Print").click()  # 3
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Ben")
    check_at_the_desk(page, request_log)
