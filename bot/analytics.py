"""What the bank learns from the audit store: volume, containment, handoffs, emotions,
scam warnings, and the questions Teller could not answer (the FAQ entries to write
next). Aggregated in SQL, so it works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from bot.store import Conversation, Store, Ticket, TurnRow

UNREADABLE = ("[message not accepted]", "[not understood]")


@dataclass(frozen=True)
class Analytics:
    conversations: int
    turns: int
    handed_over: int  # conversations with a handoff ticket
    scam_warnings: int  # turns that raised a scam warning
    per_day: list[tuple[str, int]]  # (YYYY-MM-DD, conversations started)
    emotions: dict[str, int]  # turns per emotion label
    unanswered: list[tuple[str, int]]  # (question, times asked), most asked first

    @property
    def handoff_rate(self) -> float:
        return round(self.handed_over / self.conversations, 3) if self.conversations else 0.0

    @property
    def containment(self) -> float:
        """Share of conversations resolved without a handoff."""
        return round(1 - self.handoff_rate, 3) if self.conversations else 0.0


def analytics(store: Store, top: int = 10) -> Analytics:
    with store.engine.connect() as db:
        day = func.date(Conversation.created_at)
        question = func.lower(func.trim(TurnRow.customer_text))
        unanswered = (
            select(question, func.count())
            .where(
                TurnRow.action.in_(("decline", "clarify")), TurnRow.customer_text.not_in(UNREADABLE)
            )
            .group_by(question)
            .order_by(func.count().desc(), question)
            .limit(top)
        )
        return Analytics(
            conversations=db.scalar(select(func.count()).select_from(Conversation)) or 0,
            turns=db.scalar(select(func.count()).select_from(TurnRow)) or 0,
            handed_over=db.scalar(select(func.count(distinct(Ticket.conversation_id)))) or 0,
            scam_warnings=db.scalar(
                select(func.count()).where(TurnRow.intent == "scam", TurnRow.action == "escalate")
            )
            or 0,
            per_day=[
                (str(d), n)
                for d, n in db.execute(select(day, func.count()).group_by(day).order_by(day))
            ],
            emotions=dict(
                db.execute(select(TurnRow.emotion, func.count()).group_by(TurnRow.emotion)).all()
            ),
            unanswered=[(q, n) for q, n in db.execute(unanswered)],
        )
