"""R4, R5: the request gates and a parent's children cost no query once the cache knows that
nothing is pending, and every change they depend on shows at the very next request. A cache that
cannot answer never lets a gate pass: the database answers instead."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.middleware import CodeOfConductMiddleware
from accounts.models import ParentLink, User
from accounts.selectors.conduct import conduct_current_id
from accounts.selectors.people import children_of
from accounts.services.suspensions import account_suspend
from classes.models import Pupil, SchoolClass
from consent.middleware import DataProcessingConsentMiddleware
from consent.models import DataProcessingAgreement, DataProcessingForm
from consent.selectors.data_processing import dp_form_current_id
from consent.services.data_processing import dp_agree
from tests.conftest import client_for
from tests.factories import (
    CodeOfConductFactory,
    LeaderFactory,
    ParentFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    TeacherFactory,
    assign_teacher,
)

pytestmark = pytest.mark.django_db


def publish(version: int) -> DataProcessingForm:
    return DataProcessingForm.objects.create(
        version=version, title="How the school uses data", body="Kept on our own server."
    )


@pytest.fixture
def agreed_parent(school_class: SchoolClass) -> User:
    """A parent who has accepted the code of conduct and agreed to the current form."""
    parent = ParentFactory()
    child = PupilFactory(school_class=school_class, first_name="Maya", surname="Lindqvist")
    ParentLinkFactory(parent=parent, pupil=child)
    conduct = CodeOfConductFactory()
    conduct.acceptances.create(user=parent)
    dp_agree(acting_user=parent, pupils=[child], form=publish(1))
    return parent


def _dp_gate(user: User) -> HttpResponse:
    request = RequestFactory().get(reverse("home"))
    request.user = user
    return DataProcessingConsentMiddleware(lambda _request: HttpResponse("the page"))(request)


def _passed(response: HttpResponse) -> bool:
    return response.status_code == 200


# The data-processing gate (R4).


def test_R4_dp_gate_costs_nothing_after_the_first_request_when_nothing_is_pending(
    agreed_parent: User, django_assert_num_queries: Any
) -> None:
    dp_form_current_id()  # the current form, cached as on a server after its first page

    with django_assert_num_queries(1):
        assert _passed(_dp_gate(agreed_parent))
    with django_assert_num_queries(0):
        assert _passed(_dp_gate(agreed_parent))
    with django_assert_num_queries(0):
        assert _passed(_dp_gate(agreed_parent))


def test_R4_dp_gate_asks_the_database_every_time_while_something_is_pending(
    school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    parent = ParentLinkFactory(pupil=PupilFactory(school_class=school_class)).parent
    publish(1)
    dp_form_current_id()

    for _request in range(3):
        with django_assert_num_queries(1):
            assert _dp_gate(parent).status_code == 302


def test_R4_dp_gate_asks_again_at_once_when_a_new_form_version_is_published(
    agreed_parent: User,
) -> None:
    assert _passed(_dp_gate(agreed_parent))
    assert _passed(_dp_gate(agreed_parent))  # remembered

    publish(2)

    assert _dp_gate(agreed_parent).status_code == 302


def test_R4_dp_gate_asks_again_at_once_when_a_child_is_linked(
    agreed_parent: User, school_class: SchoolClass
) -> None:
    assert _passed(_dp_gate(agreed_parent))

    ParentLinkFactory(parent=agreed_parent, pupil=PupilFactory(school_class=school_class))

    assert _dp_gate(agreed_parent).status_code == 302


def test_R4_dp_gate_asks_again_at_once_when_an_agreement_is_withdrawn(
    agreed_parent: User,
) -> None:
    assert _passed(_dp_gate(agreed_parent))

    DataProcessingAgreement.objects.get(parent=agreed_parent).delete()

    assert _dp_gate(agreed_parent).status_code == 302


def test_R4_dp_gate_asks_again_when_a_child_who_left_comes_back(
    school_class: SchoolClass,
) -> None:
    import datetime as dt

    parent = ParentFactory()
    returning = PupilFactory(school_class=school_class, leaving_date=dt.date(2026, 7, 1))
    ParentLinkFactory(parent=parent, pupil=returning)
    publish(1)
    assert _passed(_dp_gate(parent))  # no current child: nothing to agree for

    returning.leaving_date = None
    returning.save()

    assert _dp_gate(parent).status_code == 302


def test_R4_dp_gate_fails_closed_when_the_cache_cannot_answer(
    agreed_parent: User, school_class: SchoolClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _passed(_dp_gate(agreed_parent))  # remembered as clear
    ParentLinkFactory(parent=agreed_parent, pupil=PupilFactory(school_class=school_class))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("the cache's disk is gone")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(cache, "add", broken)

    assert _dp_gate(agreed_parent).status_code == 302


def test_R4_a_change_the_cache_cannot_be_told_of_is_not_made(
    agreed_parent: User, school_class: SchoolClass, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _passed(_dp_gate(agreed_parent))
    child = PupilFactory(school_class=school_class)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("the cache's disk is gone")

    monkeypatch.setattr(cache, "set", broken)
    with pytest.raises(OSError, match="disk is gone"), transaction.atomic():
        ParentLink.objects.create(parent=agreed_parent, pupil=child)
    monkeypatch.undo()

    assert not ParentLink.objects.filter(pupil=child).exists()
    assert _passed(_dp_gate(agreed_parent))  # still true: nothing changed


# The code of conduct (R4): remembered in the session, per version.


def _conduct_gate(user: User, session: dict[str, Any]) -> HttpResponse:
    request = RequestFactory().get(reverse("home"))
    request.user = user
    request.session = session  # type: ignore[assignment]
    return CodeOfConductMiddleware(lambda _request: HttpResponse("the page"))(request)


def test_R4_conduct_gate_costs_nothing_after_the_first_request(
    django_assert_num_queries: Any,
) -> None:
    parent = ParentFactory()
    conduct = CodeOfConductFactory()
    conduct.acceptances.create(user=parent)
    conduct_current_id(conduct.audience)
    session: dict[str, Any] = {}

    with django_assert_num_queries(1):
        assert _passed(_conduct_gate(parent, session))
    with django_assert_num_queries(0):
        assert _passed(_conduct_gate(parent, session))


def test_R4_conduct_gate_asks_again_at_once_for_a_new_version() -> None:
    parent = ParentFactory()
    CodeOfConductFactory().acceptances.create(user=parent)
    session: dict[str, Any] = {}
    assert _passed(_conduct_gate(parent, session))

    CodeOfConductFactory()

    assert _conduct_gate(parent, session).status_code == 302


# Suspension (R5): read from the signed-in person's own row, which every request loads anyway.


def test_R5_a_suspension_stops_a_parent_at_once_whatever_is_cached(agreed_parent: User) -> None:
    client = client_for(agreed_parent)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("home")).status_code == 200  # every cache warm

    account_suspend(acting_user=LeaderFactory(), user=agreed_parent, reason="Second breach")

    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert client.get(reverse("home")).status_code == 302  # signed out


# A parent's children (their home page).


def test_children_of_costs_nothing_once_cached(
    agreed_parent: User, teacher: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        first = children_of(agreed_parent)
    with django_assert_num_queries(0):
        again = children_of(agreed_parent)

    assert [c.display_name for c in again] == [c.display_name for c in first] == ["Maya"]
    assert [t.pk for t in again[0].teachers] == [teacher.pk]


def test_children_of_shows_a_new_link_at_once(agreed_parent: User) -> None:
    children_of(agreed_parent)

    ParentLinkFactory(
        parent=agreed_parent,
        pupil=PupilFactory(school_class=SchoolClassFactory(), first_name="Leo"),
    )

    assert [c.display_name for c in children_of(agreed_parent)] == ["Leo", "Maya"]


def test_children_of_drops_a_removed_link_at_once(agreed_parent: User) -> None:
    children_of(agreed_parent)

    ParentLink.objects.filter(parent=agreed_parent).delete()

    assert children_of(agreed_parent) == []


def test_R6_children_of_shows_a_new_classmates_name_at_once(
    agreed_parent: User, school_class: SchoolClass
) -> None:
    assert [c.display_name for c in children_of(agreed_parent)] == ["Maya"]

    PupilFactory(school_class=school_class, first_name="Maya", surname="Khan")

    assert [c.display_name for c in children_of(agreed_parent)] == ["Maya L."]


def test_children_of_shows_a_new_teacher_and_a_renamed_one_at_once(agreed_parent: User) -> None:
    child: Pupil = ParentLink.objects.get(parent=agreed_parent).pupil
    assert children_of(agreed_parent)[0].teachers == ()

    assert child.school_class is not None
    teacher = assign_teacher(TeacherFactory(last_name="Patel"), child.school_class)
    assert [t.last_name for t in children_of(agreed_parent)[0].teachers] == ["Patel"]

    teacher.last_name = "Okafor"
    teacher.save()
    assert [t.last_name for t in children_of(agreed_parent)[0].teachers] == ["Okafor"]


def test_signing_in_keeps_cached_children(
    agreed_parent: User, django_assert_num_queries: Any
) -> None:
    someone = TeacherFactory()
    children_of(agreed_parent)

    Client().force_login(someone)  # a sign-in saves its time on the account

    with django_assert_num_queries(0):
        children_of(agreed_parent)


# The parent's home page as a whole, before and after the first request.


def test_R4_parent_home_costs_no_gate_query_once_the_caches_are_warm(
    agreed_parent: User, teacher: User, django_assert_num_queries: Any
) -> None:
    client = client_for(agreed_parent)

    with django_assert_num_queries(COLD_HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_num_queries(WARM_HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_num_queries(WARM_HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200


# Cold: the session and the account; the code of conduct's acceptance (then kept in the
# session: a savepoint, its UPDATE and the release); the data-processing gate (1); the children
# (3); the school; the page's own four. Warm: the session and the account, which every
# signed-in request reads, and the page's own: the news (no posts here), the monsters with the
# week's points, the teachers and covers to write to (tests/accounts/test_parent_home.py).
HOME_OWN_QUERIES = 4
COLD_HOME_QUERIES = 11 + HOME_OWN_QUERIES
WARM_HOME_QUERIES = 2 + HOME_OWN_QUERIES
