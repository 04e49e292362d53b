"""R6: one function names pupils; first names, then the shortest surname start that differs."""

from __future__ import annotations

import pytest

from classes.names import NameRow, compute_display_names, display_names
from tests.factories import PupilFactory, SchoolClassFactory


def names(*pupils: tuple[str, str], class_id: int = 1) -> list[str]:
    rows = [NameRow(i, class_id, first, last) for i, (first, last) in enumerate(pupils)]
    result = compute_display_names(rows)
    return [result[i] for i in range(len(pupils))]


def test_R6_unique_first_name_is_shown_alone() -> None:
    assert names(("Amir", "Khan"), ("Bella", "Jones")) == ["Amir", "Bella"]


def test_R6_shared_first_name_adds_surname_initial() -> None:
    assert names(("Amir", "Khan"), ("Amir", "Smith")) == ["Amir K.", "Amir S."]


def test_R6_shared_initial_uses_shortest_distinct_start() -> None:
    assert names(("Amir", "Khan"), ("Amir", "Kohli")) == ["Amir Kh.", "Amir Ko."]


def test_R6_three_namesakes_each_get_their_own_shortest_start() -> None:
    assert names(("Amir", "Khan"), ("Amir", "Kohli"), ("Amir", "Smith")) == [
        "Amir Kh.",
        "Amir Ko.",
        "Amir S.",
    ]


def test_R6_first_names_compare_without_case_or_spaces() -> None:
    assert names(("amir ", "Khan"), ("Amir", "Smith")) == ["amir K.", "Amir S."]


def test_R6_surname_that_starts_another_is_shown_whole_without_a_full_stop() -> None:
    assert names(("Mia", "Li"), ("Mia", "Lin")) == ["Mia Li", "Mia Lin"]


def test_R6_namesakes_in_different_classes_do_not_affect_each_other() -> None:
    rows = [NameRow(1, 1, "Amir", "Khan"), NameRow(2, 2, "Amir", "Smith")]
    assert compute_display_names(rows) == {1: "Amir", 2: "Amir"}


@pytest.mark.django_db
def test_R6_display_names_look_at_the_whole_class_in_one_query(django_assert_num_queries) -> None:
    oak, ash = SchoolClassFactory(), SchoolClassFactory()
    amir_k = PupilFactory(school_class=oak, first_name="Amir", surname="Khan")
    PupilFactory(school_class=oak, first_name="Amir", surname="Kohli")
    other = PupilFactory(school_class=ash, first_name="Amir", surname="Kent")
    with django_assert_num_queries(1):
        result = display_names([amir_k, other])
    assert result == {amir_k.pk: "Amir Kh.", other.pk: "Amir"}


@pytest.mark.django_db
def test_R6_a_leaver_no_longer_makes_classmates_show_an_initial() -> None:
    import datetime as dt

    oak = SchoolClassFactory()
    stays = PupilFactory(school_class=oak, first_name="Zara", surname="Ali")
    PupilFactory(
        school_class=oak, first_name="Zara", surname="Brown", leaving_date=dt.date(2026, 7, 20)
    )
    assert display_names([stays]) == {stays.pk: "Zara"}
