"""``teller bench support``: how well the sentence support check tells approved from
invented sentences, on sentences a real model wrote.

``collect`` asks the embedded LLM to answer customer questions in its own words from
the routed entry (the way an unconstrained writer would) and saves each sentence with
the entry it was written from, for labelling. ``run`` reads the labelled sentences,
picks the overlap threshold on one half (the calibration split, by a hash of the
sentence) and reports precision and recall of "unsupported" on the other half.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from langchain_core.messages import HumanMessage, SystemMessage
from tqdm import tqdm

from bot.sentences import split_sentences
from bot.settings import Settings
from bot.support import MIN_OVERLAP, SupportChecker
from evals.run_eval import DIALOGUES
from evals.scripts import load_dialogues

DATA = Path(__file__).parent / "data"
SENTENCES = DATA / "support_sentences.jsonl"
FREE_WRITER = (
    "You are a bank's customer-service assistant. Answer the customer in two to four "
    "short sentences, in your own words, using the approved entry."
)
THRESHOLDS = [round(0.5 + 0.05 * step, 2) for step in range(10)]


def questions(limit: int) -> list[str]:
    """Customer messages from the scripted dialogues and the chat benchmark."""
    texts = [t.user for d in load_dialogues([DIALOGUES]) for t in d.turns]
    chat = yaml.safe_load((DATA / "chat_turns.yaml").read_text(encoding="utf-8"))
    texts += [turn["text"] for conversation in chat for turn in conversation["turns"]]
    return list(dict.fromkeys(texts))[:limit]


def collect(settings: Settings, limit: int, skip: int = 0, out: Path = SENTENCES) -> int:
    """Append the real model's sentences, one JSON object per line, for questions
    ``skip`` to ``skip + limit``; returns the count."""
    from bot.factory import build_retriever
    from bot.llm import chat_model

    retriever = build_retriever(settings)
    llm = chat_model(settings.model_copy(update={"llm": "embedded"}))
    written = 0
    with out.open("a", encoding="utf-8") as sink:
        for question in tqdm(questions(skip + limit)[skip:], desc="model answers", unit="answer"):
            retrieval = retriever.retrieve(question)
            if retrieval.no_match:
                continue
            entry = retrieval.top.entry
            prompt = f"Approved entry: {entry.answer}\n\nCustomer: {question}"
            reply = llm.invoke([SystemMessage(FREE_WRITER), HumanMessage(prompt)]).content
            for sentence in split_sentences(reply):
                record = {"sentence": sentence, "entry_id": entry.id, "question": question}
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return written


def held_out(sentence: str) -> bool:
    return int(hashlib.sha256(sentence.encode()).hexdigest(), 16) % 2 == 1


def scores(rows: list[dict], corpus, threshold: float) -> dict:
    """Precision and recall of the check's "unsupported" verdicts against the labels."""
    true_positive = flagged = actual = 0
    for row in rows:
        entry = corpus.by_id[row["entry_id"]]
        checker = SupportChecker([entry.answer, *corpus.facts.values()], min_overlap=threshold)
        unsupported = not checker.check(row["sentence"]).supported
        invented = row["label"] == "unsupported"
        true_positive += unsupported and invented
        flagged += unsupported
        actual += invented
    precision = true_positive / flagged if flagged else None
    recall = true_positive / actual if actual else None
    return {"threshold": threshold, "precision": _round(precision), "recall": _round(recall)}


def run(settings: Settings, labelled: Path = SENTENCES) -> dict:
    from knowledge.corpus import load_corpus

    corpus = load_corpus(settings.knowledge_dir)
    rows = [json.loads(line) for line in labelled.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row.get("label") in ("supported", "unsupported")]
    calibration = [r for r in rows if not held_out(r["sentence"])]
    test = [r for r in rows if held_out(r["sentence"])]
    by_threshold = [scores(calibration, corpus, t) for t in THRESHOLDS]
    best = max(by_threshold, key=_f1)
    return {
        "labelled_sentences": len(rows),
        "unsupported_share": _round(sum(r["label"] == "unsupported" for r in rows) / len(rows)),
        "calibration": {"sentences": len(calibration), "by_threshold": by_threshold},
        "chosen_threshold": best["threshold"],
        "shipped_threshold": MIN_OVERLAP,
        "held_out": {"sentences": len(test), **scores(test, corpus, MIN_OVERLAP)},
    }


def _f1(score: dict) -> float:
    precision, recall = score["precision"] or 0.0, score["recall"] or 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
