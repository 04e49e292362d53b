"""Charts drawn on the server as SVG: no third-party script, no JavaScript at all.

Each chart is an ``<svg role="img">`` whose ``aria-label`` sums it up, with a ``<title>`` on
every mark; it scales to the width of a 320 px phone (``viewBox`` and ``width="100%"``). The
page always shows the same numbers in a ``<table>`` next to it. Every text is escaped.
With nothing to draw, the chart is a friendly sentence instead.

On a right-to-left page (Arabic, Urdu) the legend is mirrored: its colour keys stand on the
right, where the reader starts, with the words beside them read from the right. The plot is
not: its days run from left to right and its numbers stand on the left, as graphs are drawn in
Arabic-language school mathematics, and a time axis turned round would be misread. Every number
(``+3``, ``−2``) is a left-to-right isolate there, or the page's direction would put its sign
after it; the axis's numbers are laid out left to right so that they end at the axis whatever
the page's direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from core.bidi import isolate_ltr

NO_POINTS_YET = gettext_lazy("No points yet.")

# Colours with at least 3:1 contrast on white (WCAG 1.4.11); the legend names every slice, so
# colour is never the only way to tell them apart.
PALETTE = ("#0b5cad", "#1d6b35", "#8a4baf", "#b3541e", "#00758a", "#5b6b00", "#b0306a", "#4d5560")
NEEDS_WORK_PALETTE = ("#a3221b", "#7a4a00", "#6b3a3a", "#8a2e5c")

WIDTH = 300
RADIUS = 70
STROKE = 36
LEGEND_TOP = 2 * (RADIUS + STROKE // 2) + 16
LEGEND_ROW = 44
NAME_CHARS = 32


@dataclass(frozen=True)
class Slice:
    """One skill in the doughnut: its size is how often it was given; ``points`` may be
    negative or zero (needs-work skills), so it is shown in the legend, not as the size."""

    label: str
    count: int
    points: int
    needs_work: bool = False


def _empty() -> SafeString:
    return format_html('<p class="chart-empty">{}</p>', NO_POINTS_YET)


def _signed(points: int) -> str:
    """+3, 0, −2 (a true minus sign, which screen readers say as "minus"), kept in that order
    on a right-to-left page."""
    return isolate_ltr(f"{points:+d}".replace("-", "\u2212") if points else "0")


def _slice_words(piece: Slice) -> str:
    times = ngettext("%(count)d time", "%(count)d times", piece.count) % {"count": piece.count}
    points = ngettext("%(points)s point", "%(points)s points", abs(piece.points)) % {
        "points": _signed(piece.points)
    }
    words = {"skill": piece.label, "times": times, "points": points}
    if piece.needs_work:
        # Translators: a needs-work skill in a chart, e.g. "Calling out (needs work): 2 times,
        # −2 points"; the times and the points are phrases of their own.
        return _("%(skill)s (needs work): %(times)s, %(points)s") % words
    # Translators: e.g. "Creativity: 3 times, +6 points"; the times and the points are phrases
    # of their own.
    return _("%(skill)s: %(times)s, %(points)s") % words


def _colours(slices: list[Slice]) -> list[str]:
    good = iter(PALETTE * (len(slices) // len(PALETTE) + 1))
    bad = iter(NEEDS_WORK_PALETTE * (len(slices) // len(NEEDS_WORK_PALETTE) + 1))
    return [next(bad) if piece.needs_work else next(good) for piece in slices]


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _rings(slices: list[Slice], colours: list[str]) -> list[str]:
    """One circle per slice, its stroke dashed to the slice's share (a full circle works)."""
    total = sum(piece.count for piece in slices)
    circumference = 2 * math.pi * RADIUS
    centre = RADIUS + STROKE // 2
    done = 0.0
    parts = []
    for piece, colour in zip(slices, colours, strict=True):
        length = circumference * piece.count / total
        parts.append(
            f'<circle cx="{WIDTH / 2:g}" cy="{centre}" r="{RADIUS}" fill="none" '
            f'stroke="{colour}" stroke-width="{STROKE}" '
            f'stroke-dasharray="{length:.2f} {circumference - length:.2f}" '
            f'stroke-dashoffset="{-done:.2f}" transform="rotate(-90 {WIDTH / 2:g} {centre})">'
            f"<title>{escape(_slice_words(piece))}</title></circle>"
        )
        done += length
    return parts


def _legend(slices: list[Slice], colours: list[str]) -> list[str]:
    """A colour key and two lines of words per slice, from the side where the reader starts."""
    if get_language_bidi():
        key_x, text_x, direction = WIDTH - 18, WIDTH - 28, "rtl"
    else:
        key_x, text_x, direction = 0, 28, "ltr"
    parts = []
    for n, (piece, colour) in enumerate(zip(slices, colours, strict=True)):
        y = LEGEND_TOP + n * LEGEND_ROW
        times = ngettext("%(count)d time", "%(count)d times", piece.count) % {"count": piece.count}
        detail = f"{times} · {_signed(piece.points)}"
        if piece.needs_work:
            # Translators: the second line of a needs-work skill in a chart's legend, e.g.
            # "2 times · −2 · needs work".
            detail = _("%(times)s · %(points)s · needs work") % {
                "times": times,
                "points": _signed(piece.points),
            }
        parts.append(
            f'<g class="legend-item"><rect x="{key_x}" y="{y}" width="18" height="18" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{text_x}" y="{y + 14}" direction="{direction}" font-size="15" '
            f'font-weight="600" fill="#1b1f24">{escape(_short(piece.label))}</text>'
            f'<text x="{text_x}" y="{y + 33}" direction="{direction}" font-size="14" '
            f'fill="#4d5560">{escape(detail)}</text></g>'
        )
    return parts


