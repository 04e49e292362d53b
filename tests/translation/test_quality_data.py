"""The translation benchmark's data (``benchmarks/data/school_sentences.json``) is well formed:
about twenty English sentences, each with a reference translation into every language of the
portal, in that language's script, and none left as the English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sacrebleu
from django.conf import settings

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "school_sentences.json"
SCRIPTS = {
    "ur": re.compile(r"[\u0600-\u06ff]"),
    "ar": re.compile(r"[\u0600-\u06ff]"),
    "pa": re.compile(r"[\u0a00-\u0a7f]"),
}
LATIN = re.compile(r"[A-Za-z]")


def load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_R17_the_benchmark_covers_every_language_of_the_portal() -> None:
    portal = {code.split("-")[0] for code, _name in settings.LANGUAGES} - {"en"}
    assert set(load()["languages"]) == portal


def test_R17_every_sentence_has_a_reference_in_every_language() -> None:
    data = load()
    sentences = data["sentences"]
    assert 18 <= len(sentences) <= 30
    english = [sentence["en"] for sentence in sentences]
    assert len(set(english)) == len(english)
    for sentence in sentences:
        assert set(sentence) == {"en", *data["languages"]}, sentence["en"]
        for language in data["languages"]:
            reference = sentence[language].strip()
            assert reference and reference != sentence["en"], (language, sentence["en"])
            script = SCRIPTS.get(language, LATIN)
            assert script.search(reference), (language, reference)


def test_R17_a_reference_scores_100_against_itself_and_little_untranslated() -> None:
    sentences = load()["sentences"]
    references = [sentence["pl"] for sentence in sentences]
    assert sacrebleu.corpus_chrf(references, [references]).score == 100
    untranslated = [sentence["en"] for sentence in sentences]
    assert sacrebleu.corpus_chrf(untranslated, [references]).score < 30
