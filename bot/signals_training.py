"""Training the message models of the conversation acts (``teller train requests``):
does a message ask for a person, say Teller's answers are not helping, or tell of a
scam in progress?

Examples: the conversation acts written for Teller (``knowledge/data/conversation_acts``:
requests for a person, complaints about the answers and scams in progress, each with
hard negatives), Teller's customer messages (a request for a person where labelled
``human_agent``; none of the three for everyday banking topics) and Banking77's
training questions (none of the three). A sixth of each kind is kept aside; each
threshold is the lowest at which at most ``max_false`` of its hard negatives are read as
positive. Nothing under ``evals/`` is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.injection import normalise
from bot.ngrams import LinearTextModel, fit_calibrated, hold_out
from bot.risk import SCAM_TOPICS
from knowledge import DATA_DIR
from knowledge.exemplars import read_customer_messages, read_jsonl, read_labelled_csv

ACTS = DATA_DIR / "conversation_acts"


def everyday_questions() -> list[str]:
    """Banking77's training questions: none asks for a person, complains about the
    answers or tells of a scam in progress."""
    return [e.text for e in read_labelled_csv(DATA_DIR / "banking77" / "train.csv")]


@dataclass(frozen=True)
class Trained:
    model: LinearTextModel
    positives: int
    negatives: int
    dev_recall: float
    dev_hard_false_positives: float


@dataclass(frozen=True)
class Examples:
    positives: list[str]
    hard: list[str]  # written to share the positives' words; the threshold is set on these
    easy: list[str]  # everyday messages


def examples(positives: list[str], hard: list[str], easy: list[str]) -> Examples:
    """Deduplicated, a text that is a positive anywhere never a negative."""
    kept = sorted(set(positives))
    return Examples(kept, sorted(set(hard) - set(kept)), sorted(set(easy) - set(kept) - set(hard)))


def person_examples() -> Examples:
    written = read_jsonl(ACTS / "person_requests.jsonl")
    customers = read_customer_messages()
    return examples(
        [r["text"] for r in written if r["asks_for_person"]]
        + [m.text for m in customers if m.intent == "human_agent"],
        [r["text"] for r in written if not r["asks_for_person"]],
        [m.text for m in customers if m.intent != "human_agent"] + everyday_questions(),
    )


def not_helping_examples() -> Examples:
    written = read_jsonl(ACTS / "not_helping.jsonl")
    asking = read_jsonl(ACTS / "person_requests.jsonl")
    customers = read_customer_messages()
    return examples(
        [r["text"] for r in written if r["says_not_helping"]],
        [r["text"] for r in written if not r["says_not_helping"]],
        [r["text"] for r in asking if not r["asks_for_person"]]
        + [m.text for m in customers if m.intent != "human_agent"]
        + everyday_questions(),
    )


def scam_examples() -> Examples:
    """Single messages, and two-message exchanges read together as the risk step reads
    them (the earlier message, then the follow-up): a follow-up that sounds like a scam
    ("she says it's definitely left her account") is one only in a scam's context."""
    written = read_jsonl(ACTS / "scam_messages.jsonl")
    pairs = read_jsonl(ACTS / "scam_pairs.jsonl")
    together = [(f"{r['earlier']} {r['text']}", r) for r in pairs]
    return examples(
        [r["text"] for r in written if r["scam"]] + [text for text, r in together if r["scam"]],
        [r["text"] for r in written if not r["scam"]]
        + [text for text, r in together if not r["scam"]]
        + [r["text"] for r in pairs if not r["scam"]],
        [m.text for m in read_customer_messages() if m.intent not in SCAM_TOPICS]
        + everyday_questions(),
    )


def train(
    data: Examples,
    seed: int = 13,
    c: float = 8.0,
    max_false: float = 0.03,
    held: float = 1 / 6,
) -> Trained:
    """Fit on five sixths; the threshold lets at most ``max_false`` of the kept-aside
    hard negatives through."""
    split = hold_out([data.positives, data.hard, data.easy], held, seed)
    (train_pos, aside_pos), (train_hard, aside_hard), (train_easy, _) = [
        ([normalise(t) for t in kept], [normalise(t) for t in aside]) for kept, aside in split
    ]
    model, recall, hard_passed = fit_calibrated(
        train_pos, train_hard + train_easy, aside_pos, aside_hard, c, max_false
    )
    negatives = len(data.hard) + len(data.easy)
    return Trained(model, len(data.positives), negatives, recall, hard_passed)
