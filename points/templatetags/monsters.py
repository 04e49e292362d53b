"""``{% load monsters %}``: draw a pupil's monster in any template without importing points
from the template's app (R27)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from classes.models import Pupil

from ..avatars import avatar_svg
from ..models import Avatar
from ..selectors.live import live_for

register = template.Library()


@register.simple_tag
def pupil_monster_svg(pupil_id: int, size: int = 64) -> SafeString:
    """``{% pupil_monster_svg pupil_id 96 %}``: one pupil's monster (one query)."""
    avatar = Avatar.objects.filter(pupil_id=pupil_id).first()
    return avatar_svg(avatar, pupil_id=int(pupil_id), size=int(size))


@register.simple_tag
def monster_svg(avatar: Avatar | None, pupil_id: int, size: int = 64) -> SafeString:
    """``{% monster_svg avatar pupil.pk 48 %}``: a monster already fetched
    (with ``points.avatars.avatars_for``), so a list of pupils costs no query per pupil."""
    return avatar_svg(avatar, pupil_id=int(pupil_id), size=int(size))


@register.inclusion_tag("points/includes/pupil_live.html")
def pupil_live_monster(pupil_id: int, size: int) -> dict[str, Any]:
    """``{% pupil_live_monster pupil.pk 200 %}``: the signed-in pupil's own monster, which
    cheers on their page when a point arrives (two queries)."""
    pupil = Pupil.objects.get(pk=int(pupil_id))
    return {"live": live_for(pupil, size=int(size))}
