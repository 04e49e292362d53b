"""Monster avatars drawn by the server from a fixed set of parts (R27).

A monster is seven choices, one per kind in :data:`PARTS`: a body, its colour, eyes, a mouth,
ears or horns, a pattern and something to wear. The SVG is composed only from the fixed
snippets in :mod:`points.avatars.parts` and the colours' fixed hex values: nothing a person
typed ever reaches it. A pupil without a saved monster gets a default one chosen from their id,
so every child has one from the first day, and two pupils' defaults differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Avatar
from .parts import ACCESSORIES, BODIES, COLOURS, EARS, EYES, INK, MOUTHS, PATTERNS, Part

__all__ = ["FORGED_PART", "KINDS", "KIND_LABELS", "PARTS", "Part"]

FORGED_PART = _("Please choose your monster's parts from the pictures.")

VIEWBOX = "0 0 100 100"

PARTS: dict[str, dict[str, Part]] = {
    "body": BODIES,
    "colour": COLOURS,
    "eyes": EYES,
    "mouth": MOUTHS,
    "ears": EARS,
    "pattern": PATTERNS,
    "accessory": ACCESSORIES,
}

KINDS: tuple[str, ...] = tuple(PARTS)

# The kinds' names as shown to a pupil choosing a part.
KIND_LABELS: dict[str, Promise] = {
    "body": _("Body"),
    "colour": _("Colour"),
    "eyes": _("Eyes"),
    "mouth": _("Mouth"),
    "ears": _("Ears and horns"),
    "pattern": _("Pattern"),
    "accessory": _("Things to wear"),
}

# Multiplying by a number coprime with the count of monsters maps pupil ids to monsters
# one-to-one (within the count), so neighbouring pupils get different defaults.
_MIXER = 7919


def default_parts(pupil_id: int) -> dict[str, str]:
    """The default monster of a pupil: always the same for one pupil, different across pupils."""
    total = 1
    for kind in KINDS:
        total *= len(PARTS[kind])
    number = (pupil_id * _MIXER) % total
    parts: dict[str, str] = {}
    for kind in KINDS:
        names = list(PARTS[kind])
        number, index = divmod(number, len(names))
        parts[kind] = names[index]
    return parts


def parts_of(avatar: Avatar | None, *, pupil_id: int) -> dict[str, str]:
    """The parts to draw: the saved ones, with the default for any that no longer exist."""
    parts = default_parts(pupil_id)
    if avatar is not None:
        for kind in KINDS:
            value = getattr(avatar, kind)
            if value in PARTS[kind]:
                parts[kind] = value
    return parts


def describe(parts: Mapping[str, str]) -> str:
    """The monster in words, for screen readers: "Monster: round green body, two eyes, …"."""
    return gettext(
        "Monster: %(body)s %(colour)s body, %(eyes)s, %(mouth)s, %(ears)s, %(pattern)s, "
        "%(accessory)s"
    ) % {kind: PARTS[kind][parts[kind]].label for kind in KINDS}


def _shade(colour: str) -> str:
    """A darker tone of a ``#rrggbb`` colour, for the shadow side and inner parts."""
    channels = (int(colour[i : i + 2], 16) * 78 // 100 for i in (1, 3, 5))
    return "#" + "".join(f"{value:02x}" for value in channels)


@lru_cache(maxsize=4096)
def _drawing(choice: tuple[str, ...]) -> str:
    """The layers of one combination of parts, in drawing order. The same for every size and
    language, so kept: a class's award screen or sign-in page draws the same parts many times."""
    parts = dict(zip(KINDS, choice, strict=True))
    chosen = {kind: PARTS[kind][parts[kind]] for kind in KINDS if kind != "colour"}
    behind = [part.svg for part in chosen.values() if part.behind]
    order = ("body", "pattern", "eyes", "mouth", "ears", "accessory")
    front = [chosen[kind].svg for kind in order if not chosen[kind].behind]
    fill = COLOURS[parts["colour"]].svg
    return (
        "".join(behind + front)
        .replace("{fill}", fill)
        .replace("{shade}", _shade(fill))
        .replace("{ink}", INK)
    )


def parts_svg(parts: Mapping[str, str], *, size: int = 64, decorative: bool = False) -> SafeString:
    """Draw the monster of ``parts`` (already valid: every kind, every value known).

    ``decorative`` hides it from screen readers, for a drawing next to words that say the same.
    """
    # Every layer is one of the fixed snippets of .parts: none carries text from a person.
    drawing = mark_safe(_drawing(tuple(parts[kind] for kind in KINDS)))  # noqa: S308
    if decorative:
        names = mark_safe('aria-hidden="true"')
    else:
        names = format_html('role="img" aria-label="{}"', describe(parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" width="{}" height="{}" {} '
        'class="monster" focusable="false">{}</svg>',
        VIEWBOX,
        int(size),
        int(size),
        names,
        drawing,
    )


def avatar_svg(avatar: Avatar | None, *, pupil_id: int, size: int = 64) -> SafeString:
    """A pupil's monster as inline SVG (``size`` px square); their default one when ``avatar``
    is None."""
    return parts_svg(parts_of(avatar, pupil_id=pupil_id), size=size)


def avatars_for(pupil_ids: Iterable[int]) -> dict[int, Avatar | None]:
    """Every pupil's saved monster, or None for those with none yet. One query."""
    ids = list(pupil_ids)
    found: dict[int, Avatar | None] = dict.fromkeys(ids)
    if ids:
        for avatar in Avatar.objects.filter(pupil_id__in=ids):
            found[avatar.pupil_id] = avatar
    return found


def parts_from(data: Mapping[str, Any]) -> dict[str, str]:
    """The monster chosen in ``data`` (kind → part name), checked against the fixed parts.

    Raises ``ValidationError(FORGED_PART)`` for an unknown kind, a missing kind or an unknown
    part: a forged choice is refused whole.
    """
    if set(data) != set(KINDS):
        raise ValidationError(FORGED_PART, code="forged_part")
    parts: dict[str, str] = {}
    for kind in KINDS:
        value = data[kind]
        if not isinstance(value, str) or value not in PARTS[kind]:
            raise ValidationError(FORGED_PART, code="forged_part")
        parts[kind] = value
    return parts
