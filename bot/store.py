"""Sessions, turns (each with its trace, the audit record) and handoff tickets, in SQL.

SQLite by default (WAL journal, one transaction per turn, so a process killed mid-turn
leaves every earlier turn intact); any SQLAlchemy URL (PostgreSQL) when scaled out.

Writing a turn is the one boundary where personal data could land, so every text field
of it (customer text, reply, the whole audit trace with transcripts, prompts and raw LLM
output, the ticket) passes through the store's ``mask`` first. A store opened without a
mask can read but refuses to write turns.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, ForeignKey, String, Text, create_engine, event, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from bot.history import PastTurn
from bot.trace import TurnTrace

log = logging.getLogger(__name__)


class StoreUnavailableError(RuntimeError):
    """The database cannot be written or read; the message says why."""


class UnmaskedWriteError(RuntimeError):
    """A turn was written through a store that has no personal-data mask."""


Mask = Callable[[str], str]


# Identifiers Teller itself made: never personal data, and must stay exactly as they
# are (a uuid can happen to look like an account number).
IDENTIFIERS = frozenset({"session_id", "reference", "faq_id", "entry_ids", "number", "schema"})


def mask_json(value, mask: Mask):
    """``value`` (a JSON-ready structure) with every string in it masked, Teller's own
    identifiers aside."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {
            key: item if key in IDENTIFIERS else mask_json(item, mask)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_json(item, mask) for item in value]
    return value


class Base(DeclarativeBase):
    pass


def now() -> datetime:
    return datetime.now(UTC)


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="text")
    created_at: Mapped[datetime] = mapped_column(default=now)
    turns: Mapped[list[TurnRow]] = relationship(
        order_by="TurnRow.position", back_populates="conversation"
    )
    tickets: Mapped[list[Ticket]] = relationship(back_populates="conversation")


