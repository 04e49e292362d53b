"""What a pupil's live monster shows (R27): their monster and total now, and the points that
arrived since their page last looked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from classes.models import Pupil

from ..avatars import avatar_svg, avatars_for
from .totals import pupil_totals

# How often the page asks, in seconds: often enough for a child to see their point arrive
# while the teacher is still smiling at them.
EVERY_SECONDS = 15


@dataclass(frozen=True)
class Live:
    """What the live monster shows: the drawing, the total it knows, and the points that
    arrived since the page last looked (0 on a first look or when none did)."""

    monster: SafeString
    total: int
    size: int
    arrived: int = 0
    every: int = EVERY_SECONDS


def live_for(pupil: Pupil, *, size: int, shown: int | None = None) -> Live:
    """The pupil's monster and total now; ``shown`` is the total their page last showed."""
    total = pupil_totals([pupil.pk])[pupil.pk].all_time
    arrived = total - shown if shown is not None and total > shown else 0
    avatar = avatars_for([pupil.pk])[pupil.pk]
    drawing = avatar_svg(avatar, pupil_id=pupil.pk, size=size)
    return Live(monster=drawing, total=total, size=size, arrived=arrived)
