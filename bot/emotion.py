"""The emotion step: a label from the fixed six, with a score and an intensity.

This module holds the interface the pipeline uses. ``CueWordEmotion`` is the
interim classifier (cue words and punctuation); the trained classifier replaces it
behind the same ``classify`` method.
"""

from __future__ import annotations

import re
from typing import Protocol

from bot.types import Emotion


class EmotionModel(Protocol):
    def classify(self, text: str) -> Emotion: ...


CUES = {
    "angry": r"\b(angry|furious|ridiculous|disgrace|unacceptable|useless|outrageous|fed up|"
    r"sick of|joke|worst|rubbish|scam(med)? me|livid|appalling)\b",
    "anxious": r"\b(worried|scared|panic|anxious|nervous|afraid|urgent|help me|hacked|"
    r"stolen|fraud|emergency|asap|desperate)\b",
    "sad": r"\b(sad|upset|passed away|died|bereave|lost my (job|husband|wife|mum|dad)|"
    r"struggling|depressed|lonely|heartbroken)\b",
    "confused": r"\b(confused|don'?t understand|not sure|what does .{0,20} mean|how do i|"
    r"i don'?t get|unclear|lost as to)\b",
    "happy": r"\b(thanks?|thank you|great|brilliant|perfect|love|awesome|cheers|happy|"
    r"wonderful|excellent)\b",
}
COMPILED = {label: re.compile(pattern, re.I) for label, pattern in CUES.items()}


class CueWordEmotion:
    """Interim classifier: the label whose cue words occur most, ties by severity."""

    def classify(self, text: str) -> Emotion:
        counts = {label: len(p.findall(text)) for label, p in COMPILED.items()}
        label = max(counts, key=lambda k: counts[k])
        if counts[label] == 0:
            return Emotion("neutral", 0.6, 0.0)
        shouting = sum(c.isupper() for c in text) > 0.5 * max(1, sum(c.isalpha() for c in text))
        intensity = min(1.0, 0.4 + 0.2 * counts[label] + 0.1 * text.count("!") + 0.2 * shouting)
        return Emotion(label, 0.6, round(intensity, 2))
