"""R11: the question every app asks — may these pupils appear in media, and if not, why — and
R13: taking permission away emits exactly one event; R14: every change is in the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from classes.models import Pupil
from consent.events import media_permission_lost
from consent.models import ConsentChange, MediaStatus, PupilConsent
from consent.selectors import media_refusals, media_verdicts, roster_for
from consent.services.media import (
    FORM_DATE_IN_FUTURE,
    FORM_DATE_NEEDED,
    looked_after_set,
    media_consent_record,
)
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

FORM = dt.date(2026, 9, 3)


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def events() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        received.append(kwargs)

    media_permission_lost.connect(receiver)
    yield received
    media_permission_lost.disconnect(receiver)


def grant(office, *pupils: Pupil) -> None:
    media_consent_record(
        acting_user=office, pupils=pupils, status=MediaStatus.GRANTED, form_date=FORM
    )


def test_R11_no_record_means_no_consent(office) -> None:
    pupil = PupilFactory(first_name="Maya")
    verdict = media_verdicts([pupil.pk])[pupil.pk]
    assert not verdict.may_appear
    assert verdict.reason_text == "no consent form"
    assert verdict.display_name == "Maya"


def test_R11_granted_refused_and_withdrawn(office) -> None:
    oak = SchoolClassFactory()
    yes, no, gone = (PupilFactory(school_class=oak) for _ in range(3))
    grant(office, yes, gone)
    media_consent_record(acting_user=office, pupils=[no], status=MediaStatus.REFUSED)
    media_consent_record(acting_user=office, pupils=[gone], status=MediaStatus.WITHDRAWN)
    verdicts = media_verdicts([yes.pk, no.pk, gone.pk])
    assert verdicts[yes.pk].may_appear
    assert (verdicts[no.pk].may_appear, verdicts[no.pk].reason_text) == (False, "consent refused")
    assert (verdicts[gone.pk].may_appear, verdicts[gone.pk].reason_text) == (
        False,
        "consent withdrawn",
    )


def test_R11_looked_after_overrides_granted_consent(office) -> None:
    pupil = PupilFactory()
    grant(office, pupil)
    looked_after_set(acting_user=office, pupils=[pupil], looked_after=True)
    verdict = media_verdicts([pupil.pk])[pupil.pk]
    assert not verdict.may_appear
    assert verdict.reason_text == "looked-after child"


def test_R11_looked_after_without_any_consent_record(office) -> None:
    pupil = PupilFactory()
    looked_after_set(acting_user=office, pupils=[pupil], looked_after=True)
    assert media_verdicts([pupil.pk])[pupil.pk].reason == "looked_after"


def test_R6_refusals_name_pupils_by_display_name_never_full_name(office) -> None:
    oak = SchoolClassFactory()
    amir_k = PupilFactory(school_class=oak, first_name="Amir", surname="Khan")
    PupilFactory(school_class=oak, first_name="Amir", surname="Kohli")
    refusals = media_refusals([amir_k.pk])
    assert [r.display_name for r in refusals] == ["Amir Kh."]
    assert "Khan" not in repr(refusals)


@pytest.mark.parametrize("size", [3, 30])
def test_R11_the_question_is_one_query_for_any_number_of_pupils(
    office, size: int, django_assert_num_queries
) -> None:
    classes = [SchoolClassFactory() for _ in range(3)]
    pupils = [PupilFactory(school_class=classes[i % 3]) for i in range(size)]
    grant(office, *pupils[::2])
    with django_assert_num_queries(1):
        verdicts = media_verdicts(p.pk for p in pupils)
    assert len(verdicts) == size
    assert sum(v.may_appear for v in verdicts.values()) == len(pupils[::2])


@pytest.mark.parametrize("size", [5, 35])
def test_R14_roster_is_one_query_whatever_the_class_size(
    office, size: int, django_assert_num_queries
) -> None:
    oak = SchoolClassFactory()
    PupilFactory.create_batch(size, school_class=oak)
    with django_assert_num_queries(1):
        roster = roster_for(oak)
    assert len(roster) == size


def test_R11_granting_needs_the_form_date_and_changes_nothing_without_it(office) -> None:
    pupil = PupilFactory()
    with pytest.raises(ValidationError) as error:
        media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.GRANTED)
    assert error.value.message_dict == {"form_date": [str(FORM_DATE_NEEDED)]}
    assert not PupilConsent.objects.exists()
    assert not ConsentChange.objects.exists()


def test_R11_a_form_date_in_the_future_is_refused(office) -> None:
    pupil = PupilFactory()
    with pytest.raises(ValidationError) as error:
        media_consent_record(
            acting_user=office,
            pupils=[pupil],
            status=MediaStatus.GRANTED,
            form_date=dt.date.today() + dt.timedelta(days=2),
        )
    assert error.value.message_dict == {"form_date": [str(FORM_DATE_IN_FUTURE)]}
    assert not PupilConsent.objects.exists()


@pytest.mark.parametrize("factory", [TeacherFactory])
def test_R11_only_the_office_and_leaders_record_consent(factory) -> None:
    pupil = PupilFactory()
    with pytest.raises(PermissionDenied):
        media_consent_record(acting_user=factory(), pupils=[pupil], status=MediaStatus.REFUSED)
    with pytest.raises(PermissionDenied):
        looked_after_set(acting_user=factory(), pupils=[pupil], looked_after=True)
    assert not PupilConsent.objects.exists()
    media_consent_record(acting_user=LeaderFactory(), pupils=[pupil], status=MediaStatus.REFUSED)


def test_R14_every_change_is_in_the_history_with_who_when_what_evidence(office) -> None:
    pupil = PupilFactory()
    grant(office, pupil)
    media_consent_record(
        acting_user=office,
        pupils=[pupil],
        status=MediaStatus.WITHDRAWN,
        form_date=dt.date(2026, 11, 2),
        evidence="Letter from mum, 2 Nov",
    )
    latest, first = ConsentChange.objects.filter(pupil=pupil)
    assert (first.old_status, first.new_status, first.form_date) == ("", "granted", FORM)
    assert (latest.old_status, latest.new_status) == ("granted", "withdrawn")
    assert latest.changed_by == office
    assert latest.evidence == "Letter from mum, 2 Nov"


def test_R14_recording_the_same_state_again_adds_no_history(office) -> None:
    pupil = PupilFactory()
    grant(office, pupil)
    grant(office, pupil)
    assert ConsentChange.objects.filter(pupil=pupil).count() == 1


def test_R13_withdrawal_fires_the_event_exactly_once(office, events) -> None:
    pupil = PupilFactory()
    grant(office, pupil)
    assert events == []
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN)
    assert len(events) == 1
    assert events[0]["pupil_ids"] == frozenset({pupil.pk})
    assert events[0]["reason"] == "withdrawn"
    assert events[0]["acting_user"] == office
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN)
    assert len(events) == 1, "withdrawing again takes nothing away"


def test_R13_marking_looked_after_fires_once_for_a_whole_class(office, events) -> None:
    oak = SchoolClassFactory()
    pupils = PupilFactory.create_batch(4, school_class=oak)
    grant(office, *pupils[:3])
    looked_after_set(acting_user=office, pupils=pupils, looked_after=True)
    assert len(events) == 1
    assert events[0]["pupil_ids"] == frozenset(p.pk for p in pupils[:3])
    assert events[0]["reason"] == "looked_after"


def test_R13_no_event_when_permission_was_never_there(office, events) -> None:
    pupil = PupilFactory()
    media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.REFUSED)
    looked_after_set(acting_user=office, pupils=[pupil], looked_after=True)
    assert events == []


def test_R13_a_failing_receiver_rolls_the_withdrawal_back(office) -> None:
    pupil = PupilFactory()
    grant(office, pupil)

    def broken(sender: object, **kwargs: Any) -> None:
        raise RuntimeError("could not hide the posts")

    media_permission_lost.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            media_consent_record(acting_user=office, pupils=[pupil], status=MediaStatus.WITHDRAWN)
    finally:
        media_permission_lost.disconnect(broken)
    assert media_verdicts([pupil.pk])[pupil.pk].may_appear, "never withdrawn without its effect"
    assert ConsentChange.objects.filter(pupil=pupil).count() == 1
