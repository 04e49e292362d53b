"""The monsters' parts: fixed SVG snippets, one set per kind (R27).

Every snippet is written here and nowhere else; a drawing is only ever these snippets and the
colours' fixed hex values, so nothing a person typed can reach it. The canvas is 100 × 100:
the head's top is near y 20, the eyes near y 46, the mouth near y 66, the feet at y 92. Parts
that sit on the body (patterns) keep inside the part of the canvas every body covers.

Placeholders filled when drawing: ``{fill}`` (the colour), ``{shade}`` (a darker tone of it,
for shading and inner ears) and ``{ink}`` (the outline).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INK = "#2b2140"
_STROKE = 'stroke="{ink}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"'
_LINE = 'fill="none" stroke="{ink}" stroke-width="3" stroke-linecap="round"'
_WHITE = 'fill="#ffffff" stroke="{ink}" stroke-width="2.5"'


@dataclass(frozen=True)
class Part:
    """One choice of one kind: its label (translatable) and its SVG snippet.

    A colour's ``svg`` is its hex value. ``behind`` parts are drawn before the body (ears and
    horns grow out from behind the head).
    """

    label: Promise
    svg: str
    behind: bool = False


def _limbs(arm_x: int, arm_y: int) -> str:
    """Two feet and two arms, drawn behind the body so that only their ends show."""
    left, right = arm_x, 100 - arm_x
    return (
        f'<ellipse cx="36" cy="91" rx="10" ry="6" fill="{{shade}}" {_STROKE}/>'
        f'<ellipse cx="64" cy="91" rx="10" ry="6" fill="{{shade}}" {_STROKE}/>'
        f'<ellipse cx="{left}" cy="{arm_y}" rx="6" ry="11" fill="{{fill}}" {_STROKE} '
        f'transform="rotate(35 {left} {arm_y})"/>'
        f'<ellipse cx="{right}" cy="{arm_y}" rx="6" ry="11" fill="{{fill}}" {_STROKE} '
        f'transform="rotate(-35 {right} {arm_y})"/>'
    )


def _body(outline: str, shine: str, *, arm_x: int = 18, arm_y: int = 64) -> str:
    """A body: limbs, the outlined shape in the shade, the same shape shrunk towards its upper
    left in the colour (so a shadow rim stays on the lower right, inside the outline), and a
    shine. The shrunk copy stays inside: every body is star-shaped around (40, 40)."""
    return (
        _limbs(arm_x, arm_y)
        + f'<path d="{outline}" fill="{{shade}}" {_STROKE}/>'
        + f'<path d="{outline}" fill="{{fill}}" transform="matrix(.9 0 0 .9 4 4)"/>'
        + f'<path d="{shine}" fill="none" stroke="#ffffff" stroke-opacity=".7" '
        'stroke-width="4" stroke-linecap="round"/>'
    )


def _eye(x: float, y: float, r: float = 8, *, look: float = 1) -> str:
    """An eye with a pupil looking slightly down and in, and a glint."""
    pupil = max(r * 0.55, 2.5)
    return (
        f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}" {_WHITE}/>'
        f'<circle cx="{x + look:g}" cy="{y + r * 0.2:g}" r="{pupil:g}" fill="{{ink}}"/>'
        f'<circle cx="{x + look - pupil * 0.4:g}" cy="{y - pupil * 0.3:g}" '
        f'r="{max(pupil * 0.35, 1):g}" fill="#ffffff"/>'
    )


def _mirrored(snippet: str) -> str:
    """A snippet and its mirror image across the middle of the canvas."""
    return snippet + f'<g transform="matrix(-1 0 0 1 100 0)">{snippet}</g>'


def _heart(x: int, y: int) -> str:
    return (
        f'<path d="M{x} {y + 3} c-5 -3 -5 -8 -2 -8 c1.3 0 2 1 2 2 c0 -1 .7 -2 2 -2 '
        f'c3 0 3 5 -2 8 Z" fill="#ff6b9a" stroke="{{ink}}" stroke-width="1"/>'
    )


def _star(x: int, y: int) -> str:
    return (
        f'<path d="M{x} {y - 5} l1.5 3.5 l3.8 .3 l-2.9 2.4 l.9 3.7 l-3.3 -2 l-3.3 2 l.9 -3.7 '
        f'l-2.9 -2.4 l3.8 -.3 Z" fill="#fff3a3" stroke="{{ink}}" stroke-width="1" '
        'stroke-linejoin="round"/>'
    )


BODIES: dict[str, Part] = {
    "round": Part(
        _("round"),
        _body(
            "M50 23 C70 22 84 38 83 58 C82 78 68 91 50 90 C31 91 17 77 17 58 C17 39 31 24 50 23 Z",
            "M28 46 C30 38 35 33 41 30",
        ),
    ),
    "tall": Part(
        _("tall"),
        _body(
            "M50 17 C67 17 77 33 77 55 C77 78 67 92 50 91 C33 92 23 78 23 55 C23 33 33 17 50 17 Z",
            "M32 40 C33 32 37 26 42 23",
            arm_x=23,
        ),
    ),
    "blob": Part(
        _("blobby"),
        _body(
            "M22 89 C10 70 14 31 34 24 C46 18 62 20 72 27 C90 40 90 73 78 89 "
            "C70 83 62 93 50 87 C40 93 30 83 22 89 Z",
            "M24 48 C25 38 30 31 37 28",
            arm_x=16,
        ),
    ),
    "square": Part(
        _("square"),
        _body(
            "M30 22 C43 20 57 20 70 22 C80 24 83 32 83 44 C84 56 84 66 83 76 "
            "C82 86 76 91 66 91 C55 92 45 92 34 91 C24 91 18 86 17 76 C16 66 16 56 17 44 "
            "C17 32 20 24 30 22 Z",
            "M24 42 C24 34 27 29 33 27",
        ),
    ),
    "pear": Part(
        _("pear-shaped"),
        _body(
            "M50 21 C63 21 69 33 70 43 C71 52 85 60 84 74 C84 87 70 92 50 91 "
            "C30 92 16 87 16 74 C15 60 29 52 30 43 C31 33 37 21 50 21 Z",
            "M35 40 C35 33 38 27 43 25",
            arm_x=17,
            arm_y=72,
        ),
    ),
    "fluffy": Part(
        _("fluffy"),
        _body(
            "M28 30 Q29 19 40 22 Q50 13 60 22 Q71 19 72 30 Q84 33 81 45 Q89 55 81 65 "
            "Q86 79 73 82 Q68 93 56 88 Q50 94 44 88 Q32 93 27 82 Q14 79 19 65 "
            "Q11 55 19 45 Q16 33 28 30 Z",
            "M26 48 C26 40 29 35 35 32",
            arm_x=19,
        ),
    ),
}

EYES: dict[str, Part] = {
    "one": Part(_("one big eye"), _eye(50, 45, 13)),
    "two": Part(_("two eyes"), _eye(40, 46) + _eye(60, 46, look=-1)),
    "three": Part(_("three eyes"), _eye(34, 48, 7) + _eye(50, 40, 7) + _eye(66, 48, 7, look=-1)),
    "sleepy": Part(
        _("sleepy eyes"),
        _mirrored(
            f'<path d="M33 47 q7 6 14 0" {_LINE}/>'
            '<path d="M35 50 l-2 3 M40 51.5 v3.5 M45 50 l2 3" fill="none" stroke="{ink}" '
            'stroke-width="2" stroke-linecap="round"/>'
        ),
    ),
    "happy": Part(_("happy eyes"), _mirrored(f'<path d="M33 49 q7 -10 14 0" {_LINE}/>')),
    "wink": Part(_("winking"), _eye(40, 46, 9) + f'<path d="M53 47 q7 -7 14 0" {_LINE}/>'),
    "googly": Part(_("googly eyes"), _eye(38, 45, 11, look=3) + _eye(63, 48, 7, look=-2)),
    "sparkly": Part(
        _("sparkly eyes"),
        _mirrored(
            '<circle cx="40" cy="46" r="9" fill="{ink}"/>'
            '<circle cx="37" cy="43" r="3.2" fill="#ffffff"/>'
            '<circle cx="43" cy="49" r="1.6" fill="#ffffff"/>'
        ),
    ),
}

MOUTHS: dict[str, Part] = {
    "smile": Part(_("big smile"), f'<path d="M37 63 q13 13 26 0" {_LINE}/>'),
    "teeth": Part(
        _("grin with teeth"),
        '<path d="M34 62 C42 64 58 64 66 62 C65 72 59 77 50 77 C41 77 35 72 34 62 Z" '
        f'fill="#7a2e3b" {_STROKE}/>'
        '<path d="M40 63.5 h6 v5 q-3 1.5 -6 0 Z M54 63.5 h6 v5 q-3 1.5 -6 0 Z" '
        'fill="#ffffff" stroke="{ink}" stroke-width="1.5" stroke-linejoin="round"/>',
    ),
    "o": Part(
        _("surprised mouth"),
        f'<ellipse cx="50" cy="68" rx="6.5" ry="8" fill="#7a2e3b" {_STROKE}/>'
        '<ellipse cx="50" cy="72" rx="3.5" ry="2.5" fill="#ff8fab"/>',
    ),
    "tongue": Part(
        _("tongue out"),
        '<path d="M45 66 v5 q5 8 10 0 v-5 Z" fill="#ff8fab" stroke="{ink}" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
        '<path d="M50 67 v4" stroke="#d94f77" stroke-width="1.5" stroke-linecap="round"/>'
        f'<path d="M37 63 q13 8 26 0" {_LINE}/>',
    ),
    "fangs": Part(
        _("smile with fangs"),
        '<path d="M41 65 l2.5 6 l2.5 -5 Z M54 66 l2.5 5 l2.5 -6 Z" fill="#ffffff" '
        'stroke="{ink}" stroke-width="1.5" stroke-linejoin="round"/>'
        f'<path d="M36 62 q14 9 28 0" {_LINE}/>',
    ),
    "laugh": Part(
        _("laughing"),
        '<path d="M35 61 C45 63 55 63 65 61 C65 73 58 80 50 80 C42 80 35 73 35 61 Z" '
        f'fill="#7a2e3b" {_STROKE}/>'
        '<path d="M42 75 C45 70 55 70 58 75 C55 79 45 79 42 75 Z" fill="#ff8fab"/>',
    ),
    "wobbly": Part(_("wobbly mouth"), f'<path d="M36 67 q3.5 -4 7 0 t7 0 t7 0 t7 0" {_LINE}/>'),
    "cheeky": Part(
        _("cheeky grin"),
        f'<path d="M38 66 C46 70 56 68 63 60" {_LINE}/><path d="M61 58.5 q3.5 .5 4 3.5" {_LINE}/>',
    ),
}

_HORN = "M33 29 C27 22 25 13 28 5 C32 13 38 18 44 23 Z"
_CAT = "M25 37 C24 25 26 14 30 6 C36 12 43 18 48 24 Z"
_CURL = "M34 26 C22 27 16 16 22 10 C27 5 35 9 33 15 C32 19 27 18 27 15"

EARS: dict[str, Part] = {
    "none": Part(_("no ears"), ""),
    "horns": Part(
        _("horns"),
        _mirrored(f'<path d="{_HORN}" fill="#fff3c4" {_STROKE}/>')
        + _mirrored(
            '<path d="M29 13 q4 1 6 4 M31 19 q3 0 5 3" fill="none" stroke="#d9b45a" '
            'stroke-width="1.5" stroke-linecap="round"/>'
        ),
        behind=True,
    ),
    "antenna": Part(
        _("antenna"),
        f'<path d="M50 26 C47 18 55 14 52 8" {_LINE}/>'
        '<circle cx="52" cy="7" r="5.5" fill="#ff7a7a" stroke="{ink}" stroke-width="2.5"/>'
        '<circle cx="50.5" cy="5.5" r="1.6" fill="#ffffff"/>',
        behind=True,
    ),
    "cat": Part(
        _("pointy ears"),
        _mirrored(
            f'<path d="{_CAT}" fill="{{fill}}" {_STROKE}/>'
            '<path d="M30 28 C30 22 31 17 32 13 C35 16 38 19 41 23 Z" fill="#ff9fbf"/>'
        ),
        behind=True,
    ),
    "bear": Part(
        _("round ears"),
        _mirrored(
            f'<circle cx="27" cy="28" r="11" fill="{{fill}}" {_STROKE}/>'
            '<circle cx="27" cy="28" r="5.5" fill="{shade}"/>'
        ),
        behind=True,
    ),
    "bunny": Part(
        _("bunny ears"),
        _mirrored(
            f'<ellipse cx="38" cy="14" rx="7" ry="16" fill="{{fill}}" {_STROKE} '
            'transform="rotate(-12 38 14)"/>'
            '<ellipse cx="38" cy="15" rx="3" ry="11" fill="#ff9fbf" '
            'transform="rotate(-12 38 15)"/>'
        ),
        behind=True,
    ),
    "curly": Part(
        _("curly horns"),
        _mirrored(
            f'<path d="{_CURL}" fill="none" stroke="{{ink}}" stroke-width="9" '
            'stroke-linecap="round"/>'
            f'<path d="{_CURL}" fill="none" stroke="#f2dfb0" stroke-width="4.5" '
            'stroke-linecap="round"/>'
        ),
        behind=True,
    ),
    "floppy": Part(
        _("floppy ears"),
        _mirrored(
            f'<path d="M30 26 C18 22 8 34 10 50 C11 58 18 60 22 54 C26 46 28 36 34 30 Z" '
            f'fill="{{shade}}" {_STROKE}/>'
        ),
        behind=True,
    ),
    "spikes": Part(
        _("spikes"),
        f'<path d="M31 30 L36 12 L44 24 L50 7 L56 24 L64 12 L69 30 Z" fill="{{shade}}" '
        f"{_STROKE}/>",
        behind=True,
    ),
}

PATTERNS: dict[str, Part] = {
    "none": Part(_("no pattern"), ""),
    "spots": Part(
        _("spots"),
        "".join(
            f'<circle cx="{x}" cy="{y}" r="{r}" fill="{{shade}}"/>'
            for x, y, r in ((29, 64, 4), (71, 61, 3), (32, 77, 3), (68, 76, 4.5), (50, 85, 3))
        ),
    ),
    "stripes": Part(
        _("stripes"),
        _mirrored(
            '<path d="M26 58 q5 1 8 -1 M25 67 q6 1 9 -1 M27 76 q5 1 8 -1" fill="none" '
            'stroke="{shade}" stroke-width="3.5" stroke-linecap="round"/>'
        ),
    ),
    "belly": Part(
        _("light tummy"),
        '<path d="M36 80 C36 72 64 72 64 80 C64 87 57 89 50 89 C43 89 36 87 36 80 Z" '
        'fill="#ffffff" fill-opacity=".55"/>',
    ),
    "hearts": Part(_("hearts"), _heart(29, 70) + _heart(71, 72) + _heart(50, 84)),
    "stars": Part(_("stars"), _star(29, 68) + _star(71, 70) + _star(50, 85)),
    "freckles": Part(
        _("freckles"),
        _mirrored(
            '<circle cx="29" cy="56" r="1.3" fill="{ink}" fill-opacity=".6"/>'
            '<circle cx="33" cy="58" r="1.3" fill="{ink}" fill-opacity=".6"/>'
            '<circle cx="28" cy="60" r="1.3" fill="{ink}" fill-opacity=".6"/>'
        ),
    ),
    "cheeks": Part(
        _("rosy cheeks"),
        _mirrored('<ellipse cx="30" cy="59" rx="5" ry="3.2" fill="#ff6b9a" fill-opacity=".5"/>'),
    ),
}

COLOURS: dict[str, Part] = {
    "green": Part(_("green"), "#86e07a"),
    "blue": Part(_("blue"), "#7cc8ff"),
    "purple": Part(_("purple"), "#c9a8ff"),
    "orange": Part(_("orange"), "#ffb35c"),
    "pink": Part(_("pink"), "#ffa3d1"),
    "yellow": Part(_("yellow"), "#ffe066"),
    "teal": Part(_("teal"), "#5fe0c9"),
    "red": Part(_("red"), "#ff7b6b"),
}

ACCESSORIES: dict[str, Part] = {
    "none": Part(_("nothing to wear"), ""),
    "bow": Part(
        _("bow"),
        '<path d="M67 24 L56 16 C53 21 53 27 56 32 Z M67 24 L78 16 C81 21 81 27 78 32 Z" '
        f'fill="#ff5c8a" {_STROKE}/>'
        '<circle cx="67" cy="24" r="4" fill="#ff5c8a" stroke="{ink}" stroke-width="2.5"/>',
    ),
    "hat": Part(
        _("top hat"),
        f'<ellipse cx="50" cy="23" rx="24" ry="5" fill="#3a3358" {_STROKE}/>'
        f'<path d="M37 22 C37 14 37 8 38 3 C46 1 54 1 62 3 C63 8 63 14 63 22 Z" '
        f'fill="#3a3358" {_STROKE}/>'
        '<path d="M37.5 15 C46 17 54 17 62.5 15 L62.7 19 C54 21 46 21 37.3 19 Z" '
        'fill="#ff7a7a"/>',
    ),
    "glasses": Part(
        _("glasses"),
        '<circle cx="39" cy="46" r="11" fill="#ffffff" fill-opacity=".25" stroke="{ink}" '
        'stroke-width="3"/>'
        '<circle cx="61" cy="46" r="11" fill="#ffffff" fill-opacity=".25" stroke="{ink}" '
        'stroke-width="3"/>'
        f'<path d="M28 44 L21 41 M72 44 L79 41 M48.5 43 q1.5 -2 3 0" {_LINE}/>',
    ),
    "crown": Part(
        _("crown"),
        '<path d="M34 25 L33 9 L42 17 L50 5 L58 17 L67 9 L66 25 C56 27 44 27 34 25 Z" '
        f'fill="#ffd43b" {_STROKE}/>'
        '<circle cx="50" cy="19" r="2.5" fill="#ff5c8a"/>'
        '<circle cx="41" cy="21" r="1.8" fill="#4dabf7"/><circle cx="59" cy="21" r="1.8" '
        'fill="#4dabf7"/>',
    ),
    "scarf": Part(
        _("scarf"),
        '<path d="M26 79 C40 85 60 85 74 79 L75 86 C60 92 40 92 25 86 Z" fill="#4dabf7" '
        f"{_STROKE}/>"
        f'<path d="M60 84 L66 97 L73 94 L68 83 Z" fill="#4dabf7" {_STROKE}/>'
        '<path d="M35 83 v5 M45 84.5 v5 M55 84.5 v5" stroke="#ffffff" stroke-width="2" '
        'stroke-linecap="round"/>',
    ),
    "bowtie": Part(
        _("bow tie"),
        '<path d="M50 82 L39 76 C37 80 37 85 39 89 Z M50 82 L61 76 C63 80 63 85 61 89 Z" '
        f'fill="#e03131" {_STROKE}/>'
        '<rect x="46.5" y="78.5" width="7" height="7" rx="2" fill="#e03131" stroke="{ink}" '
        'stroke-width="2.5"/>',
    ),
    "flower": Part(
        _("flower"),
        "".join(
            f'<circle cx="{x}" cy="{y}" r="4.5" fill="#ffffff" stroke="{{ink}}" stroke-width="2"/>'
            for x, y in ((29, 17), (36, 21), (34, 29), (25, 29), (23, 21))
        )
        + '<circle cx="29.5" cy="23.5" r="4" fill="#ffd43b" stroke="{ink}" stroke-width="2"/>',
    ),
    "party": Part(
        _("party hat"),
        f'<path d="M38 25 L50 2 L62 25 C54 28 46 28 38 25 Z" fill="#b197fc" {_STROKE}/>'
        '<path d="M44 14 L56 20 M41 21 L50 25 M47 8 L53 11" stroke="#ffd43b" stroke-width="2.5" '
        'stroke-linecap="round"/>'
        '<circle cx="50" cy="3" r="4" fill="#ff7a7a" stroke="{ink}" stroke-width="2.5"/>',
    ),
}
