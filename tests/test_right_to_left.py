"""Right to left (issue 15): Arabic and Urdu pages, emails and letters say ``dir="rtl"`` with
their ``lang``; numbers, codes, phone numbers and e-mail addresses stay left to right inside
them; the charts and the award screen's sentences keep their numbers the right way round. A
left-to-right page is written exactly as before.

The shipped Arabic and Urdu catalogues are used, compiled by ``make catalogues``: a language
without a compiled catalogue is never claimed by a page (WCAG 3.1.1), so these tests need them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.middleware import interface_language
from accounts.models import User
from classes.models import School, SchoolClass
from core.bidi import LRI, PDI, isolate_ltr
from notifications.emails import digest_email, notification_email
from notifications.models import Notification
from notifications.services import notify
from points.charts import Slice, doughnut_svg, line_svg
from points.models import Award, Skill
from points.services.awards import points_award
from points.views.award import confirmation_text
from tests.conftest import client_for
from tests.factories import ParentLinkFactory, PupilFactory
from tests.notifications.helpers import TUESDAY_1000, message_event
from tests.requirements import require_or_skip

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PHONE = "01302 555 0100"  # the ``school`` fixture's office number


@pytest.fixture(autouse=True)
def _shipped_catalogues() -> Iterator[None]:
    interface_language.cache_clear()
    for language in ("ar", "ur"):
        require_or_skip(
            interface_language(language) is not None,
            f"the {language} catalogue is not compiled (make catalogues, needs msgfmt)",
        )
    yield
    interface_language.cache_clear()
    # A page fetched with the test client leaves its language active in this thread.
    translation.deactivate()


def parent_reading(language: str, school_class: SchoolClass) -> tuple[User, int]:
    link = ParentLinkFactory(pupil=PupilFactory(school_class=school_class, first_name="Maya"))
    parent = link.parent
    parent.preferred_language = language
    parent.save()
    return parent, link.pupil.pk


def html_tag(html: str) -> str:
    match = re.search(r"<html[^>]*>", html)
    assert match, "no <html> element"
    return match.group()


@pytest.mark.parametrize(("language", "tag"), [("ar", "ar"), ("ur", "ur")])
def test_an_arabic_or_urdu_page_is_right_to_left_in_its_language(
    school: School, school_class: SchoolClass, language: str, tag: str
) -> None:
    parent, _child = parent_reading(language, school_class)
    html = client_for(parent).get(reverse("home")).content.decode()
    assert html_tag(html) == f'<html lang="{tag}" dir="rtl">'


@pytest.mark.parametrize("language", ["en-gb", "pl", "pa"])
def test_a_left_to_right_page_says_no_direction(
    school: School, school_class: SchoolClass, language: str
) -> None:
    parent, _child = parent_reading(language, school_class)
    html = client_for(parent).get(reverse("home")).content.decode()
    assert "dir=" not in html_tag(html)
    assert f'<a href="tel:{PHONE.replace(" ", "")}">{PHONE}</a>' in html, "markup unchanged"


def test_every_page_template_declares_the_direction_of_its_language() -> None:
    """Each template that writes its own ``<html>`` (pages, emails, letters, cards) asks Django
    for the language's direction and writes ``dir="rtl"`` from it."""
    templates = Path(settings.BASE_DIR) / "templates"
    documents = [p for p in templates.rglob("*.html") if "<html" in p.read_text(encoding="utf-8")]
    assert len(documents) >= 6
    for path in documents:
        source = path.read_text(encoding="utf-8")
        assert "get_current_language_bidi as LANGUAGE_BIDI" in source, path
        assert re.search(r'<html lang="[^"]+"\{% if LANGUAGE_BIDI %\} dir="rtl"', source), path


def test_the_office_phone_reads_left_to_right_in_an_arabic_footer(
    school: School, school_class: SchoolClass
) -> None:
    parent, _child = parent_reading("ar", school_class)
    html = client_for(parent).get(reverse("home")).content.decode()
    number = PHONE.replace(" ", "")
    assert f'<a href="tel:{number}"><bdi dir="ltr">{PHONE}</bdi></a>' in html


def test_an_arabic_email_is_right_to_left(school: School, school_class: SchoolClass) -> None:
    parent, _child = parent_reading("ar", school_class)
    notify([message_event(parent)], now=TUESDAY_1000)
    notification = Notification.objects.get()
    for email in (
        notification_email(notification, school),
        digest_email(parent, [notification], date(2026, 12, 1), school),
    ):
        [(html, _mimetype)] = email.alternatives
        assert html_tag(str(html)) == '<html lang="ar" dir="rtl">'
        assert '<body dir="rtl"' in str(html), "webmail often drops the <html> element"
        assert email.extra_headers["Content-Language"] == "ar"


