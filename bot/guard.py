"""The grounding guard: a reply may state only figures the bank has approved.

Every number, amount, percentage, phone number, URL, e-mail address and duration in a
generated reply must appear in the cited FAQ passages or the facts sheet. A reply
that states anything else is not delivered; the approved answer is, and the audit
records what was unsupported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[\w./-]*)?", re.I)
NUMBER = re.compile(r"[£$€]?\d[\d,]*(?:\.\d+)?%?")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
UNITS = (
    r"(?:working\s+|business\s+|calendar\s+)?"
    r"(?:minutes?|hours?|days?|weeks?|months?|years?|percent|per\s+cent|pounds?|euros?|dollars?)"
)
WORDED = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})\s+{UNITS}\b", re.I)
# Domain-like tokens that are not addresses: abbreviations and decimals.
NOT_URLS = frozenset({"e.g", "i.e", "etc"})


@dataclass(frozen=True)
class Verdict:
    grounded: bool
    unsupported: tuple[str, ...] = ()


LIST_NUMBER = re.compile(r"(?m)^\s*\d{1,2}[.)]\s")


def claims(text: str) -> set[str]:
    """The checkable claims in a text, normalised: numbers, URLs, e-mails.
    The numbers of a numbered list are not claims."""
    text = LIST_NUMBER.sub(" ", text)
    found: set[str] = set()
    for email in EMAIL.findall(text):
        found.add(email.lower())
    without_emails = EMAIL.sub(" ", text)
    for url in URL.findall(without_emails):
        url = url.lower().rstrip("./")
        if re.search(r"[a-z]", url.split("/")[0].split(".")[-1]) and url not in NOT_URLS:
            found.add(url.removeprefix("https://").removeprefix("http://").removeprefix("www."))
    for number in NUMBER.findall(without_emails):
        found.add(number.replace(",", "").rstrip("."))
    for word in WORDED.findall(text):
        found.add(str(NUMBER_WORDS[word.lower()]))
    return found


def allowed_claims(passages: Iterable[str]) -> set[str]:
    allowed: set[str] = set()
    for passage in passages:
        allowed |= claims(passage)
    # "£5" in a passage also licenses "5", as in "5 pounds".
    allowed |= {c.lstrip("£$€").rstrip("%") for c in allowed}
    return allowed


def check(reply: str, allowed: set[str]) -> Verdict:
    """Whether every claim in ``reply`` is among the ``allowed`` ones."""
    unsupported = sorted(c for c in claims(reply) if c not in allowed)
    return Verdict(not unsupported, tuple(unsupported))
