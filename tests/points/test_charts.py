"""Server-drawn SVG charts (R26 reports): the right numbers, escaped text, kind when empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from points.charts import NO_POINTS_YET, Slice, doughnut_svg, line_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def days(values: list[int], first: date = date(2026, 3, 2)) -> list[tuple[date, int]]:
    return [(first + timedelta(days=n), value) for n, value in enumerate(values)]


def test_R26_doughnut_has_a_slice_and_legend_line_per_skill_with_its_numbers() -> None:
    root = parse(
        doughnut_svg(
            [
                Slice("Determination", count=5, points=5),
                Slice("Creativity", count=3, points=6),
                Slice("Calling out", count=2, points=-2, needs_work=True),
            ]
        )
    )
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith("0 0 ")
    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert titles == [
        "Determination: 5 times, +5 points",
        "Creativity: 3 times, +6 points",
        "Calling out (needs work): 2 times, \u22122 points",
    ]
    label = root.get("aria-label", "")
    assert "Determination: 5 times, +5 points" in label
    assert "Calling out (needs work)" in label
    legend = [text.text for text in root.iter(f"{SVG}text")]
    assert legend[:2] == ["Determination", "5 times · +5"]
    assert legend[-1] == "2 times · \u22122 · needs work"


def test_R26_doughnut_slices_share_the_ring_by_times_given() -> None:
    root = parse(doughnut_svg([Slice("Curiosity", 3, 3), Slice("Tolerance", 1, 1)]))
    lengths = [
        float(circle.get("stroke-dasharray", "0 0").split()[0])
        for circle in root.iter(f"{SVG}circle")
    ]
    assert round(lengths[0] / lengths[1]) == 3


def test_R26_doughnut_escapes_every_text() -> None:
    svg = doughnut_svg([Slice('<script>alert("x")</script> & co', 1, 1)])
    assert "<script>" not in svg
    root = parse(svg)
    assert next(text.text or "" for text in root.iter(f"{SVG}text")).startswith("<script>")
    assert '<script>alert("x")</script> & co' in root.get("aria-label", "")


def test_R26_doughnut_without_points_says_so_kindly() -> None:
    assert str(NO_POINTS_YET) in doughnut_svg([])
    assert "<svg" not in doughnut_svg([Slice("Curiosity", 0, 0)])


def test_R26_doughnut_shows_a_zero_point_needs_work_skill() -> None:
    root = parse(doughnut_svg([Slice("Not listening", 4, 0, needs_work=True)]))
    assert [t.text for t in root.iter(f"{SVG}title")] == [
        "Not listening (needs work): 4 times, 0 points"
    ]


def test_R26_line_has_a_point_per_day_with_its_number() -> None:
    root = parse(line_svg(days([2, 0, 5, 1, 0, 0, 3])))
    circles = list(root.iter(f"{SVG}circle"))
    assert [int(c.get("data-points", "")) for c in circles] == [2, 0, 5, 1, 0, 0, 3]
    assert [c.find(f"{SVG}title").text for c in circles][:3] == [  # type: ignore[union-attr]
        "2 Mar: +2 points",
        "3 Mar: 0 points",
        "4 Mar: +5 points",
    ]
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("aria-label") == (
        "Points per day from 2 Mar to 8 Mar: +11 in all; the most in one day was +5 on 4 Mar."
    )


def test_R26_line_thins_day_labels_for_small_screens() -> None:
    root = parse(line_svg(days([1] * 30)))
    day_labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert 2 <= len(day_labels) <= 6
    assert day_labels[0] == "2 Mar"


def test_R26_line_draws_negative_days_below_the_zero_line() -> None:
    root = parse(line_svg(days([3, -2])))
    up, down = (float(c.get("cy", "")) for c in root.iter(f"{SVG}circle"))
    axis = {t.text: float(t.get("y", "")) for t in root.iter(f"{SVG}text")}
    assert "\u22122" in axis and "0" in axis and "+3" in axis
    assert up < axis["0"] < down  # SVG y grows downwards


def test_R26_line_without_points_says_so_kindly() -> None:
    assert str(NO_POINTS_YET) in line_svg([])
    assert str(NO_POINTS_YET) in line_svg(days([0, 0, 0]))
