"""R27: monsters drawn by the server from a fixed set of parts; a pupil sets only their own,
staff of the class reset it; a forged part is refused and nothing is saved."""

from __future__ import annotations

import itertools
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template

from classes.models import Pupil, SchoolClass
from points.avatars import (
    FORGED_PART,
    KINDS,
    PARTS,
    avatar_svg,
    avatars_for,
    default_parts,
    describe,
    parts_from,
    parts_svg,
)
from points.models import Avatar
from points.services.avatars import avatar_reset, avatar_set
from tests.factories import (
    LeaderFactory,
    OfficeFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolClassFactory,
    SupportFactory,
    TeacherFactory,
    assign_support,
    assign_teacher,
    give_picture_code,
)

SVG = "{http://www.w3.org/2000/svg}svg"
CHOICE = {
    "body": "tall",
    "eyes": "three",
    "mouth": "teeth",
    "colour": "purple",
    "ears": "bunny",
    "pattern": "stars",
    "accessory": "hat",
}
CHOICE_WORDS = "Monster: tall purple body, three eyes, grin with teeth, bunny ears, stars, top hat"


def _parse(svg: str) -> ElementTree.Element:
    """Parse the server's own SVG (fixed snippets, no outside input), failing if malformed."""
    return ElementTree.fromstring(svg)  # noqa: S314


@pytest.fixture
def maya(school_class: SchoolClass) -> Pupil:
    pupil = PupilFactory(school_class=school_class, first_name="Maya")
    give_picture_code(pupil)
    return pupil


def test_R27_every_part_beside_every_other_part_is_valid_svg() -> None:
    """Every pair of parts of two kinds, drawn together (the full product is millions)."""
    drawn = 0
    for first, second in itertools.combinations(KINDS, 2):
        for one, other in itertools.product(PARTS[first], PARTS[second]):
            parts = {**default_parts(drawn), first: one, second: other}
            root = _parse(str(parts_svg(parts, size=48)))
            assert root.tag == SVG
            assert root.get("role") == "img"
            assert root.get("aria-label") == describe(parts)
            assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
                "48",
                "48",
                "0 0 100 100",
            )
            drawn += 1
    assert drawn >= 21 * 6 * 6


def test_R27_the_fixed_set_has_at_least_six_of_every_kind_each_with_a_label() -> None:
    assert KINDS == ("body", "colour", "eyes", "mouth", "ears", "pattern", "accessory")
    chosen = {kind: len([name for name in PARTS[kind] if name != "none"]) for kind in KINDS}
    assert all(count >= 6 for count in chosen.values()), chosen
    assert {"none"} <= set(PARTS["accessory"]) & set(PARTS["ears"]) & set(PARTS["pattern"])
    assert all(str(part.label) for kind in KINDS for part in PARTS[kind].values())


def test_R27_monsters_are_drawn_with_outlines_curves_and_shading() -> None:
    root = _parse(str(parts_svg(CHOICE)))
    shapes = list(root)
    paths = [shape.get("d", "") for shape in shapes if shape.tag.endswith("path")]
    assert any("C" in d or "Q" in d or "q" in d for d in paths), "curves, not polygons"
    assert any(shape.get("stroke") == "#2b2140" for shape in shapes), "outlined"
    fills = {shape.get("fill") for shape in shapes}
    # The colour and a darker tone of it for the shadow side.
    assert {"#c9a8ff", "#9c83c6"} <= fills


def test_R27_no_drawing_carries_markup_other_than_the_fixed_parts() -> None:
    handlers_or_links = re.compile(r"<script|\son\w+=|href|url\(", re.IGNORECASE)
    for kind in KINDS:
        for part in PARTS[kind].values():
            assert not handlers_or_links.search(part.svg)


def test_R27_the_monster_is_described_for_screen_readers() -> None:
    parts = {"body": "round", "eyes": "two", "mouth": "smile", "colour": "green"}
    svg = str(parts_svg({**parts, "ears": "horns", "pattern": "spots", "accessory": "crown"}))
    assert (
        'aria-label="Monster: round green body, two eyes, big smile, horns, spots, crown"' in svg
    )


def test_R27_a_decorative_drawing_is_hidden_from_screen_readers() -> None:
    root = _parse(str(parts_svg(CHOICE, decorative=True)))
    assert root.get("aria-hidden") == "true"
    assert root.get("aria-label") is None


def test_R27_default_monster_is_the_same_for_a_pupil_and_differs_across_pupils() -> None:
    assert default_parts(7) == default_parts(7)
    assert str(avatar_svg(None, pupil_id=7)) == str(avatar_svg(None, pupil_id=7))
    defaults = {tuple(default_parts(pupil_id).values()) for pupil_id in range(1, 61)}
    assert len(defaults) == 60
    assert all(default_parts(1)[kind] in PARTS[kind] for kind in KINDS)