class TurnRow(Base):
    """One stored turn; ``audit`` holds its trace as JSON (:meth:`TurnTrace.to_json`)."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now)
    customer_text: Mapped[str] = mapped_column(Text)
    reply_text: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    emotion: Mapped[str] = mapped_column(String(16))
    audit: Mapped[dict] = mapped_column(JSON)
    conversation: Mapped[Conversation] = relationship(back_populates="turns")


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    reason: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    transcript: Mapped[list] = mapped_column(JSON)
    emotions: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    conversation: Mapped[Conversation] = relationship(back_populates="tickets")


class Store:
    """All reads and writes of conversations, turns and tickets."""

    def __init__(self, url: str, mask: Mask | None = None):
        self.url = url
        self.mask = mask
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///file:"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, pool_pre_ping=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            Base.metadata.create_all(self.engine)
        except OperationalError as error:
            raise StoreUnavailableError(explain(error, url)) from error

    def new_conversation(self, channel: str = "text") -> str:
        conversation_id = str(uuid.uuid4())
        with self._session() as session:
            session.add(Conversation(id=conversation_id, channel=channel))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        with self._session() as session:
            return session.get(Conversation, conversation_id) is not None

    def last_active(self, conversation_id: str) -> datetime | None:
        """When the conversation last had a turn (or began); None if it does not exist."""
        latest = (
            select(func.max(TurnRow.created_at))
            .where(TurnRow.conversation_id == conversation_id)
            .scalar_subquery()
        )
        query = select(func.coalesce(latest, Conversation.created_at)).where(
            Conversation.id == conversation_id
        )
        with self._session() as session:
            found = session.scalar(query)
        if isinstance(found, str):  # SQLite returns coalesce() results as text
            found = datetime.fromisoformat(found)
        return found.replace(tzinfo=found.tzinfo or UTC) if found else None

    def purge(self, before: datetime) -> Purged:
        """Remove the words of every conversation last active before ``before``: the
        customer's and Teller's text, the trace and ticket transcripts. What an auditor
        needs stays: when, the action, intent, emotion and why, cited entries, tickets."""
        latest = (
            select(TurnRow.conversation_id, func.max(TurnRow.created_at).label("last"))
            .group_by(TurnRow.conversation_id)
            .subquery()
        )
        stale = select(latest.c.conversation_id).where(latest.c.last < before.replace(tzinfo=None))
        with self._session() as session:
            turns = session.scalars(
                select(TurnRow).where(
                    TurnRow.conversation_id.in_(stale), TurnRow.customer_text != PURGED
                )
            ).all()
            for row in turns:
                row.customer_text = row.reply_text = PURGED
                row.audit = audit_summary(row.audit)
            tickets = session.scalars(
                select(Ticket).where(Ticket.conversation_id.in_(stale), Ticket.summary != PURGED)
            ).all()
            for ticket in tickets:
                ticket.summary, ticket.transcript = PURGED, []
            return Purged(len({row.conversation_id for row in turns}), len(turns), len(tickets))

    def history(self, conversation_id: str) -> list[PastTurn]:
        with self._session() as session:
            query = select(TurnRow).where(TurnRow.conversation_id == conversation_id)
            return [past_turn(row) for row in session.scalars(query.order_by(TurnRow.position))]

    def add_turn(self, trace: TurnTrace) -> None:
        """Store one turn (and its handoff ticket, if any) in one transaction, every text
        in it masked."""
        if self.mask is None:
            raise UnmaskedWriteError("this store was opened without a mask and cannot store turns")
        mask = self.mask
        conversation_id = trace.session_id
        with self._session() as session:
            if session.get(Conversation, conversation_id) is None:
                session.add(Conversation(id=conversation_id, channel=trace.channel))
            position = session.scalar(
                select(func.count()).where(TurnRow.conversation_id == conversation_id)
            )
            session.add(
                TurnRow(
                    conversation_id=conversation_id,
                    position=position,
                    customer_text=mask(trace.message),
                    reply_text=mask(trace.answer),
                    action=str(trace.action),
                    intent=trace.intent,
                    emotion=trace.emotion.label,
                    audit=mask_json(trace.to_json(), mask),
                )
            )
            if trace.ticket is not None:
                ticket = trace.ticket
                session.add(
                    Ticket(
                        conversation_id=conversation_id,
                        number=ticket.number,
                        reason=ticket.reason,
                        summary=mask(ticket.summary),
                        transcript=[{"role": r, "text": mask(t)} for r, t in ticket.transcript],
                        emotions=list(ticket.emotions),
                    )
                )

    def tickets(self, status: str | None = "open") -> list[Ticket]:
        with self._session() as session:
            query = select(Ticket).order_by(Ticket.id)
            if status:
                query = query.where(Ticket.status == status)
            return list(session.scalars(query))

    def conversations(self, limit: int = 100) -> list[dict]:
        """The most recent conversations, newest first, with their size and ticket."""
        turns = select(func.count()).where(TurnRow.conversation_id == Conversation.id)
        ticket = select(Ticket.number).where(Ticket.conversation_id == Conversation.id).limit(1)
        query = (
            select(Conversation, turns.scalar_subquery(), ticket.scalar_subquery())
            .order_by(Conversation.created_at.desc())
            .limit(limit)
        )
        with self._session() as session:
            return [
                {
                    "session_id": conversation.id,
                    "channel": conversation.channel,
                    "started": conversation.created_at.isoformat(timespec="seconds"),
                    "turns": count,
                    "ticket": number,
                }
                for conversation, count, number in session.execute(query)
            ]

    def export(self, conversation_id: str) -> dict | None:
        """One conversation as a JSON-ready dict, or None if it does not exist."""
        with self._session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return None
            return {
                "session_id": conversation.id,
                "channel": conversation.channel,
                "created_at": conversation.created_at.isoformat(),
                "turns": [
                    {
                        "position": t.position,
                        "created_at": t.created_at.isoformat(),
                        "customer": t.customer_text,
                        "reply": t.reply_text,
                        "action": t.action,
                        "intent": t.intent,
                        "emotion": t.emotion,
                        "audit": t.audit,
                    }
                    for t in conversation.turns
                ],
                "tickets": [
                    {
                        "ticket": t.number,
                        "created_at": t.created_at.isoformat(),
                        "reason": t.reason,
                        "summary": t.summary,
                        "transcript": t.transcript,
                        "emotions": t.emotions,
                        "status": t.status,
                    }
                    for t in conversation.tickets
                ],
            }

    def _session(self) -> _GuardedSession:
        return _GuardedSession(self)


class _GuardedSession:
    """A session that commits on success and turns database errors into
    :class:`StoreUnavailableError` with a message an operator can act on."""

    def __init__(self, store: Store):
        self.store = store
        self.session = Session(store.engine, expire_on_commit=False)

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, kind, error, trace) -> bool:
        try:
            if error is None:
                self.session.commit()
            else:
                self.session.rollback()
        except SQLAlchemyError as commit_error:
            self.session.rollback()
            error = commit_error
        finally:
            self.session.close()
        if isinstance(error, SQLAlchemyError):
            raise StoreUnavailableError(explain(error, self.store.url)) from error
        return False


PURGED = "[purged]"


@dataclass(frozen=True)
class Purged:
    conversations: int
    turns: int
    tickets: int


def audit_summary(audit: dict) -> dict:
    """What an auditor keeps of a purged turn's trace: no words, only decisions."""
    decision = audit.get("decision") or {}
    return {
        "purged": True,
        "schema": audit.get("schema"),
        "channel": audit.get("channel"),
        "action": decision.get("action"),
        "reason": decision.get("reason"),
        "intent": decision.get("intent"),
        "escalate_reason": decision.get("escalate_reason"),
        "citations": [c.get("faq_id") for c in decision.get("citations", [])],
        "pii": audit.get("pii", []),
        "injection": audit.get("injection", False),
        "scam_warning": bool((audit.get("risk") or {}).get("scam")),
    }


def past_turn(row: TurnRow) -> PastTurn:
    """A stored turn as the pipeline reads it; rows from an older Teller have no trace."""
    try:
        trace = TurnTrace.from_json(row.audit)
    except ValueError as error:  # another schema version, or not a trace
        log.debug("turn %s has no readable trace: %s", row.id, error)
        trace = None
    return PastTurn(row.customer_text, row.reply_text, row.action, row.intent, row.emotion, trace)


def explain(error: SQLAlchemyError, url: str) -> str:
    reason = str(getattr(error, "orig", error)) or type(error).__name__
    where = url.split("///", 1)[-1] if url.startswith("sqlite") else url.split("@")[-1]
    if "readonly" in reason or "read-only" in reason:
        return f"the conversation store {where} is read-only: {reason}"
    if "locked" in reason:
        return f"the conversation store {where} is locked by another process: {reason}"
    return f"the conversation store {where} is unavailable: {reason}"


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # purged text is overwritten, not left in free pages
    cursor.execute("PRAGMA busy_timeout=2000")
    cursor.close()


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
