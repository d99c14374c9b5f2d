"""Sentence support: whether a sentence Teller is about to deliver says only what the
bank approved.

A sentence is supported when it is an approved sentence (of a cited entry, or one of
Teller's fixed texts) word for word, or when it states nothing that is never allowed
(a promise of an outcome, an action Teller cannot take, advice, role or style text,
an insult), every claim in it is an approved claim, and enough of its content words
come from the approved texts (the threshold is calibrated: ``teller bench support``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.claims import allowed_claims, unsupported
from bot.sentences import split_sentences

MIN_OVERLAP = 0.9  # calibrated by `teller bench support` on labelled model output (best F1)
NEVER = {
    "fraud": re.compile(
        r"\b(?:move|transfer|send)\b.{0,40}\bsafe\s+account\b|\b(?:anydesk|teamviewer|"
        r"quick\s*support|remote\s+access)\b|\bgift\s+cards?\b|\b(?:read|tell|give|send)\s+"
        r"(?:me|us)\b.{0,40}\b(?:code|pin|passcode|password|card\s+number|digits)\b|"
        r"\bfull\s+card\s+number\b|\bif\s+anyone\s+asks\b|\bcrypto\w*\b",
        re.I,
    ),
    "promise": re.compile(
        r"\b(?:you(?:'ll| will)\s+(?:definitely\s+|certainly\s+|surely\s+)?(?:get|receive|be\s+"
        r"(?:refunded|reimbursed|compensated|fine)|have)\b.{0,40}\b(?:back|refund\w*|money|"
        r"compensat\w*)|(?:i|we)\s+(?:promise|guarantee)|guaranteed?\b|rest\s+assured|"
        r"(?:nothing|no\s*one)\s+(?:bad\s+)?will\s+happen|you\s+won'?t\s+lose|"
        r"(?:i|we)(?:'ll| will)\s+(?:make\s+sure|ensure)|don'?t\s+worry\b)",
        re.I,
    ),
    "action": re.compile(
        r"\b(?:i|we)(?:'ve|\s+have|'ll|\s+will|\s+am\s+going\s+to|'m\s+going\s+to|\s+just|\s+"
        r"already|\s+can)?\s+(?:now\s+|just\s+|already\s+|go\s+ahead\s+and\s+|gone\s+ahead\s+"
        r"and\s+)?(?:frozen|freeze|froze|blocked|block|cancel+ed|cancel|refunded|refund|"
        r"reversed|reverse|unlocked|unlock|reset|ordered|order(?=\s+(?:a|you|your))|sent|send"
        r"(?=\s+(?:a|you|the))|raised|raise|logged|log|escalated|updated|changed|approved|"
        r"approve|waived|waive|credited|credit|transferred|moved|closed|close|opened|paid|issued|"
        r"check(?:ed)?\s+on|look(?:ed)?"
        r"\s+into|taken\s+care|flagged|flag|report(?:ed)?\s+(?:it|this|the))\b",
        re.I,
    ),
    "advice": re.compile(
        r"\b(?:i|we)\s+(?:would\s+)?(?:recommend|suggest|advise)\b|\bmy\s+advice\b|\bif\s+i\s+"
        r"were\s+you\b|\byou\s+should\s+(?:invest|buy|sell|borrow|move|stop|put|take\s+out|"
        r"consider\s+(?:investing|switching|taking))|\bimagine\s+the\s+worst\b|\bat\s+most\s+banks\b",
        re.I,
    ),
    "style": re.compile(
        r"^\s*(?:style|tone|customer|teller|assistant|system|user|rules?|approved\s+entr\w*|"
        r"answer|notes?)\s*:|<\|?im_\w+\|?>|\[/?inst\]|\bthe\s+customer\s+(?:is|was|seems|feels)\b|\bbe\s+(?:warm|brief|"
        r"concise|friendly|sincere|calm)\b|\bapproved\s+entr(?:y|ies)\b|\bas\s+an\s+(?:ai|"
        r"assistant|language\s+model)\b|\b(?:my|these|the)\s+(?:instructions|rules|system\s+"
        r"prompt)\b|\bshort\s+sentences\s+of\s+plain\b|\bread\s+aloud\s+on\s+a\s+call\b",
        re.I,
    ),
    "insult": re.compile(
        r"\b(?:ridiculous|stupid|idiot\w*|useless|rubbish|pathetic|disgrace\w*|incompetent|"
        r"joke|crap|bloody|damn\w*|hell|shit\w*|fuck\w*|moron\w*|dumb|clueless|scam\s+bank|"
        r"honestly,?\s+this\s+is)\b",
        re.I,
    ),
}
STOPWORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "if", "then", "so", "to", "of", "in", "on", "at",
        "by", "for", "from", "with", "without", "into", "onto", "is", "are", "was", "were",
        "be", "been", "being", "am", "do", "does", "did", "done", "have", "has", "had",
        "having", "it", "its", "it's", "this", "that", "these", "those", "there", "here",
        "you", "your", "you're", "yours", "we", "our", "us", "i", "me", "my", "he", "she",
        "they", "them", "their", "what", "which", "who", "whom", "when", "where", "why", "how",
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "not",
        "no", "nor", "just", "also", "very", "too", "than", "as", "up", "out", "about", "over",
        "under", "again", "more", "most", "some", "any", "all", "each", "both", "few", "other",
        "such", "only", "own", "same", "s", "t", "don't", "can't", "won't", "isn't", "aren't",
        "i'm", "i've", "i'll", "we'll", "we're", "we've", "you'll", "you've", "let", "let's",
        "please", "thanks", "thank", "yes", "sure", "okay", "ok"
    }
)  # fmt: skip
WORD = re.compile(r"[a-z][a-z']+")
# Words of courtesy and empathy: a sentence made only of these (and no claim) states
# nothing the bank must approve ("I'm sorry to hear that.", "I hope this helps.").
COURTESY = frozenset(
    {
        "sorry", "hear", "understand", "understandable", "concern", "concerned", "help",
        "helpful", "happy", "glad", "hope", "frustrat", "frustrating", "worry", "worried",
        "worri", "upset", "difficult", "time", "situation", "feel", "know", "apologise",
        "apologize", "inconvenience", "trouble", "hello", "welcome", "great", "question",
        "ask", "day", "else", "anything", "today", "assist", "thing", "moment", "loss",
        "condolence", "appreciate", "patience", "right", "course", "absolutely", "certainly",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SentenceVerdict:
    sentence: str
    supported: bool
    reason: str  # why: "approved sentence", "overlap 0.92", "promise", "claims: ..."
    overlap: float = 0.0


def content_words(text: str) -> set[str]:
    """Lower-case content words, with a crude plural and tense stem."""
    words = set()
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 3:
            continue
        words.add(re.sub(r"(?:'s|s|ed|ing)$", "", word) or word)
    return words


def canonical(sentence: str) -> str:
    return " ".join(WORD.findall(sentence.lower())) + "|" + re.sub(r"\D", "", sentence)


class SupportChecker:
    """Checks sentences against the approved texts of one turn."""

    def __init__(
        self,
        approved: Iterable[str],
        fixed: Iterable[str] = (),
        min_overlap: float = MIN_OVERLAP,
    ):
        approved = [text for text in approved if text]
        fixed = [text for text in fixed if text]
        self.verbatim = {
            canonical(s) for text in [*approved, *fixed] for s in split_sentences(text)
        }
        self.claims = allowed_claims([*approved, *fixed])
        self.words = set().union(*(content_words(text) for text in approved)) if approved else set()
        self.min_overlap = min_overlap

    def check(self, sentence: str) -> SentenceVerdict:
        if canonical(sentence) in self.verbatim:
            return SentenceVerdict(sentence, True, "approved sentence", 1.0)
        for kind, pattern in NEVER.items():
            if pattern.search(sentence):
                return SentenceVerdict(sentence, False, kind)
        missing = unsupported(sentence, self.claims)
        if missing:
            return SentenceVerdict(sentence, False, "claims: " + ", ".join(missing))
        words = content_words(sentence)
        if words <= COURTESY:
            return SentenceVerdict(sentence, True, "courtesy", 1.0)
        overlap = len(words & self.words) / len(words)
        passed = overlap >= self.min_overlap
        return SentenceVerdict(sentence, passed, f"overlap {overlap:.2f}", round(overlap, 3))

    def check_text(self, text: str) -> tuple[SentenceVerdict, ...]:
        return tuple(self.check(sentence) for sentence in split_sentences(text))
