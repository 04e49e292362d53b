"""R22: the routing model, measured on held-out parent messages it was never trained on, in
English and, through the translation stand-in, in Polish; and how it is trained, stored and
loaded. The figures are in docs/benchmarks.md."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from messaging.routing import classifier, offer_for
from messaging.routing.categories import CATEGORIES, OFFICE
from messaging.routing.classifier import read_model
from messaging.routing.evaluation import Report, evaluate
from messaging.routing.training import (
    CORPUS_PATH,
    MODEL_PATH,
    Example,
    model_text,
    read_examples,
    train,
)
from tests.translation.standin import StandIn, libretranslate_routes
from tests.translation.test_translation import use_server

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
HELD_OUT_EN = HERE / "heldout_en.tsv"
HELD_OUT_PL = HERE / "heldout_pl.tsv"


def polish_rows() -> list[tuple[str, str, str]]:
    """(category, Polish message, the English the stand-in answers for it)."""
    lines = HELD_OUT_PL.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    assert all(len(row) == 3 for row in rows)
    return [(row[0], row[1], row[2]) for row in rows]


def normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def route(language: str = "") -> Callable[[str], list[str]]:
    def categories(text: str) -> list[str]:
        offer = offer_for(text, language=language)
        return offer.categories if offer else []

    return categories


def floors(report: Report) -> None:
    print(f"\n{report.table()}")  # the figures, for docs/benchmarks.md (pytest -s)
    office, progress = report.office, report.progress
    assert office.recall >= 0.9, report.table()
    assert office.precision >= 0.85, report.table()
    assert progress.recall >= 0.8, report.table()


# The data


def test_R22_the_corpus_has_400_messages_over_every_category_and_the_held_out_set_150() -> None:
    corpus = read_examples(CORPUS_PATH)
    held_out = read_examples(HELD_OUT_EN)
    assert len(corpus) >= 400 and len(held_out) >= 150
    for examples in (corpus, held_out):
        counts = dict.fromkeys(CATEGORIES, 0)
        for example in examples:
            counts[example.category] += 1
        assert min(counts.values()) >= 15, counts


def test_R22_no_held_out_message_is_in_the_corpus() -> None:
    trained = {normal(example.text) for example in read_examples(CORPUS_PATH)}
    held_out = [normal(example.text) for example in read_examples(HELD_OUT_EN)]
    held_out += [normal(english) for _category, _polish, english in polish_rows()]
    assert len(set(held_out)) > 300
    assert [text for text in held_out if text in trained] == []
    # Nor one contained in a longer training message.
    assert [h for h in held_out for t in trained if len(h) > 20 and h in t] == []


def test_R22_the_polish_held_out_set_is_the_english_one_in_polish() -> None:
    english = [example.category for example in read_examples(HELD_OUT_EN)]
    assert [category for category, _polish, _english in polish_rows()] == english


# The floors (issue 18): office recall >= 0.9 with precision >= 0.85, progress recall >= 0.8


def test_R22_english_held_out_messages_are_routed_above_the_floors(school) -> None:
    examples = [(e.category, e.text) for e in read_examples(HELD_OUT_EN)]
    floors(evaluate(examples, route()))


@pytest.fixture
def polish_engine(settings) -> Iterator[StandIn]:
    """The translation stand-in as a LibreTranslate server that knows the held-out Polish."""
    english = {polish: text for _category, polish, text in polish_rows()}

    def translate(text: str, source: str, target: str) -> str:
        assert (source, target) == ("pl", "en")
        return english[text]

    server = StandIn(libretranslate_routes(translate))
    use_server(settings, "libretranslate", server.url)
    yield server
    server.stop()


def test_R22_R34_polish_held_out_messages_are_routed_by_their_english_above_the_floors(
    school, polish_engine
) -> None:
    rows = polish_rows()
    report = evaluate([(category, polish) for category, polish, _en in rows], route("pl"))
    floors(report)
    asked = {request.params["q"] for request in polish_engine.requests_to("/translate")}
    assert asked == {polish for _category, polish, _english in rows}  # each one, in Polish


# What the issue saw go wrong


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("won't be in school today, he's got a bad cough", "sickness"),
        ("Harriet has chickenpox, so she's staying home", "sickness"),
        ("Lewis has been throwing up since 4am, he won't be in today", "sickness"),
        ("Henry has an eye test at the opticians on Monday at 9", "appointment"),
        ("His dad will pick him up", "urgent"),
        ("I'm not happy at all with the way my son was spoken to", "complaint"),
        ("How is Amir doing in maths?", "progress"),
        ("is she on track with her reading?", "progress"),
    ],
)
def test_R22_everyday_wording_the_word_list_missed_is_read(school, text, category) -> None:
    offer = offer_for(text)
    assert offer is not None and offer.categories[0] == category


@pytest.mark.parametrize(
    "text",
    [
        "What time do they get back from the trip on Thursday? I need to collect him",
        "Is there homework over the Christmas holidays?",
        "Thank you for the wonderful class assembly today",
    ],
)
def test_R22_questions_for_the_teacher_go_to_the_teacher(school, text) -> None:
    assert offer_for(text) is None


# Training, storing, loading


def test_R22_training_is_deterministic_and_the_shipped_model_is_the_corpus_s() -> None:
    examples = read_examples(CORPUS_PATH)
    first, second = model_text(train(examples)), model_text(train(examples))
    assert first == second
    fresh, shipped = json.loads(first), json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert fresh["examples"] == shipped["examples"] == len(examples)
    for kind in ("words", "characters"):
        fresh_rows, shipped_rows = fresh[kind]["features"], shipped[kind]["features"]
        assert [row[0] for row in fresh_rows] == [row[0] for row in shipped_rows]
        # Equal to the last rounding step: another CPU may round a last digit the other way.
        for new, old in zip(fresh_rows, shipped_rows, strict=True):
            assert abs(new[1] - old[1]) <= 2e-4
            assert max(abs(a - b) for a, b in zip(new[2], old[2], strict=True)) <= 2e-4


def test_R22_the_model_is_read_once_per_process(school, monkeypatch) -> None:
    reads: list[Path] = []

    def counting(path: Path) -> classifier.Model:
        reads.append(path)
        return read_model(path)

    classifier.model.cache_clear()
    monkeypatch.setattr(classifier, "read_model", counting)
    try:
        for text in ("Maya is off sick", "Thank you!", "How is she doing in maths?"):
            offer_for(text)
    finally:
        classifier.model.cache_clear()
    assert reads == [MODEL_PATH]


def test_R22_a_file_that_is_not_a_routing_model_is_refused(tmp_path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": 99, "categories": list(CATEGORIES)}))
    with pytest.raises(ValueError, match="not a routing model"):
        read_model(path)


def test_R22_the_command_trains_from_the_corpus_and_reports_the_held_out_figures(
    school, tmp_path, capsys
) -> None:
    output = tmp_path / "model.json"
    call_command("train_routing", output=output, evaluate=[HELD_OUT_EN])
    assert output.read_text(encoding="utf-8") == model_text(train(read_examples(CORPUS_PATH)))
    printed = capsys.readouterr().out
    assert f"Trained on {len(read_examples(CORPUS_PATH))} messages" in printed
    assert "| office (any office category) | 118 |" in printed
    assert "| urgent | 20 |" in printed


@pytest.mark.parametrize(
    "line",
    ["sickness Maya is poorly", "homework\tIs there homework?", "teacher\t   "],
)
def test_R22_a_bad_corpus_line_is_named_and_nothing_is_written(tmp_path, line) -> None:
    corpus, output = tmp_path / "corpus.tsv", tmp_path / "model.json"
    corpus.write_text(f"# a comment\nabsence\tHe is away on Friday\n{line}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"corpus\.tsv, line 3: expected category<TAB>message"):
        call_command("train_routing", corpus=corpus, output=output)
    assert not output.exists()


def test_R22_a_model_trained_on_other_messages_routes_by_them(school) -> None:
    """The model is what the corpus teaches: trained on a few messages, it reads by those."""
    words = dict(
        zip(
            CATEGORIES,
            ["lemon", "melon", "mango", "broccoli", "kiwi", "plum", "fig", "hello"],
            strict=True,
        )
    )
    examples = [
        Example(category, f"{word} {n}") for n in range(3) for category, word in words.items()
    ]
    small = read_model_from(train(examples))
    offer = offer_for("broccoli again", using=small)
    assert offer is not None and offer.categories == ["dinners"]
    assert "dinners" in OFFICE and offer.office
    assert offer_for("hello again", using=small) is None


def read_model_from(model: dict) -> classifier.Model:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        path.write_text(model_text(model), encoding="utf-8")
        return read_model(path)
