"""One answer to "may this child appear in media, and if not why" (R11, R14): the office's
consent list, the teachers' roster and the composer all show the verdict of
``consent.selectors.media``; and the consent history shows only what each change changed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from classes.models import Pupil, SchoolClass
from consent.models import ConsentChange, MediaStatus
from consent.selectors import media_verdicts
from consent.services.media import looked_after_set, media_consent_record
from tests.conftest import client_for
from tests.factories import OfficeFactory, PupilFactory, with_totp

pytestmark = pytest.mark.django_db

FORM_DATE = dt.date(2025, 9, 3)
CHANGELIST_URL = reverse("admin:consent_consentpupil_changelist")


@pytest.fixture
def office(school: Any) -> User:
    office = OfficeFactory()
    with_totp(office)
    return office


@pytest.fixture
def office_client(office: User) -> Client:
    return client_for(office)


def grant(office: User, pupil: Pupil) -> None:
    media_consent_record(
        acting_user=office, pupils=[pupil], status=MediaStatus.GRANTED, form_date=FORM_DATE
    )


def list_verdicts(client: Client) -> dict[str, str]:
    html = client.get(CHANGELIST_URL).content.decode()
    rows = re.findall(
        r'<th class="field-first_name"><a [^>]*>([^<]+)</a></th>'
        r'.*?<td class="field-verdict">([^<]*)</td>',
        html,
        flags=re.S,
    )
    return dict(rows)


@pytest.fixture
def every_reason(office: User, school_class: SchoolClass) -> dict[str, Pupil]:
    pupils: dict[str, Pupil] = {
        name: PupilFactory.create(school_class=school_class, first_name=name)
        for name in ("Maya", "Leo", "Zara", "Omar", "Ivy")
    }
    grant(office, pupils["Maya"])
    grant(office, pupils["Leo"])
    looked_after_set(acting_user=office, pupils=[pupils["Leo"]], looked_after=True)
    media_consent_record(acting_user=office, pupils=[pupils["Zara"]], status=MediaStatus.REFUSED)
    grant(office, pupils["Omar"])
    media_consent_record(acting_user=office, pupils=[pupils["Omar"]], status=MediaStatus.WITHDRAWN)
    return pupils  # Ivy: no form


def test_R11_the_consent_list_says_a_looked_after_child_must_not_appear(
    office_client: Client, every_reason: dict[str, Pupil]
) -> None:
    assert list_verdicts(office_client) == {
        "Maya": "May appear",
        "Leo": "Must not appear — looked-after child",
        "Zara": "Must not appear — consent refused",
        "Omar": "Must not appear — consent withdrawn",
        "Ivy": "Must not appear — no consent form",
    }


def test_R11_R14_the_list_the_roster_and_the_composer_give_the_selectors_verdict(
    office_client: Client, every_reason: dict[str, Pupil], teacher: User, school_class: SchoolClass
) -> None:
    verdicts = media_verdicts(p.pk for p in every_reason.values())
    listed = list_verdicts(office_client)
    roster = client_for(teacher).get(reverse("consent_roster_class", args=[school_class.pk]))
    composer = client_for(teacher).get(reverse("stories_new_class", args=[school_class.pk]))
    for name, pupil in every_reason.items():
        verdict = verdicts[pupil.pk]
        assert listed[name] == verdict.text
        if verdict.may_appear:
            continue
        assert f'{verdict.display_name}</span> <span class="roster-status">{verdict.text}' in (
            roster.content.decode()
        )
        assert f"{verdict.display_name} – {verdict.reason_text}" in composer.content.decode()


def test_R11_the_list_filters_by_the_same_verdict(
    office_client: Client, every_reason: dict[str, Pupil]
) -> None:
    response = office_client.get(CHANGELIST_URL, {"consent": "looked_after"})
    assert [p.first_name for p in response.context["cl"].result_list] == ["Leo"]
    response = office_client.get(CHANGELIST_URL, {"consent": "may_appear"})
    assert [p.first_name for p in response.context["cl"].result_list] == ["Maya"]


def history_rows(client: Client, pupil: Pupil) -> list[str]:
    html = client.get(reverse("admin:consent_consentpupil_change", args=[pupil.pk])).content
    return html.decode().split('<tr class="history-row">')[1:]


def test_R14_a_refusal_and_a_withdrawal_do_not_carry_the_earlier_forms_date(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)
    # The change page offers the form's date already there: sent back with a refusal, it is
    # not the evidence of the refusal.
    media_consent_record(
        acting_user=office,
        pupils=[pupil],
        status=MediaStatus.REFUSED,
        form_date=FORM_DATE,
        evidence="Letter from Mum",
    )
    media_consent_record(
        acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN, evidence="Phone call"
    )
    withdrawn, refused, granted = history_rows(office_client, pupil)
    assert "Refused → Withdrawn" in withdrawn and "Phone call" in withdrawn
    assert "Granted → Refused" in refused and "Letter from Mum" in refused
    assert "3 Sep 2025" not in withdrawn and "3 Sep 2025" not in refused
    assert "No record → Granted" in granted and "3 Sep 2025" in granted
    rows = ConsentChange.objects.filter(pupil=pupil).order_by("pk")
    assert [row.form_date for row in rows] == [FORM_DATE, None, None]


def test_R14_a_new_form_for_a_refusal_keeps_its_own_date(
    office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)
    media_consent_record(
        acting_user=office,
        pupils=[pupil],
        status=MediaStatus.REFUSED,
        form_date=dt.date(2025, 11, 14),
    )
    assert ConsentChange.objects.filter(pupil=pupil).latest("pk").form_date == dt.date(
        2025, 11, 14
    )


def test_R14_a_change_of_looked_after_status_shows_only_that(
    office_client: Client, office: User, school_class: SchoolClass
) -> None:
    pupil = PupilFactory(school_class=school_class)
    grant(office, pupil)
    looked_after_set(
        acting_user=office, pupils=[pupil], looked_after=True, evidence="Social worker's email"
    )
    latest = history_rows(office_client, pupil)[0]
    assert "looked-after: No → Yes" in latest
    assert "→ Granted" not in latest and "Granted →" not in latest
    assert "3 Sep 2025" not in latest
    assert "Social worker&#x27;s email" in latest