def test_R27_a_saved_monster_is_drawn_from_its_parts(maya: Pupil) -> None:
    avatar = Avatar(pupil=maya, **CHOICE)
    svg = str(avatar_svg(avatar, pupil_id=maya.pk))
    assert CHOICE_WORDS in svg


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"wings": "big"}, "unknown kind"),
        ({"body": "dragon"}, "unknown value"),
        ({"colour": '"><script>alert(1)</script>'}, "script in a value"),
        ({"body": ["round"]}, "not a string"),
    ],
)
def test_R27_a_forged_part_is_refused_and_nothing_is_saved(
    maya: Pupil, change: dict[str, Any], why: str
) -> None:
    assert maya.user is not None
    with pytest.raises(ValidationError) as refused:
        avatar_set(acting_user=maya.user, parts={**CHOICE, **change})
    assert refused.value.messages == [str(FORGED_PART)], why
    assert not Avatar.objects.exists()


def test_R27_a_missing_kind_is_refused_and_nothing_changes(maya: Pupil) -> None:
    assert maya.user is not None
    saved = avatar_set(acting_user=maya.user, parts=CHOICE)
    missing = {kind: value for kind, value in CHOICE.items() if kind != "mouth"}
    with pytest.raises(ValidationError) as refused:
        parts_from({**missing, "body": "round"})
    assert refused.value.messages == [str(FORGED_PART)]
    with pytest.raises(ValidationError):
        avatar_set(acting_user=maya.user, parts={**missing, "body": "round"})
    assert Avatar.objects.get().body == saved.body == "tall"


def test_R27_a_pupil_sets_and_changes_their_own_monster(maya: Pupil) -> None:
    assert maya.user is not None
    avatar_set(acting_user=maya.user, parts=CHOICE)
    avatar_set(acting_user=maya.user, parts={**CHOICE, "body": "blob"})
    avatar = Avatar.objects.get()
    assert (avatar.pupil, avatar.body, avatar.colour) == (maya, "blob", "purple")


def test_R27_a_parent_or_teacher_cannot_set_a_monster(maya: Pupil, teacher: Any) -> None:
    parent = ParentLinkFactory(pupil=maya).parent
    for user in (parent, teacher, LeaderFactory()):
        with pytest.raises(PermissionDenied):
            avatar_set(acting_user=user, parts=CHOICE)
    assert not Avatar.objects.exists()


def test_R27_staff_of_the_class_and_the_office_reset_a_monster(
    maya: Pupil, teacher: Any, school_class: SchoolClass
) -> None:
    assert maya.user is not None
    for user in (teacher, assign_support(SupportFactory(), school_class), OfficeFactory()):
        avatar_set(acting_user=maya.user, parts=CHOICE)
        avatar_reset(acting_user=user, pupil=maya)
        assert not Avatar.objects.exists()


def test_R27_staff_of_another_class_a_parent_or_a_pupil_cannot_reset(maya: Pupil) -> None:
    assert maya.user is not None
    avatar_set(acting_user=maya.user, parts=CHOICE)
    other_teacher = TeacherFactory()
    other_class = SchoolClassFactory(name="Ash")
    assign_teacher(other_teacher, other_class)
    parent = ParentLinkFactory(pupil=maya).parent
    for user in (other_teacher, parent, maya.user):
        with pytest.raises(PermissionDenied):
            avatar_reset(acting_user=user, pupil=maya)
    assert Avatar.objects.get().body == "tall"


@pytest.mark.parametrize("count", [1, 60])
def test_R27_avatars_for_is_one_query(
    count: int, school_class: SchoolClass, django_assert_num_queries: Any
) -> None:
    pupils = PupilFactory.create_batch(count, school_class=school_class)
    Avatar.objects.create(pupil=pupils[0], **CHOICE)
    with django_assert_num_queries(1):
        found = avatars_for(p.pk for p in pupils)
    assert found[pupils[0].pk] is not None
    assert list(found) == [p.pk for p in pupils]
    assert sum(avatar is None for avatar in found.values()) == count - 1


def test_R27_the_template_tag_draws_one_pupils_monster_in_one_query(
    maya: Pupil, django_assert_num_queries: Any
) -> None:
    Avatar.objects.create(pupil=maya, **CHOICE)
    template = Template("{% load monsters %}{% pupil_monster_svg pupil_id 120 %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"pupil_id": maya.pk}))
    root = _parse(html)
    assert root.get("width") == "120"
    assert root.get("aria-label") == CHOICE_WORDS


def test_R27_a_saved_part_that_no_longer_exists_falls_back_and_the_rest_still_shows(
    maya: Pupil,
) -> None:
    avatar = Avatar(pupil=maya, **{**CHOICE, "accessory": "jetpack"})
    label = _parse(str(avatar_svg(avatar, pupil_id=maya.pk))).get("aria-label") or ""
    assert label.startswith("Monster: tall purple body, three eyes, grin with teeth, bunny ears")
    assert "jetpack" not in label


def test_R27_a_monster_saved_before_ears_and_patterns_has_none_of_either(maya: Pupil) -> None:
    old = {kind: value for kind, value in CHOICE.items() if kind not in {"ears", "pattern"}}
    Avatar.objects.create(pupil=maya, **old)
    label = _parse(str(avatar_svg(Avatar.objects.get(), pupil_id=maya.pk))).get("aria-label")
    assert (
        label
        == "Monster: tall purple body, three eyes, grin with teeth, no ears, no pattern, top hat"
    )
