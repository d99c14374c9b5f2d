"""What the customer asks of the conversation itself, whatever the topic: a person, in
any phrasing, or saying that Teller is not helping. Either hands the conversation over
(a regulator expects a request for a person to be honoured at once)."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSON = re.compile(
    r"\b(?:speak|talk|chat|get\s+through|be\s+put\s+through|connect\s+me)\s+(?:to|with)\s+"
    r"(?:a|an|some|the|your|one\s+of\s+your|someone|somebody|anyone|anybody|real|actual|live"
    r"|human|proper)?\s*(?:real\s+|actual\s+|live\s+|human\s+|proper\s+)?(?:person|people|"
    r"human|being|agent|advisor|adviser|representative|rep|manager|supervisor|staff|someone|"
    r"somebody|member\s+of\s+staff|operator|colleague|team\s+member)\b"
    r"|\b(?:real|actual|live|human|proper)\s+(?:person|human|being|agent|advisor|adviser|"
    r"representative|operator)\b"
    r"|\b(?:put|transfer|pass|hand)\s+me\s+(?:through|over|on)?\s*(?:to\s+)?(?:a|an|someone|"
    r"somebody|your|the)?\s*(?:person|human|agent|advisor|adviser|representative|manager|"
    r"supervisor|operator|colleague|team|someone|somebody)\b"
    r"|\b(?:a|an)\s+(?:person|human|agent|advisor|adviser|representative|operator)\s*,?\s*"
    r"(?:please|now|pls|plz)\b"
    r"|\b(?:escalate|refer)\s+(?:this|me|it)\b|\b(?:not|no)\s+(?:a|another|this)?\s*"
    r"(?:bot|robot|machine|chatbot|computer)\b|\b(?:don'?t|do\s+not)\s+want\s+(?:to\s+"
    r"(?:talk|speak|chat)\s+(?:to|with)\s+)?(?:a|the|this|your)?\s*(?:bot|robot|machine|"
    r"chatbot|computer)\b|\b(?:someone|somebody)\s+(?:to\s+)?call\s+me\s+back\b",
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
    r"|\bnot\s+what\s+i\s+(?:asked|meant|need\w*|want\w*)\b",
    re.I,
)


@dataclass(frozen=True)
class Requests:
    """What the customer asked of the conversation in this message."""

    person: bool = False  # asked for a person
    dissatisfied: bool = False  # said Teller's answers are not helping


def read_requests(text: str) -> Requests:
    return Requests(person=bool(PERSON.search(text)), dissatisfied=bool(DISSATISFIED.search(text)))
