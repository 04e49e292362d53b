"""The routing model at work (R22): which category a message reads like.

The model is the file ``model.json`` beside this module, written by ``manage.py
train_routing`` from the corpus. It is plain data (numbers and n-grams), read once per
process and never executed: unlike a pickle, a model file cannot run code, reads the same
with any version of scikit-learn, and its diff shows what a retraining changed.
scikit-learn's own vectorizer cuts the text into the same n-grams as in training.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .categories import CATEGORIES
from .training import FORMAT, MODEL_PATH


@dataclass(frozen=True)
class Model:
    categories: tuple[str, ...]
    vectorizers: tuple[Any, ...]  # one CountVectorizer per kind of feature
    idf: tuple[Any, ...]  # its IDF weights, as a numpy array
    weights: Any  # features × categories
    intercepts: Any


def _block(block: dict[str, Any]) -> tuple[Any, Any, list[list[float]]]:
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    settings = {**block["settings"], "ngram_range": tuple(block["settings"]["ngram_range"])}
    vocabulary = {row[0]: index for index, row in enumerate(block["features"])}
    vectorizer = CountVectorizer(lowercase=True, vocabulary=vocabulary, **settings)
    idf = np.array([row[1] for row in block["features"]])
    return vectorizer, idf, [row[2] for row in block["features"]]


def read_model(path: Path) -> Model:
    """The model stored at ``path``; ``ValueError`` for a file of another format."""
    import numpy as np

    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT or tuple(data.get("categories", ())) != CATEGORIES:
        raise ValueError(f"{path.name} is not a routing model of format {FORMAT}")
    blocks = [_block(data[kind]) for kind in ("words", "characters")]
    return Model(
        categories=CATEGORIES,
        vectorizers=tuple(vectorizer for vectorizer, _idf, _rows in blocks),
        idf=tuple(idf for _vectorizer, idf, _rows in blocks),
        weights=np.array([row for _v, _i, rows in blocks for row in rows]),
        intercepts=np.array(data["intercepts"]),
    )


@cache
def model() -> Model:
    """The shipped model, read on first use and kept for the life of the process."""
    return read_model(MODEL_PATH)


def probabilities(text: str, using: Model | None = None) -> dict[str, float]:
    """How much ``text`` reads like each category (they add up to 1): TF-IDF as in training
    (1 + log of each count, times the IDF weight, each kind scaled to length 1), then the
    linear model and softmax."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    used = using or model()
    parts = []
    for vectorizer, idf in zip(used.vectorizers, used.idf, strict=True):
        counts = vectorizer.transform([text]).astype(float)
        counts.data = 1.0 + np.log(counts.data)
        parts.append(normalize(counts.multiply(idf).tocsr()))
    scores = np.asarray(hstack(parts).tocsr() @ used.weights).ravel() + used.intercepts
    top = float(scores.max())
    exp = [math.exp(float(score) - top) for score in scores]
    total = sum(exp)
    return {category: value / total for category, value in zip(used.categories, exp, strict=True)}


def classify(text: str, using: Model | None = None) -> str:
    """The category ``text`` reads most like ("teacher" when it is for the teacher)."""
    chances = probabilities(text, using)
    return max(chances, key=chances.__getitem__)
