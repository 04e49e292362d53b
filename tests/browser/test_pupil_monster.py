"""R27 journey: a pupil signs in with the class code and pictures, sees the picture notice,
changes their monster with a live preview (no reload), saves it and sees it at home. Every page
passes axe-core, fits 320 px and stays on the school's server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from classes.models import School
from points.models import Avatar
from tests.browser.conftest import RequestLog, check_page
from tests.factories import PICTURE_CODE, PupilFactory, SchoolClassFactory, give_picture_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NOTICE_TEXT = "Your teacher and your grown-ups at home can see your points."


def _sign_in_as_pupil(page: Page, live_server: Any, class_code: str, name: str) -> None:
    page.goto(f"{live_server.url}/pupil/")
    page.get_by_label("Type your class code").fill(class_code)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("link", name=name).click()
    for key in PICTURE_CODE:
        page.get_by_role("button", name=key, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_R27_pupil_changes_their_monster_and_sees_it_at_home(
    page: Page, live_server: Any, request_log: RequestLog, school: School
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    give_picture_code(maya)
    _sign_in_as_pupil(page, live_server, oak.class_code, "Maya")

    expect(page.get_by_text(NOTICE_TEXT)).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_text(NOTICE_TEXT)).to_have_count(0)
    expect(page.get_by_role("heading", name="Hello, Maya!")).to_be_visible()

    page.get_by_role("link", name="My monster").click()
    expect(page.get_by_role("heading", name="My monster")).to_be_visible()
    check_page(page)
    preview = page.locator("#monster-preview svg")
    before = preview.get_attribute("aria-label")
    # The page must not reload: a mark set on the window survives only an in-page update.
    page.evaluate("window.stillTheSamePage = true")
    body = "Square" if "square" not in (before or "") else "Tall"
    page.get_by_role("radio", name=body, exact=True).check()
    expect(preview).not_to_have_attribute("aria-label", before or "")
    page.get_by_role("radio", name="Teal", exact=True).check()
    expect(preview).to_have_attribute(
        "aria-label", re.compile(rf"^Monster: {body.lower()} teal body, ")
    )
    assert page.evaluate("window.stillTheSamePage") is True
    chosen = preview.get_attribute("aria-label")
    check_page(page)

    page.get_by_role("button", name="Save my monster").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Your monster is saved!")).to_be_visible()
    expect(page.locator(".pupil-home-monster svg")).to_have_attribute("aria-label", chosen or "")
    avatar = Avatar.objects.get(pupil=maya)
    assert (avatar.body, avatar.colour) == (body.lower(), "teal")
    check_page(page, request_log)


def _give_a_point(pupil: Any) -> None:
    from points.models import Award, Skill, SkillKind

    # A transactional test starts with no school values: this one is the class's own.
    skill = Skill.objects.create(
        name="Kindness",
        kind=SkillKind.POSITIVE,
        value=1,
        icon="heart",
        school_class=pupil.school_class,
    )
    Award.objects.create(
        pupil=pupil, school_class=pupil.school_class, skill=skill, value=skill.value
    )


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_R27_the_monster_cheers_when_a_point_arrives_and_keeps_still_if_asked(
    page: Page, live_server: Any, request_log: RequestLog, school: School, motion: str
) -> None:
    oak = SchoolClassFactory.create(name="Oak")
    maya = PupilFactory.create(school_class=oak, first_name="Maya")
    give_picture_code(maya)
    page.emulate_media(reduced_motion=motion)  # type: ignore[arg-type]
    page.clock.install()
    _sign_in_as_pupil(page, live_server, oak.class_code, "Maya")
    page.get_by_role("button", name="OK").click()
    expect(page.locator(".points-pop")).to_have_count(0)

    _give_a_point(maya)
    page.clock.run_for(16_000)
    expect(page.locator(".points-pop")).to_have_text("+1")
    expect(page.locator("#pupil-live-news")).to_have_text("You got 1 more point!")
    animation = page.locator(".monster-cheer svg").evaluate(
        "svg => getComputedStyle(svg).animationName"
    )
    assert animation == ("none" if motion == "reduce" else "monster-jump")
    check_page(page, request_log)

    page.clock.run_for(16_000)  # nothing more arrived: the monster rests
    expect(page.locator(".points-pop")).to_have_count(0)
    expect(page.locator(".pupil-home-monster svg")).to_be_visible()
