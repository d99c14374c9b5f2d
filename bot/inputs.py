"""Customer input hygiene: what the assistant accepts as a text message."""

from __future__ import annotations

import unicodedata

# Phones type curly quotes; every rule downstream reads straight ones ("can't", "it's").
STRAIGHT_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)
NOT_TEXT = "That message is not readable text (it is not UTF-8). Please type your question again."


class InputRejected(ValueError):
    """The input cannot be treated as a message; ``str(error)`` tells the customer why."""


def clean_message(raw: str | bytes, max_chars: int) -> str:
    """Decode, normalise (Unicode NFKC, straight quotes, single spaces) and check a
    customer message.

    Raises :class:`InputRejected` for binary data, text that is not UTF-8, an empty
    message or one longer than ``max_chars``.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputRejected(NOT_TEXT) from error
    if any("\ud800" <= ch <= "\udfff" for ch in raw):  # undecodable bytes from argv or stdin
        raise InputRejected(NOT_TEXT)
    text = unicodedata.normalize("NFKC", raw).translate(STRAIGHT_QUOTES)
    if _looks_binary(text):
        raise InputRejected(
            "That looks like binary data rather than a message. Please type your question."
        )
    text = " ".join(text.split())
    if not text:
        raise InputRejected("Your message is empty. Please type your question.")
    if len(text) > max_chars:
        raise InputRejected(
            f"Your message is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Please shorten it to the question you'd like answered."
        )
    return text


def has_words(text: str) -> bool:
    """True when the text holds at least one letter or digit (not only emoji or symbols)."""
    return any(ch.isalnum() for ch in text)


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    return controls > max(2, len(text) // 20)