def doughnut_svg(slices: list[Slice], *, label: str = "") -> SafeString:
    """A doughnut of how often each skill was given, with a legend giving times and points.

    Slices given no times are left out of the ring but still listed when others exist; with
    nothing given at all the result is the friendly "No points yet." sentence.
    """
    shown = [piece for piece in slices if piece.count > 0]
    if not shown:
        return _empty()
    colours = _colours(shown)
    height = LEGEND_TOP + LEGEND_ROW * len(shown)
    separator = pgettext("between two skills in a chart's description", "; ")
    # Translators: a chart's description for screen readers, e.g. "Skills: Creativity: 3 times,
    # +6 points; Kindness: 1 time, +1 point".
    summary = _("%(title)s: %(skills)s") % {
        "title": label or _("Skills"),
        "skills": separator.join(_slice_words(p) for p in shown),
    }
    body = "".join(_rings(shown, colours) + _legend(shown, colours))
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-doughnut" role="img" '
        f'aria-label="{escape(summary)}" viewBox="0 0 {WIDTH} {height}" width="100%">'
        f"{body}</svg>"
    )


LINE_W, LINE_H = 320, 200
# Room at the right for half of the last day's name, centred under its point: "30 ديسمبر" is
# about 60 wide at this size, the longest of the portal's languages.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44, 286, 12, 164
# The space between two named days: the widest day's name and a gap, so that names never touch.
LABEL_ROOM = 68


def _scale(points: list[tuple[date, int]]) -> tuple[int, int]:
    values = [value for _day, value in points]
    low, high = min(0, *values), max(0, *values)
    return low, (high if high > low else low + 1)


def _x(n: int, count: int) -> float:
    if count == 1:
        return (PLOT_LEFT + PLOT_RIGHT) / 2
    return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * n / (count - 1)


def _y(value: int, low: int, high: int) -> float:
    return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (value - low) / (high - low)


def _day_label(day: date) -> str:
    return date_format(day, pgettext("date format", "j M"))


def _axes(points: list[tuple[date, int]], low: int, high: int) -> list[str]:
    parts = []
    for value in sorted({low, 0, high}):
        y = _y(value, low, high)
        weight = "1.5" if value == 0 else "0.75"
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" '
            f'stroke="#4d5560" stroke-width="{weight}"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{y + 5:.1f}" direction="ltr" font-size="14" '
            f'text-anchor="end" fill="#1b1f24">{escape(_signed(value))}</text>'
        )
    step = max(1, math.ceil(LABEL_ROOM * (len(points) - 1) / (PLOT_RIGHT - PLOT_LEFT)))
    for n in range(0, len(points), step):
        x = _x(n, len(points))
        parts.append(
            f'<text x="{x:.1f}" y="{PLOT_BOTTOM + 24}" font-size="13" text-anchor="middle" '
            f'fill="#1b1f24">{escape(_day_label(points[n][0]))}</text>'
        )
    return parts


def _marks(points: list[tuple[date, int]], low: int, high: int) -> list[str]:
    coords = [(_x(n, len(points)), _y(v, low, high)) for n, (_d, v) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f'<polyline points="{line}" fill="none" stroke="#0b5cad" stroke-width="2.5"/>']
    for (x, y), (day, value) in zip(coords, points, strict=True):
        words = ngettext("%(day)s: %(points)s point", "%(day)s: %(points)s points", abs(value))
        text = words % {"day": _day_label(day), "points": _signed(value)}
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b5cad" data-points="{value}">'
            f"<title>{escape(text)}</title></circle>"
        )
    return parts


def _line_summary(points: list[tuple[date, int]]) -> str:
    total = sum(value for _day, value in points)
    best_day, best = max(points, key=lambda p: p[1])
    return _(
        "Points per day from %(first)s to %(last)s: %(total)s in all; "
        "the most in one day was %(best)s on %(best_day)s."
    ) % {
        "first": _day_label(points[0][0]),
        "last": _day_label(points[-1][0]),
        "total": _signed(total),
        "best": _signed(best),
        "best_day": _day_label(best_day),
    }


def line_svg(points: list[tuple[date, int]]) -> SafeString:
    """Points per day as a line with axes, day labels thinned to fit their names. Negative days
    go below the zero line. Without days or without any points, "No points yet."."""
    if not points or not any(value for _day, value in points):
        return _empty()
    low, high = _scale(points)
    body = "".join(_axes(points, low, high) + _marks(points, low, high))
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-line" role="img" '
        f'aria-label="{escape(_line_summary(points))}" viewBox="0 0 {LINE_W} {LINE_H}" '
        f'width="100%">{body}</svg>'
    )