def test_points_totals_keep_their_sign_before_the_number_in_arabic(
    school: School, school_class: SchoolClass, teacher: User
) -> None:
    parent, child = parent_reading("ar", school_class)
    skill = Skill.objects.create(name="Calling out", kind="needs_work", value=-1, icon="speech")
    points_award(acting_user=teacher, school_class=school_class, pupil_ids=[child], skill=skill)
    html = client_for(parent).get(reverse("points_child", args=[child])).content.decode()
    assert '<dd><bdi dir="ltr">-1</bdi></dd>' in html
    assert f"{LRI}\u22121{PDI}" in html, "the charts' numbers are isolated too"
    assert f"{LRI}-1{PDI} نقطة" in html, "and the skill's points in words"


def test_a_page_in_arabic_costs_the_same_queries_as_in_english(
    school: School, school_class: SchoolClass
) -> None:
    counts = []
    for language in ("en-gb", "ar"):
        parent, _child = parent_reading(language, school_class)
        client = client_for(parent)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# The filter and the plain-text isolate


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", '<bdi dir="ltr">+44 1302 &lt;5&gt;</bdi>|'),
        ("ur", '<bdi dir="ltr">+44 1302 &lt;5&gt;</bdi>|'),
        ("en-gb", "+44 1302 &lt;5&gt;|"),
        ("pl", "+44 1302 &lt;5&gt;|"),
    ],
)
def test_ltr_isolates_on_right_to_left_pages_only_and_escapes(
    language: str, expected: str
) -> None:
    template = Template("{% load bidi %}{{ value|ltr }}|{{ empty|ltr }}")
    with translation.override(language):
        assert template.render(Context({"value": "+44 1302 <5>", "empty": ""})) == expected


def test_isolate_ltr_wraps_plain_text_on_a_right_to_left_page_without_its_controls() -> None:
    with translation.override("ar"):
        assert isolate_ltr("+3") == f"{LRI}+3{PDI}"
        assert isolate_ltr("1\u202e2") == f"{LRI}12{PDI}", "its own override is removed"
        assert isolate_ltr("") == ""
    with translation.override("en-gb"):
        assert isolate_ltr("+3") == "+3"


# The charts and the award screen


def legend_items(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it
    return list(root.iter(f"{SVG}g"))


def test_the_doughnut_legend_starts_on_the_right_in_arabic() -> None:
    slices = [Slice("Curiosity", 3, 3), Slice("Calling out", 1, -1, needs_work=True)]
    with translation.override("ar"):
        items = legend_items(doughnut_svg(slices))
    for item in items:
        key = item.find(f"{SVG}rect")
        assert key is not None and key.get("x") == "282", "the colour key at the right edge"
        texts = item.findall(f"{SVG}text")
        assert {t.get("direction") for t in texts} == {"rtl"}
        assert {float(t.get("x", "")) for t in texts} == {272.0}, "words end beside the key"
    assert LRI + "\u22121" + PDI in (items[1].findall(f"{SVG}text")[1].text or "")
    with translation.override("en-gb"):
        items = legend_items(doughnut_svg(slices))
    assert [i.find(f"{SVG}rect").get("x") for i in items] == ["0", "0"]  # type: ignore[union-attr]


def test_the_line_chart_keeps_time_left_to_right_and_its_numbers_by_the_axis_in_arabic() -> None:
    days = [(date(2026, 3, 2), 3), (date(2026, 3, 3), -2), (date(2026, 3, 4), 1)]
    with translation.override("ar"):
        root = ET.fromstring(line_svg(days))  # noqa: S314 - our own output
    xs = [float(c.get("cx", "")) for c in root.iter(f"{SVG}circle")]
    assert xs == sorted(xs), "the days run from left to right, as in Arabic school maths"
    axis = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert axis and {t.get("direction") for t in axis} == {"ltr"}, "end is the axis side"
    assert {t.text for t in axis} == {f"{LRI}\u22122{PDI}", f"{LRI}0{PDI}", f"{LRI}+3{PDI}"}


def test_the_award_confirmation_keeps_the_value_before_its_number_in_arabic(
    school: School, school_class: SchoolClass, teacher: User
) -> None:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    skill = Skill.objects.create(name="Teamwork", kind="positive", value=2, icon="hands")
    points_award(acting_user=teacher, school_class=school_class, pupil_ids=[pupil.pk], skill=skill)
    awards = list(Award.objects.select_related("skill"))
    with translation.override("ar"):
        text = confirmation_text(awards, whole_class=False, names=["Maya", "عمر"])
    assert f"{LRI}+2{PDI}" in text
    assert "\u2068Teamwork\u2069" in text and "\u2068عمر\u2069" in text
    with translation.override("en-gb"):
        assert confirmation_text(awards, whole_class=False, names=["Maya"]) == (
            "+2 Teamwork for Maya"
        )
