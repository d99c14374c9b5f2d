"""Splitting text into sentences the way a reader would, so that every sentence can be
checked whole: a full stop inside a decimal ("3.10%"), an address
("lindenbrook.example"), an abbreviation ("e.g.", "Mr.") or a list number ("1.") does
not end a sentence."""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "no", "approx", "vs", "inc", "ltd"}
)
# A candidate end: terminal punctuation (and closing quotes or brackets) before
# whitespace or the end, a colon before a new capitalised sentence, or a line break.
CANDIDATE = re.compile(r"[.!?…]+[\"')\]]*(?=\s|$)|:(?=\s+[A-Z])|\n+")
LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]$", re.I)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; a trailing fragment without end
    punctuation is the last sentence."""
    sentences, start = [], 0
    for match in CANDIDATE.finditer(text):
        end = match.end()
        piece = text[start:end]
        if match.group().startswith(".") and _not_an_end(piece):
            continue
        if piece.strip():
            sentences.append(piece.strip())
        start = end
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _not_an_end(piece: str) -> bool:
    """Whether the full stop closing ``piece`` belongs to a word, not the sentence."""
    words = piece.rstrip(".").split()
    if not words:
        return True
    last = words[-1].lower().strip("(\"'")
    return last in ABBREVIATIONS or bool(LIST_MARKER.match(piece.strip()))
