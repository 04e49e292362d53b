"""Every recording of the corpus, transcoded, keeps no metadata at all (R36).

ffprobe reads each stored copy: its container and every stream carry no tag but the fixed
fields every MP4 has (its brand; each track's "undetermined" language and a vendor of zeros).
No handler name (``VideoHandler``), encoder (``Lavc libx264``), creation time, title or
location is left, and the bytes hold none of the original's words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from media import recordings
from tests.media import corpus

CONTAINER_TAGS = {"major_brand": "isom", "minor_version": "512"}
STREAM_TAGS = {"language": "und", "vendor_id": "[0][0][0][0]"}
NEVER = ("handler_name", "encoder", "creation_time", "location", "title", "artist", "comment")

VIDEOS = {
    "hevc-mov": corpus.hevc_mov,
    "mp4-location": corpus.mp4_with_location,
    "portrait": corpus.portrait_video,
    "large": corpus.large_video,
}
SOUNDS = {"mp3-id3": corpus.mp3_with_id3, "wav": corpus.wav, "mp3-cover": corpus.mp3_with_cover}


def assert_nothing_but_fixed_fields(report: dict[str, Any]) -> None:
    tags = dict(report["format"].get("tags", {}))
    tags.pop("compatible_brands", None)  # the brands the file conforms to: structure, not data
    assert tags == CONTAINER_TAGS
    assert report["chapters"] == []
    for stream in report["streams"]:
        assert stream.get("tags", {}) == STREAM_TAGS, stream.get("tags")
        assert not stream.get("side_data_list")
        assert not any(stream.get("tags", {}).get(key) for key in NEVER)


def assert_no_words_of_the_original(path: Path) -> None:
    content = path.read_bytes()
    for words in (corpus.NAME, "51.5074", "iPhone", "Lavc", "Lavf", "Handler", "x264 - core"):
        assert words.encode() not in content, words


@pytest.mark.parametrize("make", VIDEOS.values(), ids=VIDEOS.keys())
def test_R36_a_stored_video_has_no_metadata_left_for_ffprobe_to_find(
    make: Callable[[], Path], tmp_path: Path
) -> None:
    made = recordings.transcode_video(make(), tmp_path, max_seconds=180)
    report = corpus.ffprobe(made.path)
    assert report["streams"][0]["codec_type"] == "video"
    assert_nothing_but_fixed_fields(report)
    assert_no_words_of_the_original(made.path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["poster.png", "video.mp4"]


@pytest.mark.parametrize("make", SOUNDS.values(), ids=SOUNDS.keys())
def test_R36_a_stored_sound_has_no_metadata_left_for_ffprobe_to_find(
    make: Callable[[], Path], tmp_path: Path
) -> None:
    made = recordings.transcode_audio(make(), tmp_path, max_seconds=180)
    report = corpus.ffprobe(made.path)
    assert [stream["codec_type"] for stream in report["streams"]] == ["audio"]
    assert_nothing_but_fixed_fields(report)
    assert_no_words_of_the_original(made.path)
