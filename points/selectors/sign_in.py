"""The classroom tablet's sign-in page: every pupil of the class with their monster and name,
and nothing else (no points: R26). A fixed number of queries whatever the class's size."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from accounts.selectors.pupils import sign_in_pupils
from classes.models import SchoolClass

from ..avatars import avatar_svg, avatars_for

MONSTER_SIZE = 96


@dataclass(frozen=True)
class SignInMonster:
    pupil_id: int
    name: str
    avatar: SafeString


def sign_in_monsters(school_class: SchoolClass) -> list[SignInMonster]:
    """The class's current pupils in name order, each with their monster (three queries:
    pupils, the names' surnames, the monsters)."""
    pupils = sign_in_pupils(school_class)
    avatars = avatars_for(pupil.pupil.pk for pupil in pupils)
    return [
        SignInMonster(
            pupil_id=pupil.pupil.pk,
            name=pupil.display_name,
            avatar=avatar_svg(avatars[pupil.pupil.pk], pupil_id=pupil.pupil.pk, size=MONSTER_SIZE),
        )
        for pupil in pupils
    ]
