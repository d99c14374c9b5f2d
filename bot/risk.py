"""The risk step: signs that a scam or fraud is in progress.

``ScamSignals`` combines the routed intent (the FAQ's scam entries) with explicit
signals in the message; the trained detector keeps the same ``assess`` interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.injection import normalise
from bot.ngrams import LinearTextModel
from bot.types import Risk
from knowledge.intents import OUT_OF_SCOPE
from knowledge.retriever import CONVERSATIONAL, Retrieval

# A sort code, postcode or discount code is no secret to ask for.
NOT_A_SECRET = r"(?<!sort\s)(?<!post)(?<!post\s)(?<!zip\s)(?<!promo\s)(?<!discount\s)"
SIGNALS = {
    "safe_account": r"\bsafe\s+account\b",
    "code_request": r"\b(one[- ]time|otp|security|verification|6[- ]digit)\s+(pass)?code\b.{0,40}"
    r"\b(asked|ask|wants?|read|give|tell|share)|\b(asked|ask|wants?)\b.{0,40}\b(pin|passcode|"
    rf"one[- ]time|otp|{NOT_A_SECRET}code)\b",
    "remote_access": r"\b(anydesk|teamviewer|screen\s*shar\w*|remote\s+(access|desktop|control)"
    r"|quick\s*support)\b",
    "investment": r"\b(guaranteed\s+(return|profit)|double\s+your\s+money|crypto\s+invest\w*|"
    r"risk[- ]free\s+invest\w*)\b",
    "impersonation": r"\b(claim\w*|says?|said|pretend\w*)\b.{0,30}\b(from|be)\s+(the\s+)?(bank|"
    r"police|hmrc|fraud\s+team|lindenbrook)\b",
    # The typologies of authorised push-payment fraud, in the customer's own words.
    "instructed": r"\b(police|detective|officer|hmrc|tax\s+office|fraud\s+(team|department)|"
    r"investigat\w+|caller|man|woman|guy|he|she|they)\b.{0,50}\b(told|said|asked|wants?|"
    r"instructed|needs?)\s+(me\s+)?to\b.{0,40}\b(withdraw|transfer|move|send|take\s+out|buy"
    r"|hand\s+over|pay)\b",
    "secrecy": r"\b(told|said|asked|warned)\b.{0,40}\b(not|mustn'?t|don'?t|never)\s+(to\s+)?"
    r"(tell|say|mention|speak\s+to)\b.{0,25}\b(bank|cashier|staff|branch|anyone|family|you)\b",
    "courier": r"\bcourier\b.{0,60}\b(collect\w*|pick\w*\s+up|com(e|ing)\s+(round|over|by|to)"
    r"|take)\b"
    r"|\b(hand|give)\b.{0,40}\b(cash|card|money)\b.{0,30}\b(courier|officer|driver)\b",
    "holding_account": r"\b(holding|secure|protected|temporary|new\s+safe)\s+account\b",
    "on_the_line": r"\b(still|he'?s|she'?s|they'?re|is)\s+(on|holding)\s+(the\s+)?(line|phone)\b",
    "release_fee": r"\b(release|withdrawal|unlock\w*|clearance|processing)\s+fee\b.{0,60}"
    r"\b(withdraw|profits?|funds|money|winnings)\b|\bguarantee[sd]?\b.{0,25}\d+\s*%",
    "romance": r"\b(dating\s+(site|app)|met\s+(him|her|them|(a|this|an?\s+\w+)\s+(man|woman|guy|"
    r"girl|lady|gentleman|someone|person))\s+online|online\s+(boyfriend|girlfriend|partner))\b"
    r".{0,150}\b(money|£|send|needs?|loan|lend)\b",
    "new_number": r"\b(new\s+number|lost\s+(her|his|their)\s+phone|texting\s+from\s+a\s+"
    r"friend'?s)\b.{0,150}\b(send|money|pay|transfer|£|\d{3,})",
    "phishing_link": r"\b(clicked|tapped|opened|followed)\b.{0,25}\blink\b",
    "purchase": r"\b(seller|he|she|they)\b.{0,40}\b(blocked\s+me|vanished|disappeared|stopped\s+"
    r"(replying|answering))|\b(never\s+(arrived|turned\s+up|came))\b.{0,80}\bbank\s+"
    r"transfer\b|\bbank\s+transfer\b.{0,80}\bnever\s+(arrived|turned\s+up|came)\b",
    "opportunity": r"\b(once[- ]in[- ]a[- ]lifetime|can'?t\s+lose|too\s+good\s+to\s+miss)\b"
    r"|\b(send|transfer|move)\b.{0,40}\b(to\s+an?\s+)?(crypto\s+|bitcoin\s+)?(exchange|"
    r"trading\s+platform|wallet)\b.{0,60}\b(advis[eo]r|broker|opportunit\w+|returns?)\b",
    "overpayment": r"\b(overpaid|paid\s+(me\s+)?too\s+much|by\s+mistake)\b.{0,80}\b(send|pay|"
    r"transfer|return)\b.{0,15}\bback\b",
}
# Once a scam has come up in the conversation, a short follow-up that moves money,
# passes on a code or answers the fraudster's pressure is the scam going on.
FOLLOW_UP_SIGNALS = {
    "money_moved": r"\b(already|just)\s+(sent|paid|put\s+in|transferred|moved|given|done)\b"
    r"|\b(i'?ve|i\s+have)\s+(sent|paid|done|transferred|moved|put\s+in)\b.{0,25}(£|\d)"
    r"|\b(the\s+rest|the\s+remaining|the\s+other\s+half|the\s+balance)\b",
    "asks_to_go_ahead": r"\bshould\s+i\s+(do|send|pay|put|give|move|transfer|click|read|tell"
    r"|install|buy|enter|let)\b|\b(is\s+it\s+ok|can\s+i|shall\s+i)\s+(to\s+)?(\w+\s+){0,2}"
    r"(send|pay|give|move|transfer|read|tell|enter|put)\b",
    "code_passed_on": r"\b(put|enter|read|give|tell|share|send|type)\w*\b.{0,25}\bcode\b",
    "pressure": r"\b(waiting|holding)\s+(on|for)\s+(the\s+)?(other\s+)?(line|phone|me)\b"
    r"|\bon\s+hold\b|\bstill\s+on\s+the\s+(line|phone)\b",
    "wants_it_back": r"\b(get(ting)?|have|recover\w*)\s+(it|my\s+money|the\s+money|them)\s+back\b"
    r"|\breport\s+(it|this|him|her|them)\s+to\s+the\s+police\b",
    "asks_what_now": r"\bwhat\s+(do|should|can|shall)\s+i\s+do\b|\bwhat\s+now\b",
    "pays_a_bill_or_fee": r"\bto\s+pay\s+(off\s+)?(a|the|my)\s+(tax|fee|bill|fine|debt|charge)\b",
}
MODEL = Path(__file__).parent / "models" / "scam-in-progress.npz"
STEPPED_BACK = re.compile(
    r"\b(hung\s+up|didn'?t\s+(send|tell|give|pay|click|install|do)|did\s+not|won'?t|will\s+not"
    r"|not\s+going\s+to|turned\s+(it|the\s+\w+)\s+off|thank\w*)\b",
    re.I,
)
# The FAQ's topics about fraud and scams.
SCAM_TOPICS = frozenset({"scam", "report_fraud", "compromised_card", "bank_contact_policy"})
# After a turn on one of these (fraud, small talk, a request for a person, no banking
# matter at all), a short message is read as fully as any other.
NOT_ANOTHER_MATTER = SCAM_TOPICS | CONVERSATIONAL | {OUT_OF_SCOPE}
SHORT_FOLLOW_UP_WORDS = 16
COMPILED = {name: re.compile(pattern, re.I | re.S) for name, pattern in SIGNALS.items()}
FOLLOW_UPS = {name: re.compile(p, re.I | re.S) for name, p in FOLLOW_UP_SIGNALS.items()}


@dataclass(frozen=True)
class Story:
    """What the conversation so far tells the risk step."""

    scam_so_far: bool = False  # an earlier turn of this conversation raised a warning
    earlier: str = ""  # the customer's previous message, which may hold the story
    topic: str | None = None  # the intent the previous turn was answered on, if any


FIRST_TURN = Story()


class RiskModel(Protocol):
    def assess(self, text: str, retrieval: Retrieval, story: Story = FIRST_TURN) -> Risk: ...


class ScamSignals:
    """Scam when the message's vote for the FAQ's scam topic reaches ``min_vote`` (the
    retriever's calibrated confidence threshold; the scam topic may win or come
    second, and counts even when the message as a whole gets no approved answer), when
    the message names a scam signal outright, or when the learned scam model (hashed
    n-grams, :mod:`bot.signals_training`) reads a fraud in the customer's story. The
    vote is the message's own: a follow-up routed with the help of an earlier scam turn
    ("thank you, I nearly did!") raises no new alarm unless it names a signal itself;
    once a scam has come up, a follow-up that moves money, passes on a code or answers
    the fraudster's pressure ("I've done £400 already", "should I put the code in?") is
    one. A short message in a conversation on another banking matter ("she says it's
    definitely left her account", after a transfer question) is read as part of that
    matter: only a signal it names outright raises an alarm, not its routing vote or the
    learned model, which read a few words."""

    def __init__(self, min_vote: float = 0.3, model: LinearTextModel | None = None):
        self.min_vote = min_vote
        self.model = model

    @classmethod
    def shipped(cls, min_vote: float) -> ScamSignals:
        """The rules with the shipped scam model."""
        return cls(min_vote, LinearTextModel.load(MODEL))

    def assess(self, text: str, retrieval: Retrieval, story: Story = FIRST_TURN) -> Risk:
        signals = [name for name, pattern in COMPILED.items() if pattern.search(text)]
        # A customer stepping back after a warning ("I hung up, thank you") is not read
        # with the story that came before.
        stepped_back = story.scam_so_far and STEPPED_BACK.search(text)
        if story.scam_so_far:
            signals += [name for name, pattern in FOLLOW_UPS.items() if pattern.search(text)]
        if not story.scam_so_far and continues_a_banking_topic(text, story.topic):
            return risk_of(signals, 0.0)
        if self.model_reads_a_scam(text, "" if stepped_back else story.earlier):
            signals.append("scam_model")
        own = retrieval.standalone or retrieval
        vote = max((hit.score for hit in own.hits if hit.intent == "scam"), default=0.0)
        if vote >= self.min_vote:
            signals.append("scam_intent")
        return risk_of(signals, vote)

    def model_reads_a_scam(self, text: str, earlier: str) -> bool:
        """The message alone, or with the previous one: a story often unfolds over two
        turns ("he's from your fraud team" ... "should I read him the code?")."""
        if self.model is None:
            return False
        texts = [normalise(text)] + ([normalise(f"{earlier} {text}")] if earlier else [])
        return bool(self.model.probabilities(texts).max() >= self.model.threshold)


def risk_of(signals: list[str], vote: float) -> Risk:
    score = max(vote, min(1.0, 0.45 * len(signals)))
    return Risk(scam=bool(signals), score=round(score, 3), signals=tuple(signals))


def continues_a_banking_topic(text: str, topic: str | None) -> bool:
    """A short message right after a turn answered on a banking matter that is not
    about fraud."""
    banking = topic is not None and topic not in NOT_ANOTHER_MATTER
    return banking and len(text.split()) <= SHORT_FOLLOW_UP_WORDS
