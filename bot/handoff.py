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


def handoff_notice(ticket_number: str, facts: dict[str, str]) -> str:
    return (
        f"I'm passing you to one of our team now. Your reference is {ticket_number}. "
        f"The expected wait is {facts['contact.human_wait']} during chat hours "
        f"({facts['contact.chat_hours']}); outside them, someone will pick this up "
        f"{facts['contact.human_wait_out_of_hours']}. You can also call us on "
        f"{facts['contact.phone']}."
    )
