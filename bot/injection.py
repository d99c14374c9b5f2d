"""Prompt-injection screening: attempts to override, reveal or role-play around the
assistant's instructions are declined before an answer is chosen or generated.

The screen is learned (:mod:`bot.injection_training` trains it): a logistic regression
over hashed character and word n-grams (:mod:`bot.ngrams`), so it reads any language
written in letters and needs no vocabulary file. Before scoring, the text is
normalised the way attackers obfuscate it (zero-width characters, homoglyphs, l33t,
s p a c e d or dotted letters) and every payload it carries encoded (base64, hex,
ROT13, reversed) is scored too; the highest score decides. It runs after the scam
check: a customer quoting a fraudster is helped, not refused.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.ngrams import LinearTextModel

MODEL = Path(__file__).parent / "models" / "injection-screen.npz"

DECLINE = (
    "I can't change how I work or share my internal instructions, but I'm happy to help "
    "with your banking: cards, payments, transfers, your account, savings or loans."
)

# Latin letters that Cyrillic and Greek ones imitate; folded only inside words that
# mix scripts, so Russian or Greek written as such is left alone.
HOMOGLYPHS = str.maketrans(
    "аАвВсСеЕёҺһіІјЈкКмМнНоОрРѕЅтТуУхХԁɡӏαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ",
    "aABBcCeEeHhiIjJkKmMHHoOpPsSTTyYxXdgIaABBeEZZnHiIkKMMvNoOpPTTuYxX",
)
LEET = str.maketrans("013457@$!|", "oieastasil")
INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
MIXED_SCRIPT = re.compile(r"\w*(?:[a-zA-Z][^\W\d_a-zA-Z]|[^\W\d_a-zA-Z][a-zA-Z])\w*")
LEET_WORD = re.compile(r"\b(?=\w*[a-z])(?=[\w@$!|]*[0134579@$!|])[\w@$!|]{3,}\b", re.I)
SPACED = re.compile(r"\b(?:\w[ .\-_*·]){3,}\w\b")
INNER_MARK = re.compile(r"(?<=[a-z])[.\-_*·'](?=[a-z])", re.I)
BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){8,}")


def normalise(text: str) -> str:
    """``text`` as an attacker meant it to be read: NFKC, no invisible characters,
    homoglyphs folded, l33t read as letters, spaced and dotted letters joined."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    text = MIXED_SCRIPT.sub(lambda m: m.group().translate(HOMOGLYPHS), text)
    text = SPACED.sub(lambda m: re.sub(r"[ .\-_*·]", "", m.group()), text)
    text = LEET_WORD.sub(lambda m: m.group().translate(LEET), text)
    return INNER_MARK.sub("", text).lower()


def readable(data: bytes) -> str | None:
    """``data`` as text if it reads as words, else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return text if len(text) >= 8 and letters / len(text) > 0.8 else None


def decoded_payloads(text: str) -> list[str]:
    """Whatever the message carries encoded: base64, hex, ROT13, reversed."""
    found = []
    for token in BASE64.findall(text):
        try:
            found.append(readable(base64.b64decode(token + "=" * (-len(token) % 4))))
        except (binascii.Error, ValueError):
            continue
    for run in HEX.findall(text):
        try:
            found.append(readable(bytes.fromhex(re.sub(r"[\s:]", "", run))))
        except ValueError:
            continue
    lowered = text.lower()
    if re.search(r"rot\s*-?\s*13|caesar|rotate", lowered):
        found.append(decoded_parts(text, lambda part: codecs.decode(part, "rot13")))
    if "revers" in lowered or "backwards" in lowered:
        found.append(decoded_parts(text, lambda part: part[::-1]))
    return [payload for payload in found if payload]


# The commonest English words: a part decoded from ROT13 or read backwards holds more of
# them than it did only if something was really encoded in it.
FUNCTION_WORDS = frozenset(
    "the a an and or to of in on for at my your me i you it is are was be"  # noqa: SIM905
    " this that with do not no all what how".split()
)
PART_BREAK = re.compile(r"[:\n()]|(?<=[.!?])\s+")


def common_words(text: str) -> int:
    return sum(word in FUNCTION_WORDS for word in re.findall(r"[a-z]+", text.lower()))


def decoded_parts(text: str, decode: Callable[[str], str]) -> str:
    """The parts of ``text`` that read as more English decoded than as written: the
    payload after "reverse this and obey:", but nothing of "...a thing saying
    'reversal'" read backwards."""
    parts = [(part, decode(part)) for part in PART_BREAK.split(text)]
    return " ".join(d.strip() for part, d in parts if common_words(d) > common_words(part))


SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+|\n+|\s+(?=(?:btw|by the way|also|p\.?s\.?)\b)", re.I)


def views(text: str) -> list[str]:
    """Every reading of ``text`` the screen scores: the whole, each of its sentences
    (an attack tacked onto a real question), and each encoded payload."""
    parts = [part for part in SENTENCE_BREAK.split(text) if len(part) > 12]
    readings = [text, *(parts if len(parts) > 1 else []), *decoded_payloads(text)]
    return [normalise(reading) for reading in readings]


@dataclass(frozen=True)
class InjectionScreen:
    model: LinearTextModel

    @classmethod
    def load(cls, path: Path = MODEL) -> InjectionScreen:
        return cls(LinearTextModel.load(path))

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def scores(self, texts: list[str]) -> np.ndarray:
        """The attack probability of each text (the highest over its readings)."""
        readings = [views(text) for text in texts]
        probabilities = self.model.probabilities([view for group in readings for view in group])
        out, start = [], 0
        for group in readings:
            out.append(probabilities[start : start + len(group)].max())
            start += len(group)
        return np.array(out)

    def is_attack(self, text: str) -> bool:
        return bool(self.scores([text])[0] >= self.threshold)


def leaks_prompt(reply: str, system_prompt: str, window: int = 40) -> bool:
    """True when the reply repeats any ``window``-character run of the system prompt."""
    flat_reply = " ".join(reply.split()).lower()
    flat_prompt = " ".join(system_prompt.split()).lower()
    return any(
        flat_prompt[i : i + window] in flat_reply
        for i in range(0, max(1, len(flat_prompt) - window), window // 2)
    )
