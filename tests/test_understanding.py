"""Understanding real customers: the training data's labels, the emotion head's
recipe, the real classifier on bank chat, and the held-out benchmark's arithmetic."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import f1_score

from bot.emotion_training import split_stratified, tune_biases
from bot.types import EMOTIONS
from evals.understanding import IN_SCOPE, OUT_OF_DOMAIN, SETS, SMALL_TALK, read_messages
from knowledge import DATA_DIR
from knowledge.exemplars import (
    Exemplar,
    load_exemplars,
    read_customer_messages,
    read_labelled_csv,
)
from knowledge.intents import OUT_OF_SCOPE, load_intents

VOCABULARY = load_intents(DATA_DIR / "intents.yaml")
BANKING_WORDS = re.compile(r"\b(bank|card|transfer|account|payment|money|balance|loan)\b", re.I)


def test_customer_messages_use_the_fixed_labels():
    messages = read_customer_messages()
    assert len(messages) > 2000
    assert {m.emotion for m in messages} == set(EMOTIONS)
    assert all(m.intent in VOCABULARY or m.intent == OUT_OF_SCOPE for m in messages)
    assert len({m.text for m in messages}) == len(messages)


def test_out_of_domain_exemplars_never_mention_banking():
    everyday = read_labelled_csv(DATA_DIR / "out_of_domain" / "sgd_user_turns.csv")
    assert len(everyday) > 2500 and {ex.intent for ex in everyday} == {OUT_OF_SCOPE}
    assert not [ex.text for ex in everyday if BANKING_WORDS.search(ex.text)]
    texts = {ex.text for ex in load_exemplars()}
    assert {ex.text for ex in everyday} <= texts


@pytest.mark.parametrize("on", sorted(SETS))
def test_benchmark_messages_are_labelled_in_the_vocabulary(on):
    messages = read_messages(SETS[on] / "messages.jsonl")
    assert len(messages) >= 400
    assert {m.kind for m in messages} == {IN_SCOPE, SMALL_TALK, OUT_OF_DOMAIN}
    assert {m.emotion for m in messages} == set(EMOTIONS)
    assert all(m.intent in VOCABULARY or m.intent == OUT_OF_SCOPE for m in messages)


def test_stratified_split_keeps_every_label_in_both_parts():
    rows = [Exemplar(f"{label} {i}", label) for label in EMOTIONS for i in range(10)]
    train, dev = split_stratified(rows, seed=1)
    assert len(dev) == 12 and len(train) == 48
    assert {r.intent for r in dev} == {r.intent for r in train} == set(EMOTIONS)
    assert not {r.text for r in dev} & {r.text for r in train}


def test_offsets_undo_a_head_that_overcalls_one_label():
    rng = np.random.RandomState(0)
    gold = rng.randint(0, 3, 600)
    logits = np.eye(3)[gold] * 2 + rng.normal(0, 1, (600, 3))
    logits[:, 1] += 2.5  # the head calls label 1 far too often
    before = f1_score(gold, logits.argmax(1), average="macro")
    biases = tune_biases([(logits, gold)], np.zeros(3))
    after = f1_score(gold, (logits + biases).argmax(1), average="macro")
    assert biases[1] < biases[0] and biases[1] < biases[2]
    assert after > before + 0.2


BANK_CHAT = {
    "Can you tell me what the monthly fee is on the Premium plan?": "neutral",
    "how long does a transfer to spain usually take": "neutral",
    "My card was taken at a cashpoint. How do I block it?": "neutral",
    "I've read the statement four times and I genuinely can't make sense of this charge": (
        "confused"
    ),
    "This is the third time I've had to chase you about the same refund. Pathetic.": "angry",
    "I'm frightened, money keeps leaving my account and I don't know who is doing it": ("anxious"),
    "My dad died last week and I have no idea how to deal with his accounts": "sad",
    "That worked, thank you so much, you've saved my holiday!": "happy",
}


@pytest.mark.slow
def test_the_real_classifier_reads_bank_chat(emotion_model):
    got = {text: emotion_model.classify(text).label for text in BANK_CHAT}
    assert sum(got[text] == label for text, label in BANK_CHAT.items()) >= 7, got
    plain = [t for t, label in BANK_CHAT.items() if label == "neutral"]
    assert all(got[text] == "neutral" for text in plain), got
