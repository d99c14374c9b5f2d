"""What the customer asks of the conversation itself, whatever the topic: a person, in
any phrasing, or saying that Teller is not helping. Either hands the conversation over
(a regulator expects a request for a person to be honoured at once).

Rules read the plain phrasings no one can misread; two small learned models
(:mod:`bot.signals_training`) read the paraphrases, typos and text-speak the rules
miss. Either one is enough."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from bot.injection import normalise
from bot.ngrams import FEATURE_SPACE, LinearTextModel

MODELS = Path(__file__).parent / "models"

# Who the customer may ask for, typos included.
STAFF = (
    r"(?:person|people|human|humna|huamn|hooman|being|agent|agnet|advis[eo]r|representative"
    r"|rep|manager|supervisor|staff|operator|colleague|team\s+member|member\s+of\s+staff"
    r"|someone|somebody|whoever)"
)
YOUR_PEOPLE = r"(?:one\s+of\s+your|a\s+member\s+of\s+(?:your\s+)?|someone\s+(?:from|in|on)\s+your)"
QUALIFIER = r"(?:(?:a|an|some|the|your|real|actual|live|human|proper|customer\s+service)\s+)*"
PERSON_PATTERNS = (
    # "can I speak to a real person", "connect me with one of your advisers"
    rf"\b(?:speak|talk|chat|get\s+through|be\s+put\s+through|connect\s+me|be\s+transferred)"
    rf"\s+(?:to|with)\s+(?:{YOUR_PEOPLE}\s*)?{QUALIFIER}{STAFF}s?\b",
    # "go through this with one of your team", "discuss it with an advisor"
    rf"\b(?:go\s+through|discuss|sort|deal\s+with)\b.{{0,40}}\bwith\s+(?:{YOUR_PEOPLE}|an?)\s*"
    r"(?:real\s+)?(?:advis[eo]rs?|agents?|colleagues?|team|staff|representatives?|humans?"
    r"|person|people)\b",
    r"\b(?:real|actual|live|human|proper)\s+(?:person|human|being|agent|advis[eo]r"
    r"|representative|operator)\b",
    # "put me through", "transfer me", "pass me to someone"
    rf"\b(?:put|transfer|pass|hand)\s+me\b(?:\s+(?:through|over|on))?"
    rf"(?:\s+to\s+{QUALIFIER}{STAFF})?",
    rf"\b(?:get|give|find)\s+me\s+{QUALIFIER}{STAFF}\b",
    rf"\b(?:a|an)\s+{STAFF}\s*,?\s*(?:please|now|pls|plz)\b",
    r"\b(?:escalate|refer)\s+(?:this|me|it)\b",
    r"\b(?:not|no)\s+(?:a|another|this)?\s*(?:bot|robot|machine|chatbot|computer)\b",
    r"\b(?:don'?t|do\s+not)\s+want\s+(?:to\s+(?:talk|speak|chat)\s+(?:to|with)\s+)?"
    r"(?:a|the|this|your)?\s*(?:bot|robot|machine|chatbot|computer)\b",
    # "can someone call me back", "ring someone", "a callback from someone"
    rf"\b{STAFF}\s+(?:to\s+)?(?:call|ring|phone)\s+me\b",
    r"\b(?:ring|call|phone)\s+(?:someone|somebody|a\s+person)\b|\bcall\s*back\s+from\b",
    r"\b(?:someone|somebody|anyone|anybody)\b(?:\s+\w+){0,3}\s+i\s+(?:can|could)\s+"
    r"(?:talk|speak|chat)\s+(?:to|with)\b",
    r"\b(?:human|person|someone|somebody)\s+(?:to\s+)?take\s+over\b",
    r"\basked\s+for\s+(?:a|an)\s+(?:person|human|agent|manager)\b",
    # the whole message is the request: "agent", "HUMAN. NOW.", "rep please"
    r"^\W*(?:(?:an?|i|said|real|live|please|pls|plz|now)\W+)*(?:agent|human|person|representative"
    r"|rep|operator|advis[eo]r|manager)(?:\W+(?:an?|i|said|real|live|please|pls|plz|now|agent"
    r"|human|person|representative|rep|operator|advis[eo]r|manager))*\W*$",
)
PERSON = re.compile("|".join(f"(?:{p})" for p in PERSON_PATTERNS), re.I)
# "are you a real person?" asks about Teller; "do I have to speak to someone to close
# it?" asks how something is done; "no need to pass me on" declines. None asks for
# someone now.
NOT_A_REQUEST = re.compile(
    r"^\W*(?:are\s+you|is\s+this)\s+(?:a\s+)?(?:real|actual|human|person|bot|robot)\b"
    r"|\b(?:don'?t|do\s+not)\s+(?:want|need)\s+to\s+(?:talk|speak)\s+to\s+(?:anyone|anybody)\b"
    r"|\bno\s+need\s+to\s+(?:pass|transfer|put)\s+me\b"
    r"|\b(?:do|will|would)\s+i\s+(?:have|need)\s+to\s+(?:talk|speak)\b",
    re.I,
)
DISSATISFIED = re.compile(
    r"\b(?:that|this|it|you)(?:'s|\s+is|\s+are|'re)?\s+(?:(?:doesn'?t|does\s+not|didn'?t|did\s+"
    r"not|isn'?t|is\s+not|aren'?t|are\s+not|not|no)\s+(?:help\w*|useful|answer\w*|what\s+i\s+"
    r"(?:asked|meant|need\w*|want\w*)|work\w*)|(?:useless|pointless|no\s+use|no\s+help|going\s+"
    r"round\s+in\s+circles))\b"
    r"|\byou\s+(?:keep|just\s+keep|are\s+just|'re\s+just)\s+(?:giving|saying|repeating|sending|"
    r"telling)\b|\b(?:same|that)\s+(?:answer|thing|message|reply)\s+(?:again|over\s+and\s+over)"
    r"|\byou(?:'re|\s+are)\s+not\s+(?:listening|understanding|getting\s+it)\b"
    r"|\bnot\s+what\s+i\s+(?:asked|meant|need\w*|want\w*)\b"
    # a clause of its own: "Still not helpful.", "...isn't frozen. not helpful"
    r"|(?:^|[.!?,;:]\s*)(?:still\s+|just\s+|really\s+)?(?:not\s+|un)helpful\b",
    re.I,
)


# Said of answers that keep failing: "you keep giving me the same answer", "still not
# helpful", "that's the second time", "I've already done that".
AGAIN = re.compile(
    r"\b(?:keep|keeps|kept|again|still|same|second|third|twice|already|every\s+time"
    r"|round\s+in\s+circles|over\s+and\s+over)\b",
    re.I,
)


@dataclass(frozen=True)
class Requests:
    """What the customer asked of the conversation in this message."""

    person: bool = False  # asked for a person
    dissatisfied: bool = False  # said Teller's answers are not helping
    again: bool = False  # ... and that they keep failing


def read_requests(text: str) -> Requests:
    """The requests the rules alone find."""
    person = bool(PERSON.search(text)) and not NOT_A_REQUEST.search(text)
    return with_again(text, Requests(person=person, dissatisfied=bool(DISSATISFIED.search(text))))


def with_again(text: str, requests: Requests) -> Requests:
    """``requests``, with whether the customer says the answers keep failing."""
    return replace(requests, again=requests.dissatisfied and bool(AGAIN.search(text)))


@dataclass(frozen=True)
class RequestReader:
    """The rules, then the learned models for what they miss."""

    person: LinearTextModel
    not_helping: LinearTextModel

    @classmethod
    def load(cls, folder: Path = MODELS) -> RequestReader:
        return cls(
            LinearTextModel.load(folder / "person-request.npz"),
            LinearTextModel.load(folder / "not-helping.npz"),
        )

    def read(self, text: str) -> Requests:
        rules = read_requests(text)
        if rules.person and rules.dissatisfied:
            return rules
        features = FEATURE_SPACE.transform([normalise(text)])  # one transform, two models
        person = rules.person or (
            not NOT_A_REQUEST.search(text)
            and self.person.probabilities_of(features)[0] >= self.person.threshold
        )
        dissatisfied = rules.dissatisfied or (
            self.not_helping.probabilities_of(features)[0] >= self.not_helping.threshold
        )
        return with_again(text, Requests(person=bool(person), dissatisfied=bool(dissatisfied)))
