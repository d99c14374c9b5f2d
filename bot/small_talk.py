"""Greetings, thanks and goodbyes, in any phrasing: a message made only of such words
(and filler: "ok", "so much", "I'll wait") is small talk, whatever the conversation was
about. Routing by meaning finds "thanks" easily but is unsure of "ok thanks, I'll wait"
or "ttyl", and a follow-up reading would tie them to the last topic."""

from __future__ import annotations

import re

THANKING = frozenset(
    ["thanks", "thank", "thankyou", "thx", "thnx", "thanx", "ty", "cheers", "ta", "appreciated"]
)
PHRASES = {
    "thanks": ("thank you", "nice one", "much obliged", "you've been helpful", "that helped"),
    "goodbye": (
        "that's all",
        "thats all",
        "that is all",
        "that's everything",
        "nothing else",
        "all done",
        "i'm done",
        "im done",
        "see you",
        "see ya",
        "take care",
        *(
            f"have a {kind} {time}"
            for kind in ("nice", "good", "lovely", "great")
            for time in ("day", "evening", "night", "weekend", "one")
        ),
        "ta ra",
        "speak soon",
        "talk later",
        "for now",
    ),
    "greeting": (
        "good morning",
        "good afternoon",
        "good evening",
        "how are you",
        "how's it going",
        "anyone there",
        "anybody there",
        "you there",
    ),
}
WORDS = {
    "thanks": THANKING
    | set(
        [
            "grateful",
            "brilliant",
            "perfect",
            "helpful",
            "fab",
            "fantastic",
            "excellent",
            "awesome",
            "legend",
        ]
    )
    | {"superb", "wonderful"},
    "goodbye": set(["bye", "goodbye", "byee", "cya", "ttyl", "goodnight", "farewell", "laters"]),
    "greeting": set(
        [
            "hi",
            "hello",
            "helo",
            "hey",
            "hiya",
            "howdy",
            "yo",
            "morning",
            "afternoon",
            "evening",
            "alright",
        ]
    ),
}
FILLER = set(
    [
        "ok",
        "okay",
        "oh",
        "ah",
        "right",
        "so",
        "very",
        "much",
        "a",
        "lot",
        "for",
        "that",
        "that's",
        "thats",
        "it",
        "is",
        "you",
        "all",
        "the",
        "i",
        "i'll",
        "ill",
        "wait",
        "now",
        "then",
        "just",
        "really",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "great",
        "good",
        "lovely",
        "nice",
        "cool",
        "mate",
        "dear",
        "love",
        "pet",
        "darling",
        "pal",
        "sir",
        "madam",
        "there",
        "guys",
        "team",
        "again",
        "will",
        "do",
        "your",
        "help",
        "today",
        "and",
        "here",
        "sorted",
        "lindenbrook",
        "teller",
        "x",
        "xx",
    ]
)
LABELS = ("goodbye", "thanks", "greeting")  # when several fit, the first wins
TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
CLOSING_MAX_WORDS = 16
STILL_OPEN = re.compile(
    r"\?|n't\b|\b(?:but|though|still|not|never|however|although|except|yet|why|how|what|when"
    r"|where|can|could|should|would|will\s+you|is\s+there|do\s+you)\b",
    re.I,
)


def words_of(text: str) -> list[str]:
    """The words of a cleaned message (straight apostrophes), lower case."""
    return TOKEN.findall(text.lower())


def small_talk(text: str) -> str | None:
    """``thanks``, ``goodbye`` or ``greeting`` when the message is nothing else."""
    lowered = " " + " ".join(words_of(text)) + " "
    found = set()
    for label, phrases in PHRASES.items():
        for phrase in phrases:
            if f" {phrase} " in lowered:
                found.add(label)
                lowered = lowered.replace(f" {phrase} ", " ")
    for word in lowered.split():
        label = next((label for label in LABELS if word in WORDS[label]), None)
        if label is None and word not in FILLER:
            return None
        if label:
            found.add(label)
    return next((label for label in LABELS if label in found), None)


# Words in quotation marks are mentioned, not said: 'how do you say "thank you" in Welsh'.
# A straight single quote opens a quotation only after a space, and closes one only
# before one ("I'll" is no quotation).
QUOTED = re.compile(r'"[^"]*"|(?<!\w)\'[^\']*\'(?!\w)')


def closes_with_thanks(text: str) -> bool:
    """A short message that closes the matter with thanks, with nothing left open: "ok
    I'll give it till Monday then, thanks", "got in!! thnx" (but not "thanks, but it
    still hasn't come", nor thanks only quoted)."""
    words = words_of(QUOTED.sub(" ", text))
    return (
        len(words) <= CLOSING_MAX_WORDS
        and any(word in THANKING for word in words)
        and not STILL_OPEN.search(text)
    )
