"""One stylesheet serves both directions: the portal's CSS says start and end, never left and
right (issue 15, right to left).

Arabic and Urdu pages are laid out right to left (``<html dir="rtl">``). A ``margin-left`` or a
``text-align: left`` stays on the left there, so the page comes out half mirrored: the bar of a
notice on the wrong side, a list's bullets outside its box. Logical properties
(``margin-inline-start``, ``padding-inline-end``, ``inset-inline-start``, ``border-inline-start``,
``text-align: start``) follow the page's direction, so every stylesheet in ``static/css`` (the
vendored files aside) and every ``style`` attribute in a template (the emails) must use them.

Found physical: a property named after a side (``margin-left``, ``left``, ``border-right-color``,
``border-top-left-radius``, …), the keyword ``left`` or ``right`` in a value (``float: right``,
``text-align: left``, ``clear: left``, ``transform-origin: left``), and a four-sided shorthand
whose right and left differ (``margin: 0 1rem 0 0``, ``border-radius: 1rem 0 0 1rem``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CSS_DIR = ROOT / "static" / "css"
TEMPLATES_DIR = ROOT / "templates"

# A property that names a side: margin-left, left, border-right-width, border-top-left-radius.
SIDE_PROPERTY = re.compile(r"(?:^|-)(?:left|right)(?:-|$)")
# The keywords left and right in a value, outside url(…) and strings (removed before).
SIDE_VALUE = re.compile(r"(?<![\w-])(?:left|right)(?![\w-])")
# top right bottom left: physical when right and left differ.
FOUR_SIDED = frozenset(
    {"margin", "padding", "inset", "border-width", "border-style", "border-color", "scroll-margin"}
    | {"scroll-padding"}
)
COMMENT = re.compile(r"/\*.*?\*/", re.S)
QUOTED = re.compile(r"url\([^)]*\)|\"[^\"]*\"|'[^']*'")
BODY = re.compile(r"\{([^{}]*)\}")
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Physical:
    where: str
    line: int
    declaration: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.declaration}"


def _values(value: str) -> list[str]:
    """A value's space-separated parts, a ``calc(…)`` or ``var(…)`` kept whole."""
    parts, depth, current = [], 0, ""
    for char in value.strip():
        depth += (char == "(") - (char == ")")
        if char.isspace() and depth == 0:
            if current:
                parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current] if current else parts


def _corners(value: str) -> list[str]:
    """A ``border-radius`` half as top-left, top-right, bottom-right, bottom-left."""
    given = _values(value)
    if len(given) == 1:
        return given * 4
    if len(given) == 2:
        return [given[0], given[1], given[0], given[1]]
    if len(given) == 3:
        return [given[0], given[1], given[2], given[1]]
    return given[:4]


def _mirrors_the_same(name: str, value: str) -> bool:
    """Whether a shorthand's value reads the same in a mirror (its left and right equal)."""
    value = value.replace("!important", "")
    if name in FOUR_SIDED:
        sides = _values(value)
        return len(sides) < 4 or sides[1] == sides[3]
    if name == "border-radius":
        for half in value.split("/"):
            top_left, top_right, bottom_right, bottom_left = _corners(half)
            if top_left != top_right or bottom_right != bottom_left:
                return False
    return True


def _declarations(text: str, offset: int) -> Iterator[tuple[int, str, str]]:
    """``(position, name, value)`` of each declaration in a block's body."""
    position = offset
    for piece in text.split(";"):
        name, colon, value = piece.partition(":")
        if colon and name.strip():
            yield position + len(piece) - len(piece.lstrip()), name.strip().lower(), value.strip()
        position += len(piece) + 1


def _bodies(css: str) -> Iterator[tuple[int, str]]:
    """Each rule's body (the innermost ``{…}``) with where it starts; a bare list of
    declarations (a ``style`` attribute) is one body."""
    if "{" not in css:
        yield 0, css
        return
    for match in BODY.finditer(css):
        yield match.start(1), match.group(1)


