"""Teller's own fixed texts, and the replies made from approved entries without an LLM."""

from __future__ import annotations

from collections.abc import Sequence

from bot.decide import PROMPT_INJECTION, Decision
from bot.handoff import already_handed_over, handoff_notice
from bot.injection import DECLINE as INJECTION_DECLINE
from bot.tone import TONES, Tone
from bot.types import Action
from knowledge.corpus import FaqEntry

NO_MATCH = (
    "I'm sorry, I don't have an approved answer for that. I can help with cards, payments, "
    "transfers, top-ups, currency exchange, your account and security, savings and loans."
)
SECRET_REMINDER = (
    "For your security, I've hidden the number you sent: please never share your full card "
    "number, PIN or passcodes with anyone, including us."
)
NOT_SAVED = "(This conversation could not be saved just now; a colleague may not see it.)"
NOT_CAUGHT = "Sorry, I didn't catch that. Could you say it again, a little closer to the phone?"


def approved_fixed_texts(
    facts: dict[str, str], reference: str | None, titles: Sequence[str] = ()
) -> list[str]:
    """Every fixed text Teller may say in a turn, rendered for it: the canned replies,
    the tone openings, the clarifying question over the cited titles and the handoff
    notices with the turn's reference."""
    texts = [NO_MATCH, SECRET_REMINDER, NOT_SAVED, NOT_CAUGHT, INJECTION_DECLINE]
    texts += [tone.opening for tone in TONES.values()]
    if len(titles) >= 2:
        texts.append(clarifying_question(titles[0], titles[1]))
    if reference:
        texts += [handoff_notice(reference, facts, spoken) for spoken in (False, True)]
        texts.append(already_handed_over(reference))
    return texts


def clarifying_question(first: str, second: str) -> str:
    return f'Just to be sure I help with the right thing: do you mean "{first}" or "{second}"?'


def fixed_reply(decision: Decision, tone: Tone) -> str:
    """The reply when no LLM chooses it: declines, clarifications, approved answers."""
    if decision.reason == PROMPT_INJECTION:
        return INJECTION_DECLINE
    if decision.action is Action.CLARIFY:
        first, second = decision.entries[:2]
        return clarifying_question(first.title, second.title)
    if not decision.entries:
        return "" if decision.action is Action.ESCALATE else NO_MATCH
    return extractive(decision.entries[0], tone)


def extractive(entry: FaqEntry, tone: Tone) -> str:
    """An approved answer, verbatim, after the tone's opening line."""
    return f"{tone.opening} {entry.answer}".strip()
