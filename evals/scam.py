"""The scam benchmark: precision and recall of the risk step on labelled messages,
half of them benign look-alikes ("transfer money to my savings account")."""

from __future__ import annotations

import yaml

from bot.factory import build_retriever
from bot.risk import ScamSignals
from bot.settings import Settings
from evals import EVAL_DATA

SET = EVAL_DATA / "scam_messages.yaml"


def run(settings: Settings) -> dict:
    items = yaml.safe_load(SET.read_text(encoding="utf-8"))
    retriever = build_retriever(settings)
    detector = ScamSignals.shipped(min_vote=retriever.calibration.min_confidence)
    retrievals = retriever.retrieve_batch([i["text"] for i in items])
    flagged = [detector.assess(i["text"], r).scam for i, r in zip(items, retrievals, strict=True)]
    truth = [bool(i["scam"]) for i in items]
    hits = sum(f and t for f, t in zip(flagged, truth, strict=True))
    missed = [i["text"] for i, f, t in zip(items, flagged, truth, strict=True) if t and not f]
    false_alarms = [i["text"] for i, f, t in zip(items, flagged, truth, strict=True) if f and not t]
    return {
        "n": len(items),
        "scams": sum(truth),
        "precision": round(hits / max(1, sum(flagged)), 3),
        "recall": round(hits / max(1, sum(truth)), 3),
        "missed": missed,
        "false_alarms": false_alarms,
    }
