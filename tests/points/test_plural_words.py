"""R26: "1 time, 1 point" in every language, by each language's own plural rules (Polish and
Romanian have three forms, Arabic six, Punjabi counts 0 and 1 as one); a points total below
zero takes the form of its size ("-1 point")."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from points.templatetags.points_text import points_words

ISOLATES = re.compile("[\u2066-\u2069]")

# language: {count: (times, points)}
EXPECTED: dict[str, dict[int, tuple[str | None, str]]] = {
    "en": {1: ("1 time", "1 point"), -1: (None, "-1 point"), 2: ("2 times", "2 points")},
    "pl": {
        1: ("1 raz", "1 punkt"),
        2: ("2 razy", "2 punkty"),
        5: ("5 razy", "5 punktów"),
        12: ("12 razy", "12 punktów"),
        22: ("22 razy", "22 punkty"),
        -1: (None, "-1 punkt"),
    },
    "ro": {
        1: ("1 dată", "1 punct"),
        2: ("2 ori", "2 puncte"),
        19: ("19 ori", "19 puncte"),
        20: ("20 de ori", "20 de puncte"),
        -20: (None, "-20 de puncte"),
    },
    "ar": {
        1: ("1 مرة", "1 نقطة"),
        2: ("2 مرتان", "2 نقطتان"),
        3: ("3 مرات", "3 نقاط"),
        11: ("11 مرةً", "11 نقطةً"),
        100: ("100 مرة", "100 نقطة"),
    },
    "ur": {1: ("1 بار", "1 پوائنٹ"), 2: ("2 بار", "2 پوائنٹس"), -1: (None, "-1 پوائنٹ")},
    "pa": {1: ("1 ਵਾਰ", "1 ਪੁਆਇੰਟ"), 2: ("2 ਵਾਰ", "2 ਪੁਆਇੰਟ")},
    "es": {1: ("1 vez", "1 punto"), 2: ("2 veces", "2 puntos"), -1: (None, "-1 punto")},
}

TIMES = Template(
    "{% load i18n %}{% blocktranslate trimmed count times=n %}{{ times }} time{% plural %}"
    "{{ times }} times{% endblocktranslate %}"
)


@pytest.mark.parametrize("language", list(EXPECTED))
def test_R26_times_and_points_take_each_languages_plural_forms(language: str) -> None:
    with translation.override(language):
        for count, (times, points) in EXPECTED[language].items():
            assert ISOLATES.sub("", points_words(count)) == points, (language, count)
            if times is not None:
                assert TIMES.render(Context({"n": count})) == times, (language, count)