def physical_declarations(css: str, where: str) -> list[Physical]:
    """The declarations in ``css`` that name a side of the screen rather than of the text."""
    text = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), css)
    text = QUOTED.sub(lambda m: "x" * len(m.group()), text)
    found = []
    for start, body in _bodies(text):
        for position, name, value in _declarations(body, start):
            if name.startswith("--"):
                continue  # a custom property's name is only a name
            if (
                SIDE_PROPERTY.search(name)
                or SIDE_VALUE.search(value.lower())
                or not _mirrors_the_same(name, value)
            ):
                line = text.count("\n", 0, position) + 1
                found.append(Physical(where, line, f"{name}: {value}"))
    return found


def portal_stylesheets() -> list[Path]:
    return sorted(CSS_DIR.rglob("*.css"))


def template_styles() -> list[tuple[Path, int, str]]:
    """Every ``style`` attribute in the portal's templates, with its file and line."""
    styles = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for match in STYLE_ATTRIBUTE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            styles.append((path, line, match.group(1) or match.group(2) or ""))
    return styles


def test_the_portal_has_stylesheets_to_check() -> None:
    names = {path.name for path in portal_stylesheets()}
    assert {"portal.css", "points-award.css", "messaging.css"} <= names
    assert template_styles(), "the email templates' style attributes are checked too"


@pytest.mark.parametrize("path", portal_stylesheets(), ids=lambda path: path.name)
def test_stylesheet_uses_logical_properties_only(path: Path) -> None:
    css = path.read_text(encoding="utf-8")
    found = physical_declarations(css, str(path.relative_to(ROOT)))
    assert not found, "left/right in CSS; use the logical property:\n" + "\n".join(map(str, found))


def test_template_style_attributes_use_logical_properties_only() -> None:
    found = []
    for path, line, style in template_styles():
        for physical in physical_declarations(style, str(path.relative_to(ROOT))):
            found.append(Physical(physical.where, line, physical.declaration))
    assert not found, "left/right in a style attribute:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-left: 1rem; }",
        ".a { padding-right: 0 }",
        ".a { left: 0; }",
        ".a{right:0}",
        ".a { text-align: left; }",
        ".a { text-align: RIGHT; }",
        ".a { float: right; }",
        ".a { clear: left; }",
        ".a { border-left: 6px solid red; }",
        ".a { border-right-color: red; }",
        ".a { border-top-left-radius: 4px; }",
        ".a { transform-origin: left top; }",
        ".a { margin: 0 1rem 0 0; }",
        ".a { padding: 1px calc(1rem - 2px) 1px 0; }",
        ".a { inset: 0 auto 0 0; }",
        ".a { border-radius: 1rem 0 0 1rem; }",
        ".a { border-radius: 1rem 0; }",
        ".a { scroll-padding-left: 1rem; }",
        "@media (min-width: 40rem) { .a { margin-right: 1rem; } }",
    ],
)
def test_physical_declarations_are_found(css: str) -> None:
    assert physical_declarations(css, "sample.css")


@pytest.mark.parametrize(
    "css",
    [
        ".a { margin-inline-start: 1rem; padding-inline: 0.5rem; inset-inline-end: 0; }",
        ".a { text-align: start; border-inline-start: 6px solid red; float: inline-end; }",
        ".a { margin: 0 auto; padding: 1rem 2rem 0.5rem; margin: 1px 2px 3px 2px; }",
        ".a { border-radius: 999px; border-radius: 1rem 1rem 0 0; }",
        ".a { background: url(left.svg); content: 'right'; } /* margin-left: 0 */",
        ".a { --left-gap: 1rem; flex-direction: column; }",
        ".highlight:hover, li.right-hand:first-child { outline: 2px solid; }",
    ],
)
def test_logical_declarations_pass(css: str) -> None:
    assert physical_declarations(css, "sample.css") == []


def test_the_line_of_a_physical_declaration_is_named() -> None:
    css = "/* a\ncomment */\n.a {\n  color: red;\n  margin-right: 1rem;\n}\n"
    assert [str(p) for p in physical_declarations(css, "x.css")] == ["x.css:5: margin-right: 1rem"]
