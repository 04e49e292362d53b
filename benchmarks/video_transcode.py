"""Benchmark: transcoding a one-minute 1080p phone video for parents' phones (R36).

Makes, with ffmpeg's test pattern and a tone, a phone-like video: 1920×1080 at 30 frames a
second, HEVC in a QuickTime .mov as an iPhone saves it, with sensor-like noise on every frame
(a clean test pattern would be unrealistically cheap to encode), AAC sound and a location tag.
Then times ``media.recordings.transcode_video`` on it (H.264 High, ``-preset veryfast``, 1280 px,
AAC, ``+faststart``, a WebP poster), as the worker runs it.

Reports the wall time and the CPU time of ffmpeg (user + system of the child processes), each
as a multiple of the video's length. The target is at most 1.5× its length on one core: run it
under ``taskset -c 0`` to hold it to one. On a busy machine the wall time includes waiting for
the core; the CPU time is what the transcode costs.
Run: ``taskset -c 0 .venv/bin/python benchmarks/video_transcode.py [--seconds 60]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.test")

import django

django.setup()

from media.recordings import transcode_video  # noqa: E402

TARGET_FACTOR = 1.5


def phone_video(path: Path, seconds: int) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            *("ffmpeg", "-v", "error", "-nostdin", "-y"),
            *("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30"),
            *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"),
            *("-t", str(seconds), "-vf", "noise=alls=12:allf=t"),
            *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
            *("-tag:v", "hvc1", "-c:a", "aac", "-metadata", "location=+51.5074-000.1278/"),
            str(path),
        ],
        check=True,
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "IMG_0001.MOV"
        phone_video(source, arguments.seconds)
        out = Path(folder) / "out"
        out.mkdir()
        cpu, started = children_cpu(), time.perf_counter()
        made = transcode_video(source, out, max_seconds=arguments.seconds + 1)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        print(f"source: {source.stat().st_size / 1e6:.1f} MB, {arguments.seconds} s, 1920x1080")
        print(f"copy:   {made.path.stat().st_size / 1e6:.1f} MB, {made.width}x{made.height}")
        print(f"wall:   {wall:.1f} s ({wall / arguments.seconds:.2f}x the length)")
        print(f"cpu:    {cpu:.1f} s ({cpu / arguments.seconds:.2f}x the length)")
        verdict = "ok" if cpu <= TARGET_FACTOR * arguments.seconds else "OVER TARGET"
        print(f"target: cpu at most {TARGET_FACTOR}x the length on one core: {verdict}")


if __name__ == "__main__":
    main()
