"""Training the routing model (R22) from the corpus kept beside this module.

A linear model over word and character n-grams: TF-IDF features (words and word pairs, and
runs of 2 to 5 letters inside words, each seen in at least two messages of the corpus), and a
multinomial logistic regression with balanced class weights. The character n-grams are what
let it read parents' spelling ("temprature", "apointment") and endings it has not seen.
Training is deterministic: the solver (L-BFGS) draws no random numbers, the corpus is read in
its file order, and the file written rounds every number, so the same corpus gives the same
file. ``manage.py train_routing`` calls ``train`` and ``write_model``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .categories import CATEGORIES

HERE = Path(__file__).resolve().parent
CORPUS_PATH = HERE / "corpus.tsv"
MODEL_PATH = HERE / "model.json"
FORMAT = 1

# The vectorizers' settings: stored in the model file, so reading it needs nothing else.
WORDS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": [1, 2],
    "token_pattern": r"(?u)\b\w+\b",
}
CHARACTERS: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": [2, 5]}
MIN_DF = 2
C = 10.0
DIGITS = 4  # decimals kept in the file: far finer than any decision depends on


class CorpusError(ValueError):
    """A line of a corpus file is not "category<TAB>message"."""


@dataclass(frozen=True)
class Example:
    category: str
    text: str


def read_examples(path: Path) -> list[Example]:
    """The examples of a corpus file: one a line, "category<TAB>message"; lines starting with
    "#" and blank lines are comments. A bad line raises ``CorpusError`` naming it."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or fields[0] not in CATEGORIES or not fields[1].strip():
            raise CorpusError(f"{path.name}, line {number}: expected category<TAB>message")
        examples.append(Example(fields[0], fields[1]))
    return examples


def _vectorizer(settings: dict[str, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = {**settings, "ngram_range": tuple(settings["ngram_range"])}
    return TfidfVectorizer(lowercase=True, sublinear_tf=True, min_df=MIN_DF, **options)


def train(examples: list[Example]) -> dict[str, Any]:
    """The model learnt from ``examples``, as the plain data ``write_model`` stores: the
    vectorizers' settings, each feature with its IDF weight and one weight per category, and
    the intercepts."""
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    texts = [example.text for example in examples]
    labels = [example.category for example in examples]
    kinds = {"words": WORDS, "characters": CHARACTERS}
    fitted = {kind: _vectorizer(settings).fit(texts) for kind, settings in kinds.items()}
    features = hstack([vectorizer.transform(texts) for vectorizer in fitted.values()]).tocsr()
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    with threadpool_limits(limits=1):  # one thread: as fast here, and the same sums each time
        model.fit(features, labels)
    order = [list(model.classes_).index(category) for category in CATEGORIES]
    weights = model.coef_[order].T  # one row per feature, one column per category
    blocks, offset = {}, 0
    for kind, vectorizer in fitted.items():
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        rows = weights[offset : offset + len(terms)]
        blocks[kind] = {
            "settings": kinds[kind],
            "features": [
                [term, _round(idf), [_round(w) for w in row]]
                for term, idf, row in zip(terms, vectorizer.idf_, rows, strict=True)
            ],
        }
        offset += len(terms)
    return {
        "format": FORMAT,
        "categories": list(CATEGORIES),
        "intercepts": [_round(b) for b in model.intercept_[order]],
        "examples": len(examples),
        **blocks,
    }


def _round(value: float) -> float:
    rounded = round(float(value), DIGITS)
    return 0.0 if rounded == 0 else rounded  # never "-0.0"


def model_text(model: dict[str, Any]) -> str:
    """The model as the file holds it: JSON with one feature a line, so that a retrained
    model's diff shows which words and letters moved."""
    head = {key: value for key, value in model.items() if key not in ("words", "characters")}
    lines = ["{"]
    lines += [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    for position, kind in enumerate(("words", "characters")):
        block = model[kind]
        lines.append(f"  {json.dumps(kind)}: {{")
        lines.append(f'    "settings": {json.dumps(block["settings"])},')
        lines.append('    "features": [')
        rows = [f"      {json.dumps(row, ensure_ascii=False)}" for row in block["features"]]
        lines.append(",\n".join(rows))
        lines.append("    ]")
        lines.append("  }" + ("," if position == 0 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_model(model: dict[str, Any], path: Path = MODEL_PATH) -> None:
    path.write_text(model_text(model), encoding="utf-8")
