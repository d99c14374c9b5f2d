"""Checkable claims, read in context: an amount with its currency, a percentage, a
duration with its unit, a whole phone number, a web address or e-mail in any spelling
("lindenbrook dot com", "help[.]bank[.]net"), a time of day, and any other number,
written in digits or in words of any size ("two hundred and fifty pounds",
"thirty-seven percent").

A claim is supported only by the same claim in an approved text: "£5" supports "5
pounds" but not "5 percent" or "5 days"; "020 7946 0100" is one phone number, not
three numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = "|".join([*UNITS_WORDS, *SCALES])
NUMBER_WORD = re.compile(
    rf"\b(?:(?:a|an)\s+)?(?:{NUMBER_WORDS})\b(?:(?:[\s-]+|\s+and\s+)(?:{NUMBER_WORDS})\b)*[\s-]?",
    re.I,
)
CURRENCIES = {
    "£": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "gbp": "GBP",
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "$": "USD", "dollar": "USD", "dollars": "USD", "usd": "USD",
}  # fmt: skip
DURATION_UNITS = {
    "second": "second", "minute": "minute", "min": "minute", "hour": "hour", "hr": "hour",
    "day": "day", "working day": "working day", "business day": "working day",
    "calendar day": "day", "week": "week", "month": "month", "year": "year",
}  # fmt: skip
NUM = r"\u2064?\d+(?:,\d{3})*(?:\.\d+)?"  # \u2064 marks a number written in words
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOMAIN = re.compile(
    r"\b(?:https?://)?(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|co|uk|io|info|biz|bank|app|example|gov|online|site|xyz|me|eu|[a-z]{2})\b"
    r"(?:/[\w./%-]*)?",
    re.I,
)
PHONE = re.compile(r"(?<![\w£$€.])(?:\+|00)?\(?\d[\d ()\-]{5,}\d(?![\w%])")
MONEY_BEFORE = re.compile(rf"([£€$])\s?({NUM})(k|m|bn)?", re.I)
MONEY_AFTER = re.compile(rf"({NUM})\s?(pounds?|quid|gbp|euros?|eur|dollars?|usd)\b", re.I)
PENCE = re.compile(rf"({NUM})\s?(?:p|pence)\b", re.I)
PERCENT = re.compile(rf"({NUM})\s?(?:%|percent\b|per\s+cent\b)", re.I)
UNIT_WORDS = "|".join(sorted(DURATION_UNITS, key=len, reverse=True))
DURATION = re.compile(
    rf"({NUM})((?:\s*(?:to|-|\u2013|or|and)\s*{NUM})*)\s*({UNIT_WORDS})s?\b", re.I
)
AGE = re.compile(rf"({NUM})\s*years?\s*old\b", re.I)
TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s?(am|pm)\b|\b(\d{1,2}):(\d{2})\b", re.I)
NUMBER = re.compile(NUM)
LIST_MARKER = re.compile(r"(?m)^\s*\d{1,2}[.)]\s")
SPELLED_DOTS = re.compile(r"\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*", re.I)
SPELLED_AT = re.compile(r"\s*(?:\[at\]|\(at\)|\s+at\s+)\s*(?=[\w-]+\.[a-z]{2,})", re.I)
NOT_DOMAINS = frozenset({"e.g", "i.e", "a.m", "p.m"})
# Marks a number that was written in words: it counts with a unit ("five days"), not
# alone ("one of our team").
WORDED = "\u2064"


@dataclass(frozen=True, order=True)
class Claim:
    kind: str  # money, percent, duration, phone, web, email, time, number
    value: str
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.value} {self.unit}".strip()


def normalise(text: str) -> str:
    """Spell-outs undone: number words become digits (marked as worded); "dot", "[.]" and "at" in
    addresses become "." and "@"; pieces of an address split by spaces are joined."""
    text = text.replace("\u200b", "").replace("\u2060", "")
    text = NUMBER_WORD.sub(lambda m: _words_to_number(m.group()), text)
    text = re.sub(r"(\d)\s*-\s*(\d{1,2})\s+(?=percent|per cent|%)", r"\1\2 ", text)
    text = SPELLED_DOTS.sub(".", text)
    text = re.sub(r"(?<=\w)\s+\.\s+(?=\w)", ".", text)
    text = re.sub(r"(?<=\w)\s+\.(?=[a-z]{2,}\b)", ".", text)
    text = re.sub(r"(?<=[a-z0-9])\s*-\s+(?=[a-z])|(?<=[a-z0-9])\s+-\s*(?=[a-z])", "-", text)
    return SPELLED_AT.sub("@", text)


def claims(text: str) -> set[Claim]:
    """Every checkable claim in ``text``."""
    text = LIST_MARKER.sub(" ", normalise(text))
    found: set[Claim] = set()
    text = _take(EMAIL, text, found, lambda m: Claim("email", m.group().lower()))
    text = _take(DOMAIN, text, found, _web)
    text = _take(MONEY_BEFORE, text, found, _money_before)
    text = _take(MONEY_AFTER, text, found, lambda m: _money(m.group(1), m.group(2)))
    text = _take(PENCE, text, found, lambda m: Claim("money", _num(m.group(1), 0.01), "GBP"))
    text = _take(PERCENT, text, found, lambda m: Claim("percent", _num(m.group(1)), "%"))
    text = _take(AGE, text, found, lambda m: Claim("number", _num(m.group(1))))
    text = _take_durations(text, found)
    text = _take(TIME, text, found, _time)
    text = _take(PHONE, text, found, _phone)
    for match in NUMBER.finditer(text):
        if not match.group().startswith(WORDED):
            found.add(Claim("number", _num(match.group())))
    return {claim for claim in found if claim is not None}


def supported(claim: Claim, allowed: set[Claim]) -> bool:
    """A claim is supported by the same claim; a bare number by any approved claim with
    that value (a step number, a count)."""
    if claim in allowed:
        return True
    if claim.kind == "number":
        return any(other.value == claim.value for other in allowed)
    if claim.kind == "web":
        return any(other.kind == "web" and other.value.startswith(claim.value) for other in allowed)
    return False


def allowed_claims(passages: Iterable[str]) -> set[Claim]:
    allowed: set[Claim] = set()
    for passage in passages:
        allowed |= claims(passage)
    return allowed


def unsupported(text: str, allowed: set[Claim]) -> tuple[str, ...]:
    """The claims of ``text`` no approved claim supports, as readable strings."""
    return tuple(sorted(str(c) for c in claims(text) if not supported(c, allowed)))


def _take(pattern: re.Pattern, text: str, found: set, make) -> str:
    """Record each match as a claim and blank it out, so it is not read twice."""

    def replace(match: re.Match) -> str:
        claim = make(match)
        if claim is None:
            return match.group()
        found.add(claim)
        return " " * len(match.group())

    return pattern.sub(replace, text)


def _take_durations(text: str, found: set) -> str:
    def replace(match: re.Match) -> str:
        unit = DURATION_UNITS[re.sub(r"\s+", " ", match.group(3).lower())]
        for number in [match.group(1), *NUMBER.findall(match.group(2) or "")]:
            found.add(Claim("duration", _num(number), unit))
        return " " * len(match.group())

    return DURATION.sub(replace, text)


def _num(text: str, scale: float = 1.0) -> str:
    value = float(text.replace(",", "").lstrip(WORDED)) * scale
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _money(amount: str, currency: str, multiplier: str = "") -> Claim:
    scale = {"k": 1e3, "m": 1e6, "bn": 1e9}.get(multiplier.lower(), 1.0)
    return Claim("money", _num(amount, scale), CURRENCIES[currency.lower()])


def _money_before(match: re.Match) -> Claim:
    return _money(match.group(2), match.group(1), match.group(3) or "")


def _web(match: re.Match) -> Claim | None:
    value = match.group().lower().rstrip("./")
    value = re.sub(r"^https?://", "", value).removeprefix("www.")
    host = value.split("/")[0]
    if value in NOT_DOMAINS or re.fullmatch(r"[\d.]+", host):
        return None
    return Claim("web", value)


def _time(match: re.Match) -> Claim:
    if match.group(3):
        minutes = match.group(2) or "00"
        return Claim("time", f"{int(match.group(1))}:{minutes}{match.group(3).lower()}")
    return Claim("time", f"{int(match.group(4))}:{match.group(5)}")


def _phone(match: re.Match) -> Claim | None:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) < 7:
        return None
    international = match.group().lstrip().startswith("+") or digits.startswith("00")
    if international and digits.lstrip("0").startswith("44"):
        digits = "0" + digits.lstrip("0")[2:].removeprefix("0")
    return Claim("phone", digits)


def _words_to_number(words: str) -> str:
    """ "two hundred and fifty" -> "250"; "a hundred" -> "100"; "thirty-seven" -> "37";
    "two and five" -> "2 and 5" (two numbers)."""
    tokens = [t for t in re.split(r"[\s-]+", words.strip().lower()) if t]
    if tokens[0] in ("a", "an"):
        if len(tokens) == 1 or tokens[1] not in SCALES:
            return words
        tokens[0] = "one"
    numbers: list[list[str]] = [[]]
    for token, before in zip(tokens, [None, *tokens], strict=False):
        starts_new = before is not None and (
            (token == "and" and before not in SCALES)
            or (token in UNITS_WORDS and before in UNITS_WORDS and not _joins(before, token))
        )
        if starts_new:
            numbers.append([])
        if token != "and":
            numbers[-1].append(token)
    trailing = " " if words[-1:].isspace() or words.endswith("-") else ""
    values = [f"{WORDED}{_value(group)}" for group in numbers if group]
    return " and ".join(values) + trailing


def _joins(tens: str, unit: str) -> bool:
    """ "twenty" and "five" make one number; "five" and "five" do not."""
    return UNITS_WORDS[tens] >= 20 and UNITS_WORDS[tens] % 10 == 0 and UNITS_WORDS[unit] < 10


def _value(tokens: list[str]) -> int:
    total = current = 0
    for token in tokens:
        if token in UNITS_WORDS:
            current += UNITS_WORDS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * SCALES[token]
            current = 0
    return total + current
