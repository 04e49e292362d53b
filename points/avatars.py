"""Monster avatars drawn by the server from a fixed set of parts (R27).

A monster is five choices, one per kind in :data:`PARTS`. The SVG is composed only from the fixed
snippets below and the colours' fixed hex values: nothing a person typed ever reaches it. A pupil
without a saved monster gets a default one chosen from their id, so every child has one from the
first day, and two pupils' defaults differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Avatar

FORGED_PART = _("Please choose your monster's parts from the pictures.")

OUTLINE = "#1f2937"
VIEWBOX = "0 0 100 100"


@dataclass(frozen=True)
class Part:
    """One choice of one kind: its label (translatable) and its SVG snippet.

    Body snippets contain ``{fill}`` (the colour's hex); a colour's ``svg`` is that hex value.
    An accessory with ``behind`` is drawn before the body (horns, antenna grow out from behind).
    """

    label: Promise
    svg: str
    behind: bool = False


def _body(shape: str) -> str:
    return shape.replace("/>", f' stroke="{OUTLINE}" stroke-width="3" fill="{{fill}}"/>')


def _eye(x: int, y: int, r: int = 8) -> str:
    return (
        f'<circle cx="{x}" cy="{y}" r="{r}" fill="#ffffff" stroke="{OUTLINE}" stroke-width="2"/>'
        f'<circle cx="{x}" cy="{y + 1}" r="{max(r // 2 - 1, 2)}" fill="{OUTLINE}"/>'
    )


_SLEEPY = (
    f'<path d="M33 48 q7 6 14 0 M53 48 q7 6 14 0" fill="none" stroke="{OUTLINE}" '
    'stroke-width="3" stroke-linecap="round"/>'
)
_LINE = f'fill="none" stroke="{OUTLINE}" stroke-width="3" stroke-linecap="round"'

PARTS: dict[str, dict[str, Part]] = {
    "body": {
        "round": Part(_("round"), _body('<circle cx="50" cy="58" r="34"/>')),
        "tall": Part(_("tall"), _body('<ellipse cx="50" cy="56" rx="27" ry="38"/>')),
        "blob": Part(
            _("blobby"),
            _body(
                '<path d="M22 90 C10 70 14 30 34 24 C46 18 62 20 72 28 C90 40 90 74 78 90 '
                'C70 84 62 94 50 88 C40 94 30 84 22 90 Z"/>'
            ),
        ),
        "square": Part(_("square"), _body('<rect x="18" y="24" width="64" height="66" rx="12"/>')),
    },
    "eyes": {
        "one": Part(_("one big eye"), _eye(50, 46, 13)),
        "two": Part(_("two eyes"), _eye(40, 46) + _eye(60, 46)),
        "three": Part(_("three eyes"), _eye(34, 48, 7) + _eye(50, 42, 7) + _eye(66, 48, 7)),
        "sleepy": Part(_("sleepy eyes"), _SLEEPY),
    },
    "mouth": {
        "smile": Part(_("big smile"), f'<path d="M36 64 q14 14 28 0" {_LINE}/>'),
        "teeth": Part(
            _("grin with teeth"),
            f'<path d="M34 63 h32 q-2 14 -16 14 q-14 0 -16 -14 Z" fill="{OUTLINE}"/>'
            '<path d="M40 63 h6 v5 h-6 Z M54 63 h6 v5 h-6 Z" fill="#ffffff"/>',
        ),
        "o": Part(
            _("surprised mouth"),
            f'<ellipse cx="50" cy="69" rx="7" ry="8" fill="{OUTLINE}"/>',
        ),
        "tongue": Part(
            _("tongue out"),
            f'<path d="M38 64 q12 8 24 0" {_LINE}/>'
            f'<path d="M45 67 v6 q5 7 10 0 v-6 Z" fill="#f472b6" stroke="{OUTLINE}" '
            'stroke-width="2"/>',
        ),
    },
    "colour": {
        "green": Part(_("green"), "#86e07a"),
        "blue": Part(_("blue"), "#7cc8ff"),
        "purple": Part(_("purple"), "#c9a8ff"),
        "orange": Part(_("orange"), "#ffb35c"),
        "pink": Part(_("pink"), "#ffa3d1"),
        "yellow": Part(_("yellow"), "#ffe066"),
        "teal": Part(_("teal"), "#5fe0c9"),
    },
    "accessory": {
        "none": Part(_("nothing on top"), ""),
        "horns": Part(
            _("horns"),
            f'<path d="M30 34 L24 8 L42 26 Z M70 34 L76 8 L58 26 Z" fill="#fff3c4" '
            f'stroke="{OUTLINE}" stroke-width="3" stroke-linejoin="round"/>',
            behind=True,
        ),
        "antenna": Part(
            _("antenna"),
            f'<path d="M50 26 V8" {_LINE}/>'
            f'<circle cx="50" cy="7" r="5" fill="#f87171" stroke="{OUTLINE}" stroke-width="2"/>',
            behind=True,
        ),
        "bow": Part(
            _("bow"),
            f'<path d="M50 24 L34 14 V34 Z M50 24 L66 14 V34 Z" fill="#f472b6" '
            f'stroke="{OUTLINE}" stroke-width="2" stroke-linejoin="round"/>'
            f'<circle cx="50" cy="24" r="4" fill="#f472b6" stroke="{OUTLINE}" stroke-width="2"/>',
        ),
        "hat": Part(
            _("hat"),
            f'<rect x="28" y="22" width="44" height="6" rx="3" fill="#374151" '
            f'stroke="{OUTLINE}" stroke-width="2"/>'
            f'<rect x="36" y="4" width="28" height="20" rx="3" fill="#374151" '
            f'stroke="{OUTLINE}" stroke-width="2"/>'
            '<rect x="36" y="16" width="28" height="4" fill="#f87171"/>',
        ),
    },
}

KINDS: tuple[str, ...] = tuple(PARTS)

# The kinds' names as shown to a pupil choosing a part.
KIND_LABELS: dict[str, Promise] = {
    "body": _("Body"),
    "eyes": _("Eyes"),
    "mouth": _("Mouth"),
    "colour": _("Colour"),
    "accessory": _("On top"),
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
    return gettext("Monster: %(body)s %(colour)s body, %(eyes)s, %(mouth)s, %(accessory)s") % {
        kind: PARTS[kind][parts[kind]].label for kind in KINDS
    }


def parts_svg(parts: Mapping[str, str], *, size: int = 64, decorative: bool = False) -> SafeString:
    """Draw the monster of ``parts`` (already valid: every kind, every value known).

    ``decorative`` hides it from screen readers, for a drawing next to words that say the same.
    """
    accessory = PARTS["accessory"][parts["accessory"]]
    body = PARTS["body"][parts["body"]].svg.replace("{fill}", PARTS["colour"][parts["colour"]].svg)
    layers = [
        accessory.svg if accessory.behind else "",
        body,
        PARTS["eyes"][parts["eyes"]].svg,
        PARTS["mouth"][parts["mouth"]].svg,
        "" if accessory.behind else accessory.svg,
    ]
    # Every layer is one of the fixed snippets above: none carries text from a person.
    drawing = mark_safe("".join(layers))  # noqa: S308
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
