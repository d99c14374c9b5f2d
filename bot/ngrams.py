"""Small linear text models over hashed n-grams: the injection screen and the scope
gate. Hashed character (2-5, within words) and word (1-2) n-grams need no vocabulary
file and read any language written in letters; a model is its weights, bias and
threshold in one ``.npz`` (no pickle)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

FEATURES = 2**18  # buckets per n-gram kind


class Features:
    """Hashed character and word n-grams, L2-normalised."""

    @cached_property
    def vectorizers(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        common = {"n_features": FEATURES, "alternate_sign": False, "lowercase": False}
        return (
            HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
            HashingVectorizer(analyzer="word", ngram_range=(1, 2), **common),
        )

    def transform(self, texts: list[str]):
        from scipy.sparse import hstack

        return hstack([v.transform(texts) for v in self.vectorizers]).tocsr()


FEATURE_SPACE = Features()


@dataclass(frozen=True)
class LinearTextModel:
    weights: np.ndarray  # one per feature
    bias: float
    threshold: float  # positive at or above this probability

    @classmethod
    def load(cls, path: Path) -> LinearTextModel:
        with np.load(path) as data:
            return cls(data["weights"], float(data["bias"]), float(data["threshold"]))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, weights=self.weights, bias=self.bias, threshold=self.threshold)

    def with_threshold(self, threshold: float) -> LinearTextModel:
        return LinearTextModel(self.weights, self.bias, threshold)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """The probability of each (already normalised) text."""
        return self.probabilities_of(FEATURE_SPACE.transform(texts))

    def probabilities_of(self, features) -> np.ndarray:
        """The probability of each row of :data:`FEATURE_SPACE` features, for models that
        share one transform of the same texts."""
        return 1 / (1 + np.exp(-(features @ self.weights + self.bias)))


def fit(texts: list[str], labels: list[bool], c: float) -> LinearTextModel:
    """A balanced logistic regression on ``texts``; threshold 0.5 until chosen."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")
    model.fit(FEATURE_SPACE.transform(texts), labels)
    return LinearTextModel(model.coef_[0].astype(np.float32), float(model.intercept_[0]), 0.5)


def fit_calibrated(
    positives: list[str],
    negatives: list[str],
    aside_positives: list[str],
    aside_negatives: list[str],
    c: float,
    max_false: float,
) -> tuple[LinearTextModel, float, float]:
    """A model fitted on (already normalised) texts, its threshold the lowest at which at
    most ``max_false`` of ``aside_negatives`` pass; with the shares of the aside
    positives and negatives that pass it."""
    model = fit(positives + negatives, [True] * len(positives) + [False] * len(negatives), c)
    kept_positives = model.probabilities(aside_positives)
    kept_negatives = model.probabilities(aside_negatives)
    model = model.with_threshold(threshold_for(kept_negatives, max_false))
    return (
        model,
        round(float(np.mean(kept_positives >= model.threshold)), 4),
        round(float(np.mean(kept_negatives >= model.threshold)), 4),
    )


def hold_out(groups: list[list], share: float, seed: int) -> list[tuple[list, list]]:
    """Each group shuffled, then split into (kept for training, a share ``share`` aside),
    so every group is represented in both."""
    rng = random.Random(seed)
    splits = []
    for group in groups:
        group = list(group)
        rng.shuffle(group)
        cut = round(len(group) * share)
        splits.append((group[cut:], group[:cut]))
    return splits


def threshold_for(scores: np.ndarray, most: float) -> float:
    """The lowest threshold at which at most a share ``most`` of these scores is positive."""
    ordered = np.sort(scores)[::-1]
    allowed = int(np.floor(most * len(ordered)))
    return float(min(0.99, ordered[allowed] + 1e-6)) if allowed < len(ordered) else 0.5
