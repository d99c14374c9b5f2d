"""Handoff to a human: the ticket an agent picks up, and what the customer is told."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from bot.history import PastTurn
from bot.trace import Ticket

REASONS = {
    "customer_request": "the customer asked for a person",
    "scam_in_progress": "a scam may be in progress",
    "angry_customer": "the customer is very unhappy",
    "repeated_failure": "Teller could not answer repeatedly",
    "high_risk_topic": "the topic needs a person (fraud, a compromised card, bereavement, "
    "financial difficulty)",
    "vulnerable_customer": "the customer has been bereaved or is struggling with money",
}
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_ticket_number() -> str:
    return "LB-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def build_ticket(reason: str, turns: Sequence[PastTurn]) -> Ticket:
    """The ticket: reason, one-paragraph summary, transcript, emotions."""
    topics = list(dict.fromkeys(t.intent for t in turns if t.intent and t.intent != "out_of_scope"))
    last = turns[-1]
    summary = (
        f"Handed over because {REASONS.get(reason, reason)}. "
        f"Topics: {', '.join(topics) or 'none identified'}. "
        f"{len(turns)} customer turn(s); emotion now {last.emotion}. "
        f'Last message: "{last.customer}"'
    )
    transcript = tuple(
        line for turn in turns for line in (("customer", turn.customer), ("teller", turn.reply))
    )
    return Ticket(
        number=new_ticket_number(),
        reason=reason,
        summary=summary,
        transcript=transcript,
        emotions=tuple(t.emotion for t in turns),
    )


def handoff_notice(ticket_number: str, facts: dict[str, str], spoken: bool = False) -> str:
    """What the customer is told when a ticket is opened, in words for the channel."""
    passing = f"I'm passing you to one of our team now. Your reference is {ticket_number}. "
    if spoken:
        return (
            f"{passing}Please stay on the line: a colleague will be with you in "
            f"{facts['contact.human_wait']}."
        )
    return (
        f"{passing}The expected wait is {facts['contact.human_wait']} during chat hours "
        f"({facts['contact.chat_hours']}); outside them, someone will pick this up "
        f"{facts['contact.human_wait_out_of_hours']}. You can also call us on "
        f"{facts['contact.phone']}."
    )


def already_handed_over(ticket_number: str) -> str:
    """What the customer is told on later turns: the conversation is with a person."""
    return (
        f"A colleague from our team already has this conversation (reference "
        f"{ticket_number}) and will pick it up shortly; I can keep helping meanwhile."
    )
