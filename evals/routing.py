"""The routing benchmark: Banking77 test (3,080 messages, never trained or tuned on).

Reports top-1/top-3 intent accuracy and macro-F1 for the configured encoder, the same
for the frozen base encoder, 10-shot accuracy (10 train exemplars per intent, frozen
base encoder), warm single-query latency, index build time and peak memory.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from sklearn.metrics import f1_score

from bot.factory import build_retriever, calibration, load_encoder
from bot.settings import Settings
from evals import EVAL_DATA
from evals.measure import machine, peak_memory_mb, percentile_ms, time_each
from knowledge.corpus import load_corpus
from knowledge.exemplars import Exemplar, load_exemplars, read_labelled_csv
from knowledge.index import build_index
from knowledge.retriever import Retriever

TEST_FILE = EVAL_DATA / "banking77_test.csv"
OUT_OF_SCOPE_FILE = EVAL_DATA / "out_of_scope.csv"
SHOTS = 10


def accuracy(retriever: Retriever, test: list[Exemplar], labels: list[str]) -> dict:
    """Top-1, top-3 and macro-F1 of the retriever's intent ranking."""
    results = retriever.retrieve_batch([ex.text for ex in test])
    ranked = [[hit.intent for hit in r.hits] for r in results]
    predicted = [r[0] if r else "none" for r in ranked]
    gold = [ex.intent for ex in test]
    n = len(test)
    return {
        "top1": round(sum(p == g for p, g in zip(predicted, gold, strict=True)) / n, 4),
        "top3": round(sum(g in r[:3] for r, g in zip(ranked, gold, strict=True)) / n, 4),
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
    }


def no_match_rates(retriever: Retriever, test: list[Exemplar]) -> dict:
    """How often out-of-scope messages get "no match", and in-scope ones wrongly do."""
    out_of_scope = [ex.text for ex in read_labelled_csv(OUT_OF_SCOPE_FILE)]
    rejected = sum(r.no_match for r in retriever.retrieve_batch(out_of_scope))
    in_scope = sum(r.no_match for r in retriever.retrieve_batch([ex.text for ex in test]))
    return {
        "out_of_scope_n": len(out_of_scope),
        "out_of_scope_no_match": round(rejected / len(out_of_scope), 4),
        "in_scope_no_match": round(in_scope / len(test), 4),
    }


def few_shot_exemplars(exemplars: list[Exemplar], shots: int, seed: int = 0) -> list[Exemplar]:
    by_intent: dict[str, list[Exemplar]] = defaultdict(list)
    for ex in exemplars:
        by_intent[ex.intent].append(ex)
    rng = random.Random(seed)
    chosen = []
    for intent in sorted(by_intent):
        group = by_intent[intent]
        chosen += rng.sample(group, min(shots, len(group)))
    return chosen


def run(settings: Settings, latency_sample: int = 500, compare_base: bool = True) -> dict:
    test = read_labelled_csv(TEST_FILE)
    corpus = load_corpus(settings.knowledge_dir)
    labels = list(corpus.intents.banking77)
    exemplars = load_exemplars(settings.knowledge_dir)

    # Latency first, on the retriever exactly as the product loads it (saved index),
    # before the batch work below changes the process's memory state.
    retriever = build_retriever(settings, corpus)
    sample = [ex.text for ex in random.Random(1).sample(test, min(latency_sample, len(test)))]
    retriever.retrieve(sample[0])  # warm-up
    timings = time_each(retriever.retrieve, sample)
    encoder = retriever.store.embedding_function

    report = {"encoder": encoder.model_id, "n": len(test), **accuracy(retriever, test, labels)}
    report |= no_match_rates(retriever, test)
    started = time.perf_counter()
    index = build_index(corpus, exemplars, encoder)
    report |= {
        "p50_ms": percentile_ms(timings, 50),
        "p95_ms": percentile_ms(timings, 95),
        "latency_queries": len(sample),
        "index_build_s": round(time.perf_counter() - started, 1),
        "index_documents": index.manifest.documents,
    }

    if compare_base:
        base_settings = replace_encoder(settings, "base")
        base_encoder = load_encoder(base_settings)
        base_calibration = calibration(base_settings, base_encoder)
        full = Retriever(
            build_index(corpus, exemplars, base_encoder, progress=False), corpus, base_calibration
        )
        report["base_encoder"] = accuracy(full, test, labels)
        shots = few_shot_exemplars(exemplars, SHOTS)
        few = Retriever(
            build_index(corpus, shots, base_encoder, progress=False), corpus, base_calibration
        )
        report["ten_shot"] = {"encoder": base_encoder.model_id, **accuracy(few, test, labels)}
    report["peak_rss_mb"] = peak_memory_mb()
    report["machine"] = machine()
    return report


def replace_encoder(settings: Settings, encoder: str) -> Settings:
    return settings.model_copy(update={"encoder": encoder})
