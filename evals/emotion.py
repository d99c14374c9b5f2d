"""The emotion benchmark: GoEmotions test (never trained or tuned on), mapped to the
six labels, plus the Ekman 7-label view for comparison with published results, and
the latency of one message."""

from __future__ import annotations

import random

from sklearn.metrics import f1_score

from bot.emotion import TrainedEmotion
from bot.emotion_training import read_goemotions
from bot.types import EMOTIONS
from evals import EVAL_DATA
from evals.measure import percentile_ms, time_each

DATA = EVAL_DATA / "goemotions"
# Teller's labels in GoEmotions' Ekman grouping (which puts confusion and curiosity
# under surprise); Ekman's disgust has no counterpart, so it is never predicted.
TO_EKMAN = {"angry": "anger", "anxious": "fear", "sad": "sadness", "happy": "joy",
            "neutral": "neutral", "confused": "surprise"}  # fmt: skip


def ekman_rows() -> list[tuple[str, str]]:
    names = (DATA / "ekman_labels.txt").read_text().split()
    rows = []
    for line in (DATA / "ekman_test.tsv").read_text(encoding="utf-8").splitlines():
        text, ids, _ = line.split("\t")
        if "," not in ids:
            rows.append((text, names[int(ids)]))
    return rows


def run(latency_sample: int = 300) -> dict:
    model = TrainedEmotion()
    test = read_goemotions(DATA / "test.tsv", (DATA / "labels.txt").read_text().split())
    texts, gold = [r.text for r in test], [r.intent for r in test]
    predicted = [model.labels[i] for i in model.probabilities(texts).argmax(axis=1)]
    per_label = f1_score(gold, predicted, labels=list(EMOTIONS), average=None)
    ekman = ekman_rows()
    ekman_predicted = [
        TO_EKMAN[model.labels[i]] for i in model.probabilities([t for t, _ in ekman]).argmax(axis=1)
    ]
    ekman_gold = [label for _, label in ekman]
    ekman_labels = sorted(set(ekman_gold))
    sample = random.Random(1).sample(texts, min(latency_sample, len(texts)))
    model.classify(sample[0])
    timings = time_each(model.classify, sample)
    return {
        "n": len(test),
        "macro_f1": round(float(per_label.mean()), 4),
        "per_label": {
            label: round(float(f), 4) for label, f in zip(EMOTIONS, per_label, strict=True)
        },
        "accuracy": round(sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold), 4),
        "ekman_n": len(ekman),
        "ekman_macro_f1": round(
            float(f1_score(ekman_gold, ekman_predicted, labels=ekman_labels, average="macro")), 4
        ),
        "p50_ms": percentile_ms(timings, 50),
        "p95_ms": percentile_ms(timings, 95),
    }
