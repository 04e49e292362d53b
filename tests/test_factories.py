"""The factories' names cannot collide: an adult's name never begins with a child's name."""

import re
from pathlib import Path

from faker.providers.person.en_GB import Provider

from tests.factories import ADULT_FIRST_NAMES, ADULT_SURNAMES

TESTS = Path(__file__).parent
NAMED = re.compile(r'(?:first_name|last_name|surname)="([^"]+)"')


def children_names() -> set[str]:
    """Every name a pupil can get (Faker's British names) and every name a test writes out."""
    written = {name for path in TESTS.rglob("*.py") for name in NAMED.findall(path.read_text())}
    return written | set(Provider.first_names) | set(Provider.last_names)


def test_no_adult_name_begins_with_a_childs_name_or_the_other_way_round() -> None:
    children = children_names()
    clashes = {
        (adult, child)
        for adult in ADULT_FIRST_NAMES + ADULT_SURNAMES
        for child in children
        if adult.startswith(child) or child.startswith(adult)
    }
    assert clashes == set()


def test_the_adult_pools_give_distinct_names() -> None:
    assert len(set(ADULT_SURNAMES)) == len(ADULT_SURNAMES) == 40
    assert len(set(ADULT_FIRST_NAMES)) == len(ADULT_FIRST_NAMES)
