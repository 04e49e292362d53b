"""A post's text: what may be posted (R7, no markup, not empty) and how it is shown (links and
line breaks only, through a well-kept sanitiser)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .everyday_surnames import EVERYDAY_SURNAMES

MAX_LENGTH = 5000

EMPTY_POST = _("Write something, or add a photo, recording or work sample.")
TOO_LONG = _("Keep the text to %(limit)d characters (it has %(length)d).")
MARKUP = _(
    "Posts are plain text: remove the HTML or script tags (such as “%(tag)s”). Links and line "
    "breaks are kept as you type them."
)
SURNAME = _(
    "The text contains “%(word)s”, the surname of a pupil this post goes to. Children appear "
    "by first name only: take the surname out."
)

# "<" followed by a letter, "/" or "!" starts a tag or comment; "<3" or "a < b" are fine.
_TAG = re.compile(r"<\s*(?:/?\s*[a-zA-Z][\w:-]*|!)")


def check_body(body: str, *, has_media: bool) -> str:
    """The text to store (trimmed), or ValidationError: empty with nothing attached, too long,
    or containing markup."""
    text = body.strip()
    if not text and not has_media:
        raise ValidationError(EMPTY_POST, code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            TOO_LONG, code="too_long", params={"limit": MAX_LENGTH, "length": len(text)}
        )
    match = _TAG.search(text)
    if match:
        raise ValidationError(MARKUP, code="markup", params={"tag": match.group(0) + ">"})
    return text


def _surname_words(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Each surname, and each part of a double-barrelled one, with the first names of the
    pupils who have it; leaving out a word that is also a first name in the audience
    ("Thomas" may be a child's first name and another's surname)."""
    first_names = {first.strip().casefold() for first, _surname in pairs}
    words: dict[str, set[str]] = {}
    for first, surname in pairs:
        parts = {surname.strip(), *re.split(r"[\s-]+", surname.strip())}
        for part in parts:
            if len(part) >= 3 and part.casefold() not in first_names:
                words.setdefault(part, set()).add(first.strip())
    return words


def _as_name(word: str, first_names: set[str]) -> re.Pattern[str]:
    """Where ``word`` reads as a surname: anywhere, or for an everyday word ("Day", "Hill"),
    only right after the first name of a pupil who has it."""
    if word.casefold() in EVERYDAY_SURNAMES:
        # (?!) never matches: with no first name known, the word cannot read as a name.
        firsts = "|".join(re.escape(first) for first in sorted(first_names) if first) or "(?!)"
        return re.compile(rf"(?<!\w)(?:{firsts})\s+{re.escape(word)}(?!\w)", re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def check_no_surnames(text: str, *, pupils: Iterable[tuple[str, str]]) -> None:
    """R7: refuse text containing the surname of a pupil in the audience (``(first, surname)``
    pairs), naming the word found, never the child's full name."""
    words = _surname_words(list(pupils))
    for word in sorted(words, key=len, reverse=True):
        if _as_name(word, words[word]).search(text):
            raise ValidationError(SURNAME, code="surname", params={"word": word})


@functools.lru_cache(maxsize=2048)
def format_body(text: str) -> SafeString:
    """The text as HTML: escaped, links made clickable, line breaks kept; then cleaned by nh3
    to paragraphs, line breaks and http(s)/mailto links only. A pure function of the text, so
    its results are kept per process: a feed shows the same recent posts to many parents."""
    html = linebreaks(urlize(escape(text), nofollow=True))
    cleaned = nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - produced by nh3 from escaped text
