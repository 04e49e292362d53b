"""User text that may carry Unicode's direction controls, shown without letting them reorder
what is around it.

A name typed as ``"Amir\\u202eK"`` or a message with a right-to-left override (U+202E) would
otherwise turn the rest of its line around: "Amir K. wrote about Maya" shows with its words
reversed, and a file name in a message can pass for another. Explicit embeddings and overrides
(U+202A–U+202E) and isolates (U+2066–U+2069) are the controls that do this; the marks (LRM,
RLM, ALM) only nudge neutral characters and are kept, as right-to-left writing needs them.

- In HTML, user text goes inside ``<bdi>`` (``{{ name|bdi }}``) or an element with
  ``dir="auto"``: the browser ends every control at the element's end. The filters isolate
  only where it changes what is shown (:func:`needs_isolation`): text with a control or a
  right-to-left letter, or any text on a right-to-left page (Arabic, Urdu). Left-to-right text
  on a left-to-right page is laid out the same either way, so it is written as it is.
- In plain text (email subjects and bodies, pushes, HTML attributes and titles),
  :func:`isolate` wraps the text in FSI…PDI with its own controls removed, so none of them
  can close the isolate early.
- In data (CSV), :func:`strip_bidi_controls` removes them: a spreadsheet honours isolates
  unevenly, and isolate characters would travel on in the data.

Numbers, codes, phone numbers and e-mail addresses are the other way round: they read left to
right in every language, but on a right-to-left page the algorithm lays out their pieces in the
page's direction — ``01302 555 0100`` shows its groups in reverse, ``+3`` and ``−2`` with the
sign after the number. On such a page they go in a left-to-right isolate: ``{{ phone|ltr }}``
(``<bdi dir="ltr">``) in HTML, :func:`isolate_ltr` (LRI…PDI) in plain text and in the charts'
SVG (:func:`needs_ltr_isolation` says when).

A plain-text email has no ``dir``: a mail client lays out each line by its first strong letter,
so an Arabic line that begins with a Latin name, a number or a link comes out left to right.
:func:`plain_text_directed` writes the body for the active language's direction (RLM at the
head of each line on a right-to-left language, links on lines of their own, addresses and
phone numbers isolated); the HTML part carries ``dir`` and ``lang`` on ``<html>`` and
``<body>``.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils import translation

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"
# The marks: a strong direction of their own, nothing else (they are kept in user text).
LRM, RLM = "\u200e", "\u200f"
_REMOVE = dict.fromkeys(ord(char) for char in BIDI_CONTROLS)


# Unicode's bidirectional classes of right-to-left letters and Arabic digits.
RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def has_bidi_controls(text: str) -> bool:
    return any(char in BIDI_CONTROLS for char in text)


def needs_isolation(text: str) -> bool:
    """Whether isolating ``text`` changes how the active page shows it: the page is right to
    left, or the text holds a direction control or a right-to-left letter."""
    if translation.get_language_bidi():
        return True
    return any(
        char in BIDI_CONTROLS or unicodedata.bidirectional(char) in RIGHT_TO_LEFT for char in text
    )


def strip_bidi_controls(text: str) -> str:
    """``text`` without embedding, override or isolate controls."""
    return text.translate(_REMOVE)


def isolate(text: object) -> str:
    """``text`` as a first-strong isolate: its direction is its own and it reorders nothing
    around it. Empty text stays empty."""
    value = strip_bidi_controls("" if text is None else str(text))
    return f"{FSI}{value}{PDI}" if value else ""


def needs_ltr_isolation() -> bool:
    """Whether text that reads left to right (a number, a code, an address) must be isolated to
    keep its order: the active page is right to left."""
    return bool(translation.get_language_bidi())


def isolate_ltr(text: object) -> str:
    """``text`` as a left-to-right isolate (LRI…PDI), its own controls removed, on a
    right-to-left page; elsewhere ``text`` as it is. Empty text stays empty."""
    value = "" if text is None else str(text)
    if not value or not needs_ltr_isolation():
        return value
    return f"{LRI}{strip_bidi_controls(value)}{PDI}"


_LINK = re.compile(r"https?://\S+")
# E-mail addresses and phone numbers (digits in groups, at least eight characters).
_LTR_RUN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\+?\d[\d ]{6,}\d")


def plain_text_directed(text: str) -> str:
    """``text`` (a plain-text email's body) laid out in the active language's direction; on a
    left-to-right language, ``text`` as it is.

    On a right-to-left language every line that has text starts with RLM, so a mail client
    lays it out right to left whatever it begins with. A link gets a line of its own that
    starts with LRM: inside a right-to-left line its closing ``/`` would show at the wrong end,
    and nothing is put inside or against it that a client could take for part of the address.
    E-mail addresses and phone numbers are left-to-right isolates (LRI…PDI), so
    ``01302 555 0100`` keeps its groups in order."""
    if not translation.get_language_bidi():
        return text
    return "\n".join(line for each in text.split("\n") for line in _directed_lines(each))


def subject_directed(subject: str) -> str:
    """An email's subject on one line, starting with RLM on a right-to-left language: a mail
    client lays out a subject by its first strong letter, and an Arabic subject may begin with
    a Latin name ("Mrs Patel wrote…" put the other way round)."""
    line = " ".join(subject.split())
    return f"{RLM}{line}" if line and translation.get_language_bidi() else line


def _directed_lines(line: str) -> list[str]:
    if not line.strip():
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    lines: list[str] = []
    start = 0
    for link in _LINK.finditer(line):
        lines += _text_line(line[start : link.start()], indent)
        lines.append(f"{LRM}{indent}{link.group()}")
        start = link.end()
    lines += _text_line(line[start:], indent)
    return lines


def _text_line(text: str, indent: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    isolated = _LTR_RUN.sub(lambda run: f"{LRI}{strip_bidi_controls(run.group())}{PDI}", text)
    return [f"{RLM}{indent}{isolated}"]
