"""R4: before a parent's first use, they complete the school's data-processing consent form for
each linked child; until then they see only that form. A new version asks again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import CodeOfConduct, User
from classes.models import Pupil, SchoolClass
from consent.middleware import DataProcessingConsentMiddleware
from consent.models import DataProcessingAgreement, DataProcessingForm
from consent.selectors.data_processing import dp_children_pending, dp_form_current
from consent.services.data_processing import FORM_OUTDATED, NO_CHILD_CHOSEN, dp_agree
from consent.views.data_processing import AGREED, NOT_YOUR_CHILD
from tests.conftest import client_for
from tests.factories import (
    CodeOfConductFactory,
    LeaderFactory,
    OfficeFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

FORM_URL = "/consent/data-processing/"


def publish(
    version: int, title: str = "How the school uses your child's data"
) -> DataProcessingForm:
    return DataProcessingForm.objects.create(
        version=version, title=title, body="We keep your child's records safe on our own server."
    )


@pytest.fixture
def dp_form(db: None) -> DataProcessingForm:
    return publish(1)


@pytest.fixture
def family(school_class: SchoolClass) -> tuple[User, Pupil, Pupil]:
    """A parent with two children in two classes."""
    parent = ParentFactory()
    maya = PupilFactory(school_class=school_class, first_name="Maya", surname="Lindqvist")
    leo = PupilFactory(school_class=SchoolClassFactory(name="Ash"), first_name="Leo")
    for child in (maya, leo):
        ParentLinkFactory(parent=parent, pupil=child)
    return parent, maya, leo


def agree_on_page(client: Client, version: int, *children: Pupil) -> Any:
    return client.post(FORM_URL, {"version": version, "children": [c.pk for c in children]})


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_R4_form_page_is_at_its_url() -> None:
    assert reverse("dp_consent") == FORM_URL


@pytest.mark.usefixtures("dp_form")
def test_R4_parent_with_pending_children_is_sent_to_the_form_from_every_page(
    family: tuple[User, Pupil, Pupil], school_class: SchoolClass
) -> None:
    client = client_for(family[0])

    for url in (
        reverse("home"),
        reverse("account_change_password"),
        reverse("consent_roster"),
        reverse("consent_roster_class", args=[school_class.pk]),
        "/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == FORM_URL, url


@pytest.mark.usefixtures("dp_form")
def test_R4_form_shows_the_text_and_a_box_per_child_by_display_name(
    family: tuple[User, Pupil, Pupil],
) -> None:
    parent, maya, leo = family

    response = client_for(parent).get(FORM_URL)

    assert response.status_code == 200
    assert "How the school uses your child&#x27;s data" in response.text
    assert "We keep your child&#x27;s records safe on our own server." in response.text
    assert "I agree for Maya" in response.text
    assert "(class Oak)" in response.text
    assert "I agree for Leo" in response.text
    assert "(class Ash)" in response.text
    assert "Lindqvist" not in response.text  # R6
    assert f'value="{maya.pk}"' in response.text
    assert f'value="{leo.pk}"' in response.text


@pytest.mark.usefixtures("dp_form")
def test_R4_pages_a_pending_parent_may_still_reach(family: tuple[User, Pupil, Pupil]) -> None:
    client = client_for(family[0])

    assert client.get(FORM_URL).status_code == 200
    assert client.get(reverse("join")).status_code == 200
    assert client.get(reverse("healthz")).status_code != 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] != FORM_URL


@pytest.mark.usefixtures("dp_form")
def test_R4_code_of_conduct_comes_before_the_data_processing_form(
    family: tuple[User, Pupil, Pupil],
) -> None:
    CodeOfConductFactory(audience=CodeOfConduct.Audience.PARENTS, version=1)
    client = client_for(family[0])

    home = client.get(reverse("home"))
    assert home["Location"] == reverse("conduct")
    assert client.get(reverse("conduct")).status_code == 200


def test_R4_agreeing_for_both_children_opens_the_portal(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, leo = family
    client = client_for(parent)
    before = timezone.now()

    response = agree_on_page(client, 1, maya, leo)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert messages_of(response) == [str(AGREED)]
    assert client.get(reverse("home")).status_code == 200
    agreements = DataProcessingAgreement.objects.filter(parent=parent)
    assert {(a.pupil_id, a.form_id) for a in agreements} == {
        (maya.pk, dp_form.pk),
        (leo.pk, dp_form.pk),
    }
    assert all(before <= a.agreed_at <= timezone.now() for a in agreements)
    page = client.get(FORM_URL).text
    assert "You have agreed to this version for all your children." in page
    assert "Maya: agreed on" in page
    assert "Leo: agreed on" in page
    assert 'type="checkbox"' not in page


def test_R4_agreeing_for_one_child_still_shows_only_the_form(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, leo = family
    client = client_for(parent)

    agree_on_page(client, 1, maya)

    assert client.get(reverse("home"))["Location"] == FORM_URL
    page = client.get(FORM_URL).text
    assert "I agree for Leo" in page
    assert "I agree for Maya" not in page
    assert "Already agreed" in page
    assert "Maya: agreed on" in page
    assert dp_children_pending(parent) == [leo]


def test_R4_a_new_version_of_the_form_asks_again(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, leo = family
    client = client_for(parent)
    agree_on_page(client, 1, maya, leo)
    assert client.get(reverse("home")).status_code == 200

    publish(2, title="Data-processing consent, updated for 2027")

    assert client.get(reverse("home"))["Location"] == FORM_URL
    page = client.get(FORM_URL).text
    assert "Data-processing consent, updated for 2027" in page
    assert "I agree for Maya" in page
    assert "I agree for Leo" in page


def test_R4_each_parent_agrees_for_themselves(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, _leo = family
    other_carer = ParentLinkFactory(pupil=maya).parent
    agree_on_page(client_for(parent), 1, *family[1:])

    assert client_for(other_carer).get(reverse("home"))["Location"] == FORM_URL


def test_R4_parent_cannot_agree_for_someone_elses_child(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, _leo = family
    stranger_child = PupilFactory(first_name="Zara")

    with pytest.raises(PermissionDenied):
        dp_agree(acting_user=parent, pupils=[maya, stranger_child], form=dp_form)
    response = agree_on_page(client_for(parent), 1, stranger_child)

    assert response.status_code == 200
    assert str(NOT_YOUR_CHILD) in response.text
    assert not DataProcessingAgreement.objects.exists()


@pytest.mark.parametrize("make_user", [TeacherFactory, OfficeFactory])
def test_R4_only_parents_agree(make_user: Any, dp_form: DataProcessingForm) -> None:
    child = PupilFactory()
    ParentLinkFactory(parent=ParentFactory(), pupil=child)

    with pytest.raises(PermissionDenied):
        dp_agree(acting_user=make_user(), pupils=[child], form=dp_form)
    assert not DataProcessingAgreement.objects.exists()


def test_R4_an_outdated_version_is_refused(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, leo = family
    publish(2)

    with pytest.raises(ValidationError) as refused:
        dp_agree(acting_user=parent, pupils=[maya], form=dp_form)
    response = agree_on_page(client_for(parent), 1, maya, leo)

    assert refused.value.messages == [str(FORM_OUTDATED)]
    assert response["Location"] == FORM_URL
    assert messages_of(response) == [str(FORM_OUTDATED)]
    assert not DataProcessingAgreement.objects.exists()


def test_R4_nothing_ticked_is_refused_with_a_message(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent = family[0]

    response = agree_on_page(client_for(parent), 1)

    assert response.status_code == 200
    assert str(NO_CHILD_CHOSEN) in response.text
    assert 'aria-describedby="dp-children-error"' in response.text
    with pytest.raises(ValidationError):
        dp_agree(acting_user=parent, pupils=[], form=dp_form)
    assert not DataProcessingAgreement.objects.exists()


def test_R4_agreeing_twice_keeps_the_first_agreement(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, _leo = family
    first = dp_agree(acting_user=parent, pupils=[maya], form=dp_form)

    again = dp_agree(acting_user=parent, pupils=[maya], form=dp_form)

    assert [a.pk for a in again] == [a.pk for a in first]
    assert again[0].agreed_at == first[0].agreed_at
    assert DataProcessingAgreement.objects.count() == 1


@pytest.mark.usefixtures("dp_form")
@pytest.mark.parametrize(
    "make_user", [TeacherFactory, SupportFactory, OfficeFactory, LeaderFactory]
)
def test_R4_staff_are_never_gated_by_the_data_processing_form(make_user: Any) -> None:
    client = client_for(make_user())

    assert client.get(reverse("home")).status_code == 200
    assert client.get(FORM_URL).status_code == 404


def test_R4_no_published_form_means_no_gate(family: tuple[User, Pupil, Pupil]) -> None:
    client = client_for(family[0])

    assert dp_form_current() is None
    assert dp_children_pending(family[0]) == []
    assert client.get(reverse("home")).status_code == 200
    assert client.get(FORM_URL)["Location"] == reverse("home")


@pytest.mark.usefixtures("dp_form")
def test_R4_children_who_left_do_not_hold_the_parent_back(school_class: SchoolClass) -> None:
    parent = ParentFactory()
    ParentLinkFactory(
        parent=parent,
        pupil=PupilFactory(school_class=school_class, leaving_date=dt.date(2026, 7, 1)),
    )

    assert dp_children_pending(parent) == []
    assert client_for(parent).get(reverse("home")).status_code == 200


def test_R4_pending_children_take_two_queries(
    dp_form: DataProcessingForm, family: tuple[User, Pupil, Pupil], django_assert_num_queries: Any
) -> None:
    parent, maya, leo = family
    dp_agree(acting_user=parent, pupils=[maya], form=dp_form)

    with django_assert_num_queries(2):
        pending = dp_children_pending(parent)
        classes = [child.school_class for child in pending]  # loaded with the children

    assert pending == [leo]
    assert classes == [leo.school_class]


def _gate_request(user: User) -> HttpRequest:
    request = RequestFactory().get(reverse("home"))
    request.user = user
    return request


def _passed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the page")


@pytest.mark.parametrize("children", [1, 4])
@pytest.mark.parametrize("published", [True, False])
@pytest.mark.parametrize("agreed", [True, False])
def test_R4_the_gate_costs_one_query_then_none_once_nothing_is_pending(
    children: int, published: bool, agreed: bool, django_assert_num_queries: Any
) -> None:
    parent = ParentFactory()
    pupils = [ParentLinkFactory(parent=parent).pupil for _ in range(children)]
    if published:
        form = publish(1)
        if agreed:
            dp_agree(acting_user=parent, pupils=pupils, form=form)
    gate = DataProcessingConsentMiddleware(_passed)
    gated = published and not agreed

    # the current form first (then cached), and the parent's children while a form is published
    with django_assert_num_queries(2 if published else 1):
        response = gate(_gate_request(parent))
    assert response.status_code == (302 if gated else 200)
    # then the database only while something is pending
    with django_assert_num_queries(1 if gated else 0):
        response = gate(_gate_request(parent))
    assert response.status_code == (302 if gated else 200)


@pytest.mark.usefixtures("dp_form")
def test_R4_the_gate_costs_staff_nothing(django_assert_num_queries: Any) -> None:
    gate = DataProcessingConsentMiddleware(_passed)
    request = _gate_request(TeacherFactory())

    with django_assert_num_queries(0):
        response = gate(request)

    assert response.status_code == 200


@pytest.mark.usefixtures("dp_form")
@pytest.mark.parametrize("version", ["", "x", "99"])
def test_R4_a_missing_or_unknown_version_is_refused_with_a_message(
    version: str, family: tuple[User, Pupil, Pupil]
) -> None:
    parent, maya, _leo = family

    response = client_for(parent).post(FORM_URL, {"version": version, "children": [maya.pk]})

    assert response.status_code == 200
    assert str(FORM_OUTDATED) in response.text
    assert not DataProcessingAgreement.objects.exists()
