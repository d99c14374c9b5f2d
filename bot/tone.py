"""Tone policy: how Teller speaks to a customer in each emotional state.

Each emotion label maps to style instructions for the LLM and to an opening line for
the extractive mode (where the approved answer is delivered verbatim).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Tone:
    name: str
    instructions: str
    opening: str


TONES = {
    "angry": Tone(
        "apologetic",
        "The customer is angry. Acknowledge the problem and apologise once, sincerely, "
        "without excuses; then give the concrete next step straight away.",
        "I'm sorry about this, and I understand why you're frustrated. Here's what to do next:",
    ),
    "anxious": Tone(
        "reassuring",
        "The customer is worried. Reassure them briefly and put the most urgent action "
        "first; keep sentences short and calm.",
        "I understand this is worrying; let's sort it out. The most important step first:",
    ),
    "confused": Tone(
        "plain",
        "The customer is confused. Use plain everyday words, no jargon, and give one "
        "step at a time in order.",
        "No problem, let's go through it step by step.",
    ),
    "sad": Tone(
        "empathetic",
        "The customer is upset. Show genuine empathy in a few words before helping, and be gentle.",
        "I'm sorry you're going through this. I'm here to help.",
    ),
    "happy": Tone(
        "warm",
        "The customer is in a good mood. Be warm and brief.",
        "Glad to help!",
    ),
    "neutral": Tone(
        "concise",
        "Be concise and friendly.",
        "",
    ),
}


SPOKEN = (
    " The reply will be read aloud on a call: two or three short sentences, "
    "no lists, no headings, no links."
)


def tone_for(emotion_label: str, spoken: bool = False) -> Tone:
    """The tone for an emotion; ``spoken`` (a voice turn) also asks for a short reply
    without written layout."""
    tone = TONES.get(emotion_label, TONES["neutral"])
    return replace(tone, instructions=tone.instructions + SPOKEN) if spoken else tone
