"""Benchmark: how well each translation engine the portal supports translates a school's
sentences (R17, R34), measured with chrF.

``benchmarks/data/school_sentences.json`` holds twenty sentences of the kind a school and its
families write (closures, trips, PE, illness, dinner money, a parent's "she will be late"), in
English, each with a reference translation into every language of the portal (pl ro ur pa ar
es), written by a person. Each engine translates every sentence through the portal's own
translation service (``translation.translate``, as the worker calls it), both ways: from English
into each language (posts, a teacher's reply) and from each language into English (a parent's
message). The output is scored against the references with chrF (``sacrebleu.corpus_chrf``,
character n-grams: fair to languages that inflect words, where a near miss still carries meaning;
0 to 100, higher is better).

Engines:

- ``none``: no translation, the original shown as it is. The baseline: what a parent reads when
  there is no engine. Shared digits and names give it a few points.
- ``apertium``: Debian's Apertium on this machine, for the pairs it has installed
  (``apertium -l``); a pair it lacks is reported as not covered.
- ``libretranslate``: the server at ``TRANSLATION_URL``, when that is set (with
  ``TRANSLATION_API_KEY`` if it needs one); skipped, with a line saying so, otherwise.

Prints one table for each direction: engine by language, with the seconds each engine took.
Run: ``.venv/bin/python benchmarks/translation_quality.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings.test")

import django

django.setup()

import sacrebleu  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import override_settings  # noqa: E402

from translation import covers, translate  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "school_sentences.json"
SOURCE = "en"


def load(path: Path = DATA) -> tuple[list[str], list[dict[str, str]]]:
    """The languages and the sentences (each a dict: ``en`` and one entry per language)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["languages"]), list(data["sentences"])


def engines() -> dict[str, dict[str, object]]:
    """The engines to measure, each with the settings that select it; a line for each one that
    cannot be measured here."""
    found: dict[str, dict[str, object]] = {"none": {}}
    if shutil.which("apertium"):
        found["apertium"] = {"TRANSLATION_BACKEND": "apertium"}
    else:
        print("SKIP apertium: the apertium command is not installed.")
    url = os.environ.get("TRANSLATION_URL", "").strip()
    if url:
        found["libretranslate"] = {
            "TRANSLATION_BACKEND": "libretranslate",
            "TRANSLATION_URL": url,
            "TRANSLATION_API_KEY": os.environ.get("TRANSLATION_API_KEY", ""),
        }
    else:
        print("SKIP libretranslate: set TRANSLATION_URL to a LibreTranslate server to measure it.")
    return found


def score(
    engine: dict[str, object], sentences: list[dict[str, str]], source: str, target: str
) -> float | None:
    """chrF of the engine's translations of ``source`` into ``target``; None when the engine
    does not cover the pair. "none" scores the untranslated text."""
    hypotheses = [s[source] for s in sentences]
    references = [s[target] for s in sentences]
    if engine:
        with override_settings(**engine, TRANSLATION_TIMEOUT=30):
            cache.clear()
            if not covers(source, target):
                return None
            hypotheses = []
            for sentence in sentences:
                translated = translate(sentence[source], source=source, target=target)
                if translated is None:
                    raise SystemExit(f"FAIL: the engine gave no translation ({source}→{target})")
                hypotheses.append(translated.strip())
    return float(sacrebleu.corpus_chrf(hypotheses, [references]).score)


def table(title: str, rows: dict[str, list[str]], languages: list[str]) -> str:
    lines = [
        f"### {title}",
        "",
        "| engine | " + " | ".join(languages) + " | seconds |",
        "|---|" + "---|" * (len(languages) + 1),
    ]
    lines += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows.items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    languages, sentences = load()
    print(f"{len(sentences)} sentences, chrF (sacrebleu {sacrebleu.__version__}), 0-100.")
    measured = engines()
    for title, pairs in (
        ("From English", [(SOURCE, language) for language in languages]),
        ("Into English", [(language, SOURCE) for language in languages]),
    ):
        rows: dict[str, list[str]] = {}
        for name, engine in measured.items():
            started = time.monotonic()
            cells = []
            for source, target in pairs:
                value = score(engine, sentences, source, target)
                cells.append("not covered" if value is None else f"{value:.1f}")
            cells.append(f"{time.monotonic() - started:.1f}")
            rows[name] = cells
        print()
        print(table(title, rows, languages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
