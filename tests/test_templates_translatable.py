"""Every text a person can see or hear in a template is marked for translation (R32).

Each of the portal's templates is read with Django's own template ``Lexer``. Variables and tags
are set aside, the text inside ``{% blocktranslate %}`` and ``{% comment %}`` is dropped (so is
``{# … #}``), and what is left is read as HTML: its text nodes and its translatable attributes
(``alt``, ``title``, ``aria-label``, ``placeholder``, a ``<meta>`` description's ``content``, a
submit button's ``value``, …) may hold only white space, punctuation and symbols — or one of the
few words in ``ALLOWED`` below, each with its reason. Anything else is English that a Polish or
Arabic reader would be left with, and the test names its template, line and words.

Plain-text templates (emails, subjects) are read the same way without the HTML step. The service
worker (``pwa/sw.js``) is a script, not text: it shows only what the server sends it (push
titles and bodies, written in Python) and the offline page, which is a template read here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType

# Where a variable or a tag stood: a private-use character, surrounded by spaces so that a tag
# inside an element's start tag (`<li{% if … %} class="x"{% endif %}>`) leaves its name alone.
MARK = " \ue000 "

# Attributes whose value a person sees (a tooltip, a placeholder) or hears (a screen reader).
TRANSLATABLE_ATTRIBUTES = frozenset(
    {
        "alt",
        "title",
        "placeholder",
        "label",
        "abbr",
        "aria-label",
        "aria-description",
        "aria-placeholder",
        "aria-roledescription",
        "aria-valuetext",
    }
)
# <meta name="…" content="…"> that a browser or a search shows as text.
TEXT_META_NAMES = frozenset({"description", "application-name", "apple-mobile-web-app-title"})
# <input type="…" value="…"> whose value is the button's label.
BUTTON_INPUT_TYPES = frozenset({"submit", "reset", "button"})
# Elements whose content is code, not text.
CODE_ELEMENTS = frozenset({"script", "style"})

# Blocks whose content is a class name for the page's <body> (base.html, the admin's base), not
# text: their content is dropped like a tag's.
CLASS_NAME_BLOCKS = frozenset({"body_class", "bodyclass"})

# Words that stay as they are in every language, and why. Keep it short: never a sentence.
ALLOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Finding:
    template: str
    line: int
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line} {self.where}: {self.text!r}"


def is_text(text: str) -> bool:
    """Whether ``text`` holds words: any letter or digit. White space, punctuation, symbols and
    the marks left by variables and tags are not words."""
    return any(unicodedata.category(char)[0] in "LN" for char in text.replace(MARK.strip(), ""))


def leftover(text: str) -> str:
    """``text`` without the words of the allow-list, white space trimmed."""
    words = [word for word in text.replace(MARK.strip(), " ").split() if word not in ALLOWED]
    return " ".join(words)


def outside_translation(source: str) -> str:
    """The template's source as it renders before translation: variables and tags become
    ``MARK``, text inside ``{% blocktranslate %}``, ``{% comment %}`` and the blocks of
    ``CLASS_NAME_BLOCKS`` becomes a ``MARK`` too, and every line break stays where it was, so
    line numbers still point at the source."""
    pieces: list[str] = []
    skipping: str | None = None  # the tag that ends the block being dropped
    for token in Lexer(source).tokenize():
        newlines = "\n" * token.contents.count("\n")
        if token.token_type == TokenType.BLOCK:
            tag, *arguments = token.split_contents()
            if skipping is None and tag in {"blocktranslate", "blocktrans"}:
                skipping = "end" + tag
            elif skipping is None and tag == "comment":
                skipping = "endcomment"
            elif skipping is None and tag == "block" and arguments[0] in CLASS_NAME_BLOCKS:
                skipping = "endblock"
            elif tag == skipping:
                skipping = None
            pieces.append(MARK + newlines)
        elif token.token_type == TokenType.VAR:
            pieces.append(MARK + newlines)
        elif token.token_type == TokenType.COMMENT or skipping is not None:
            pieces.append(newlines)
        else:
            pieces.append(token.contents)
    return "".join(pieces)


class _TextFinder(HTMLParser):
    def __init__(self, template: str) -> None:
        super().__init__(convert_charrefs=True)
        self.template = template
        self.findings: list[Finding] = []
        self.code_depth = 0

    def _check(self, text: str | None, where: str) -> None:
        if text and is_text(text) and leftover(text):
            self.findings.append(Finding(self.template, self.getpos()[0], where, leftover(text)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self.code_depth += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in TRANSLATABLE_ATTRIBUTES:
                self._check(value, f"<{tag} {name}>")
        if tag == "meta" and (values.get("name") or "").lower() in TEXT_META_NAMES:
            self._check(values.get("content"), f"<meta name={values.get('name')} content>")
        if tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            self._check(values.get("value"), "<input value>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in CODE_ELEMENTS:
            self.code_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.code_depth:
            self._check(data, "text")


def untranslated_text(source: str, *, name: str) -> list[Finding]:
    """The pieces of text in the template ``source`` that are outside the translation tags.
    ``name`` ends in ``.html`` for HTML (text nodes and attributes), anything else is text."""
    rendered = outside_translation(source)
    if name.endswith((".html", ".htm", ".svg", ".xml")):
        finder = _TextFinder(name)
        finder.feed(rendered)
        finder.close()
        return finder.findings
    return [
        Finding(name, number, "text", leftover(line))
        for number, line in enumerate(rendered.split("\n"), start=1)
        if is_text(line) and leftover(line)
    ]


def portal_template_dirs() -> list[Path]:
    """The portal's own template folders: ``templates/`` and any of its apps' ``templates/``
    (third-party apps' templates come with their own catalogues)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [Path(folder).resolve() for folder in engines["django"].dirs]
    for config in apps.get_app_configs():
        folder = Path(config.path).resolve() / "templates"
        if folder.is_dir() and base in folder.parents and ".venv" not in folder.parts:
            folders.append(folder)
    return folders


# Scripts rendered as templates: code, not text (see the module's docstring).
SCRIPT_SUFFIXES = (".js",)


def portal_templates() -> list[tuple[str, Path]]:
    found = []
    for folder in portal_template_dirs():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.endswith(SCRIPT_SUFFIXES):
                found.append((str(path.relative_to(folder)), path))
    return found


def test_R32_every_template_keeps_its_text_inside_translation_tags() -> None:
    templates = portal_templates()
    assert len(templates) > 100  # the walk found the portal's templates, not an empty folder
    findings = [
        finding
        for name, path in templates
        for finding in untranslated_text(path.read_text(encoding="utf-8"), name=name)
    ]
    assert not findings, "Text outside {% translate %}/{% blocktranslate %}:\n" + "\n".join(
        str(finding) for finding in findings
    )


# The checker itself: each way text escapes translation is caught, and each way it is marked
# passes.


@pytest.mark.parametrize(
    ("source", "where", "text"),
    [
        ("<p>Hello there</p>", "text", "Hello there"),
        ('<img src="a.png" alt="A monster">', "<img alt>", "A monster"),
        ('<a href="/" title="Home page">{% translate "Home" %}</a>', "<a title>", "Home page"),
        ('<input type="submit" value="Send">', "<input value>", "Send"),
        ('<input name="q" placeholder="Search posts">', "<input placeholder>", "Search posts"),
        ('<nav aria-label="Main menu"></nav>', "<nav aria-label>", "Main menu"),
        (
            '<meta name="description" content="The school portal">',
            "<meta name=description content>",
            "The school portal",
        ),
        ("<p>{{ count }} points</p>", "text", "points"),
        ('<p title="{% if a %}Open{% endif %}"></p>', "<p title>", "Open"),
        ('<li{% if a %} class="x"{% endif %}>Class Story</li>', "text", "Class Story"),
        ("<p>{% translate 'Step' %} 3</p>", "text", "3"),
        ("<svg><title>A star</title></svg>", "text", "A star"),
        ("{% block body_class %}x{% endblock %}{% block content %}Hi{% endblock %}", "text", "Hi"),
    ],
)
def test_the_check_finds_text_outside_the_tags(source: str, where: str, text: str) -> None:
    [finding] = untranslated_text(source, name="page.html")
    assert (finding.where, finding.text) == (where, text)


@pytest.mark.parametrize(
    "source",
    [
        "{% load i18n %}<p>{% translate 'Hello there' %}</p>",
        "<p>{% blocktranslate trimmed with name=n %}\n  Hello {{ name }}\n"
        "{% endblocktranslate %}</p>",
        "<p>{% blocktranslate count n=c %}One point{% plural %}{{ n }} points"
        "{% endblocktranslate %}</p>",
        '<img alt="{% translate \'A monster\' %}" src="a.png">',
        '<img alt="" src="a.png"><input type="hidden" value="on">',
        "<p>{{ pupil.name }} – {{ total }} (★)</p>",
        "<script>const text = 'not a text node';</script><style>p::after{content:'x'}</style>",
        "{% comment %}Notes for developers{% endcomment %}{# and this #}<p>–</p>",
        "{% block body_class %}award-page{% endblock %}{% block title %}–{% endblock %}",
        '<p lang="{{ l }}" class="two words" data-x="words here">{{ x }}</p>',
        "<p>&nbsp;&middot;&nbsp;</p>",
    ],
)
def test_the_check_passes_marked_text_markup_and_code(source: str) -> None:
    assert untranslated_text(source, name="page.html") == []


def test_the_check_reads_plain_text_templates_line_by_line() -> None:
    source = "{% load i18n %}{% translate 'Hello' %}\n\nSee you soon,\n{{ school }}\n"
    assert [(f.line, f.text) for f in untranslated_text(source, name="email.txt")] == [
        (3, "See you soon,")
    ]


def test_the_allowed_words_are_few_and_explained() -> None:
    assert len(ALLOWED) <= 10
    assert all(reason.strip() for reason in ALLOWED.values())
