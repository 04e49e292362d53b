"""The pictures pupils sign in with: 16 simple drawings, each with a word beside it.

Sixteen pictures make each position of a code worth 4 bits, so a code of five pictures has
20 bits (1,048,576 codes); with five tries before a lock, guessing is hopeless. Each drawing is
a few bold shapes with a dark outline, so it is known by its shape, not its colour alone, and
the label is always written beside it (the drawing is hidden from screen readers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 5
OUTLINE = "#1b1f24"


@dataclass(frozen=True)
class Picture:
    key: str
    label: str | Promise
    drawing: str  # SVG shapes inside a 64 × 64 box, written here by hand (trusted markup)

    @property
    def svg(self) -> SafeString:
        """The drawing as inline SVG, hidden from assistive technology (the label says it)."""
        return format_html(
            '<svg class="picture" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" '
            'width="64" height="64" aria-hidden="true" focusable="false">'
            '<g stroke="{}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">'
            "{}</g></svg>",
            OUTLINE,
            mark_safe(self.drawing),  # noqa: S308  (constant markup defined in this module)
        )


PICTURES: tuple[Picture, ...] = (
    Picture(
        "cat",
        _("cat"),
        '<path d="M13 32 12 7 29 18Z M51 32 52 7 35 18Z" fill="#f08c00"/>'
        '<circle cx="32" cy="36" r="20" fill="#f08c00"/>'
        '<circle cx="25" cy="32" r="3" fill="#1b1f24"/>'
        '<circle cx="39" cy="32" r="3" fill="#1b1f24"/>'
        '<path d="M29 40h6l-3 4z" fill="#f783ac"/>'
        '<path d="M22 44 6 41M22 48 7 52M42 44 58 41M42 48 57 52" fill="none"/>',
    ),
    Picture(
        "dog",
        _("dog"),
        '<circle cx="32" cy="32" r="19" fill="#a9713c"/>'
        '<ellipse cx="13" cy="32" rx="7" ry="15" fill="#5c3a1a" transform="rotate(15 13 32)"/>'
        '<ellipse cx="51" cy="32" rx="7" ry="15" fill="#5c3a1a" transform="rotate(-15 51 32)"/>'
        '<ellipse cx="32" cy="43" rx="11" ry="8" fill="#f1d3b3"/>'
        '<ellipse cx="32" cy="39" rx="4.5" ry="3" fill="#1b1f24"/>'
        '<circle cx="25" cy="28" r="3" fill="#1b1f24"/>'
        '<circle cx="39" cy="28" r="3" fill="#1b1f24"/>'
        '<path d="M27 46q5 4 10 0" fill="none"/>',
    ),
    Picture(
        "fish",
        _("fish"),
        '<path d="M44 32 60 18 58 32 60 46Z" fill="#1c7ed6"/>'
        '<ellipse cx="27" cy="32" rx="20" ry="13" fill="#1c7ed6"/>'
        '<path d="M22 20q6-10 14-1" fill="#74c0fc"/>'
        '<circle cx="17" cy="29" r="4" fill="#fff"/>'
        '<circle cx="17" cy="29" r="1.8" fill="#1b1f24"/>'
        '<path d="M28 25q5 7 0 14" fill="none"/>',
    ),
    Picture(
        "bird",
        _("bird"),
        '<path d="M16 34 3 27 6 42Z" fill="#c92a2a"/>'
        '<ellipse cx="29" cy="37" rx="16" ry="12" fill="#e03131"/>'
        '<circle cx="44" cy="24" r="10" fill="#e03131"/>'
        '<path d="M53 21 62 25 53 29Z" fill="#f59f00"/>'
        '<circle cx="46" cy="22" r="2" fill="#1b1f24"/>'
        '<path d="M20 35q10 12 20-1q-10 4-20 1Z" fill="#a51d1d"/>'
        '<path d="M26 48v10M34 48v10M23 58h6M31 58h6" fill="none"/>',
    ),
    Picture(
        "sun",
        _("sun"),
        '<path d="M50 32h9M44.7 44.7l6.4 6.4M32 50v9M19.3 44.7l-6.4 6.4M14 32H5'
        'M19.3 19.3l-6.4-6.4M32 14V5M44.7 19.3l6.4-6.4" stroke="#e67700" stroke-width="4"/>'
        '<circle cx="32" cy="32" r="14" fill="#fcc419"/>',
    ),
    Picture(
        "moon",
        _("moon"),
        '<path d="M31 10A22 22 0 1 0 50.3 40.4A18 18 0 0 1 31 10Z" fill="#ffd43b"/>'
        '<circle cx="52" cy="12" r="2" fill="#ffd43b"/>'
        '<circle cx="57" cy="24" r="1.5" fill="#ffd43b"/>',
    ),
    Picture(
        "star",
        _("star"),
        '<path d="M32 8 38.5 25.1 56.7 26 42.5 37.4 47.3 55 32 45 16.7 55 21.5 37.4 7.3 26'
        ' 25.5 25.1Z" fill="#fab005"/>',
    ),
    Picture(
        "tree",
        _("tree"),
        '<path d="M28 38h8v20h-8z" fill="#8d5524"/>'
        '<circle cx="22" cy="30" r="12" fill="#2f9e44"/>'
        '<circle cx="42" cy="30" r="12" fill="#2f9e44"/>'
        '<circle cx="32" cy="20" r="14" fill="#2f9e44"/>'
        '<path d="M22 30a12 12 0 0 0 20 0" fill="#2f9e44" stroke="none"/>',
    ),
    Picture(
        "flower",
        _("flower"),
        '<path d="M32 34v26" fill="none" stroke="#2b8a3e" stroke-width="4"/>'
        '<path d="M32 50q-14-8-16 0q8 6 16 0Z" fill="#40c057"/>'
        '<g fill="#e64980"><circle cx="32" cy="14" r="7"/><circle cx="40.7" cy="19" r="7"/>'
        '<circle cx="40.7" cy="29" r="7"/><circle cx="32" cy="34" r="7"/>'
        '<circle cx="23.3" cy="29" r="7"/><circle cx="23.3" cy="19" r="7"/></g>'
        '<circle cx="32" cy="24" r="6" fill="#ffd43b"/>',
    ),
    Picture(
        "apple",
        _("apple"),
        '<path d="M32 20C22 12 8 18 10 34 12 50 22 60 32 56 42 60 52 50 54 34 56 18 42 12 32 20Z"'
        ' fill="#e03131"/>'
        '<path d="M32 20q0-8 3-13" fill="none" stroke="#5c3a1a" stroke-width="3"/>'
        '<path d="M35 13q7-9 15-6q-5 9-15 6Z" fill="#40c057"/>'
        '<path d="M18 30q2-6 7-8" fill="none" stroke="#fff" stroke-width="3"/>',
    ),
    Picture(
        "car",
        _("car"),
        '<path d="M5 44V34q1-5 7-6l8-10h22l10 10q7 1 7 7v9Z" fill="#1971c2"/>'
        '<path d="M23 22h8v7H17ZM35 22h6l6 7H35Z" fill="#d0ebff"/>'
        '<circle cx="18" cy="45" r="7" fill="#343a40"/>'
        '<circle cx="46" cy="45" r="7" fill="#343a40"/>'
        '<circle cx="18" cy="45" r="2.5" fill="#ced4da"/>'
        '<circle cx="46" cy="45" r="2.5" fill="#ced4da"/>',
    ),
    Picture(
        "boat",
        _("boat"),
        '<path d="M32 6v34" fill="none" stroke-width="3"/>'
        '<path d="M35 9 55 36H35Z" fill="#f8f9fa"/><path d="M29 14 12 36h17Z" fill="#ff6b6b"/>'
        '<path d="M5 40h54l-8 13H13Z" fill="#a0522d"/>'
        '<path d="M3 58q5-4 10 0t10 0 10 0 10 0 10 0 10 0" fill="none" stroke="#1c7ed6"'
        ' stroke-width="3"/>',
    ),
    Picture(
        "house",
        _("house"),
        '<path d="M14 30h36v28H14z" fill="#ffd43b"/>'
        '<path d="M7 32 32 9l25 23Z" fill="#c92a2a"/>'
        '<path d="M27 42h10v16H27z" fill="#5c3a1a"/>'
        '<path d="M17 36h8v8h-8zM39 36h8v8h-8z" fill="#a5d8ff"/>',
    ),
    Picture(
        "heart",
        _("heart"),
        '<path d="M32 56C10 40 4 28 8 18 12 8 26 6 32 18 38 6 52 8 56 18 60 28 54 40 32 56Z"'
        ' fill="#d6336c"/>',
    ),
    Picture(
        "umbrella",
        _("umbrella"),
        '<path d="M32 32v20a5 5 0 0 1-10 0" fill="none" stroke-width="4"/>'
        '<path d="M32 7V3" fill="none" stroke-width="3"/>'
        '<path d="M6 32A26 26 0 0 1 58 32q-6.5-6-13 0-6.5-6-13 0-6.5-6-13 0-6.5-6-13 0Z"'
        ' fill="#7048e8"/>'
        '<path d="M32 7q-8 10-6.5 25M32 7q8 10 6.5 25" fill="none"/>',
    ),
    Picture(
        "cake",
        _("cake"),
        '<path d="M29 18h6v14h-6z" fill="#4dabf7"/>'
        '<path d="M32 5q6 7 0 11q-6-4 0-11Z" fill="#fd7e14"/>'
        '<path d="M10 32h44v24H10z" fill="#f783ac"/>'
        '<path d="M10 32h44v7q-5.5 5-11 0-5.5 5-11 0-5.5 5-11 0-5.5 5-11 0Z" fill="#fff"/>'
        '<path d="M5 58h54" fill="none" stroke-width="3"/>',
    ),
)

PICTURES_BY_KEY: dict[str, Picture] = {picture.key: picture for picture in PICTURES}


def code_entropy_bits(*, pictures: int = len(PICTURES), length: int = CODE_LENGTH) -> float:
    """Bits of a code drawn uniformly at random: ``length`` × log2(``pictures``)."""
    return length * math.log2(pictures)


def pictures_for(keys: list[str]) -> list[Picture]:
    """The pictures named by ``keys``, in order; unknown keys raise ``KeyError``."""
    return [PICTURES_BY_KEY[key] for key in keys]
