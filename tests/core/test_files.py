"""Byte ranges of a protected file (R8, R36): answered as HTTP says (RFC 9110 §14)."""

from __future__ import annotations

import pytest

from core.files import Unsatisfiable, byte_range


@pytest.mark.parametrize(
    ("header", "wanted"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-200", (800, 999)),
        ("bytes=-5000", (0, 999)),  # more than the file: all of it
        ("bytes=990-5000", (990, 999)),  # ends past the end: up to the end
        ("bytes = 5-6", (5, 6)),
    ],
)
def test_R36_one_byte_range_is_read_as_first_and_last(header: str, wanted) -> None:
    assert byte_range(header, 1000) == wanted


@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-6", "items=0-10", "bytes=9-3", "bytes=-", "bytes=a-b", "0-10"]
)
def test_R36_several_ranges_or_a_malformed_header_mean_the_whole_file(header: str) -> None:
    assert byte_range(header, 1000) is None


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000), ("bytes=-1", 0)]
)
def test_R36_a_range_past_the_end_cannot_be_satisfied(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        byte_range(header, size)
