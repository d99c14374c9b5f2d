"""The conversation store on a real SQLite database: WAL, export, faults, kill -9."""

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from bot.store import Store, StoreUnavailableError
from bot.testing import DigitRedactor
from bot.trace import DecisionRecord, Part, Ticket, TurnTrace
from bot.types import Action
from evals.stored import database_bytes

MASK = DigitRedactor().mask


def url(path) -> str:
    return f"sqlite:///{path}"


def trace_of(session: str, text: str, ticket: Ticket | None = None) -> TurnTrace:
    return TurnTrace(
        session,
        message=text,
        decision=DecisionRecord(Action.ANSWER, "test", "card_arrival"),
        parts=(Part(f"reply to {text}", "approved"),),
        ticket=ticket,
    )


def add(store: Store, session: str, text: str, ticket: Ticket | None = None) -> None:
    store.add_turn(trace_of(session, text, ticket))


def test_turns_are_kept_in_order_and_exported(tmp_path):
    store = Store(url(tmp_path / "t.db"), mask=MASK)
    session = store.new_conversation()
    for text in ("first", "second", "third"):
        add(store, session, text)
    history = store.history(session)
    assert [t.customer for t in history] == ["first", "second", "third"]
    assert [t.reply for t in history] == ["reply to first", "reply to second", "reply to third"]
    assert history[0].trace == trace_of(session, "first")
    exported = store.export(session)
    assert [t["customer"] for t in exported["turns"]] == ["first", "second", "third"]
    assert TurnTrace.from_json(exported["turns"][0]["audit"]) == trace_of(session, "first")
    json.dumps(exported)  # JSON-ready


def test_ticket_is_stored_with_its_turn(tmp_path):
    store = Store(url(tmp_path / "t.db"), mask=MASK)
    ticket = Ticket("LB-ABC234", "customer_request", "s", (("customer", "agent"),), ("angry",))
    add(store, "s1", "agent please", ticket)
    assert [t.number for t in store.tickets()] == ["LB-ABC234"]
    exported = store.export("s1")["tickets"][0]
    assert exported["emotions"] == ["angry"]
    assert exported["transcript"] == [{"role": "customer", "text": "agent"}]


def test_unknown_conversation_exports_nothing(tmp_path):
    assert Store(url(tmp_path / "t.db"), mask=MASK).export("nope") is None


def test_wal_journal(tmp_path):
    Store(url(tmp_path / "t.db"), mask=MASK).new_conversation()
    mode = sqlite3.connect(tmp_path / "t.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_read_only_database_is_a_clear_error_and_keeps_data(tmp_path):
    path = tmp_path / "t.db"
    writable = Store(url(path), mask=MASK)
    add(writable, "s1", "kept")
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true", mask=MASK)
    with pytest.raises(StoreUnavailableError, match="read-only"):
        add(read_only, "s1", "lost")
    assert [t.customer for t in read_only.history("s1")] == ["kept"]


def test_locked_database_is_a_clear_error_and_keeps_data(tmp_path):
    path = tmp_path / "t.db"
    store = Store(url(path), mask=MASK)
    add(store, "s1", "kept")
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailableError, match="locked"):
            add(store, "s1", "blocked")
    finally:
        locker.rollback()
        locker.close()
    assert [t.customer for t in store.history("s1")] == ["kept"]


CRASH = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy.orm import Session
    from bot.store import Store, TurnRow
    from bot.testing import DigitRedactor
    from bot.trace import TurnTrace
    store = Store(sys.argv[1], mask=DigitRedactor().mask)
    for i in range(3):
        store.add_turn(TurnTrace("s1", message=f"turn {i}"))
    with Session(store.engine) as session:
        session.add(TurnRow(conversation_id="s1", position=3, customer_text="half",
                         reply_text="x" * 200000, action="answer", intent=None,
                         emotion="neutral", audit={"big": "y" * 200000}))
        session.flush()
        print("mid-turn", flush=True)
        time.sleep(60)
    """
)


def test_kill_9_mid_turn_loses_nothing_stored(tmp_path):
    path = tmp_path / "t.db"
    process = subprocess.Popen(
        [sys.executable, "-c", CRASH, url(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "mid-turn"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    turns = Store(url(path), mask=MASK).history("s1")
    assert [t.customer for t in turns] == ["turn 0", "turn 1", "turn 2"]


def test_purge_removes_old_words_and_keeps_the_audit(tmp_path):
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "t.db"
    store = Store(url(path), mask=MASK)
    ticket = Ticket("LB-OLD001", "customer_request", "wants a person", (("customer", "x"),), ())
    add(store, "old", "my old complaint about the branch", ticket)
    add(store, "new", "my new question about the app")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE turns SET created_at = ? WHERE conversation_id = 'old'",
            ((datetime.now(UTC) - timedelta(days=100)).replace(tzinfo=None).isoformat(" "),),
        )
    done = store.purge(datetime.now(UTC) - timedelta(days=90))
    assert (done.conversations, done.turns, done.tickets) == (1, 1, 1)
    old = store.export("old")
    assert old["turns"][0]["customer"] == "[purged]" and old["turns"][0]["audit"]["purged"]
    assert old["turns"][0]["audit"]["intent"] == "card_arrival"
    assert old["tickets"][0]["ticket"] == "LB-OLD001" and old["tickets"][0]["transcript"] == []
    assert store.export("new")["turns"][0]["customer"] == "my new question about the app"
    on_disk = database_bytes(url(path))
    assert b"old complaint" not in on_disk and b"new question" in on_disk
    assert store.purge(datetime.now(UTC) - timedelta(days=90)).turns == 0  # idempotent


def test_old_reply_audio_and_uploads_are_deleted(tmp_path, settings):
    import os
    import time

    from bot.retention import clean

    config = settings.model_copy(update={"home": tmp_path, "reply_audio_hours": 24})
    old_reply = config.replies_dir / "old.wav"
    old_upload = config.uploads_dir / "abc123" / "question.webm"
    fresh = config.replies_dir / "fresh.wav"
    for path in (old_reply, old_upload, fresh):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF")
    day_and_a_bit = time.time() - 25 * 3600
    for path in (old_reply, old_upload):
        os.utime(path, (day_and_a_bit, day_and_a_bit))
    done = clean(Store(url(tmp_path / "t.db"), mask=MASK), config)
    assert done.files == 2 and fresh.exists()
    assert not old_reply.exists() and not old_upload.parent.exists()


def test_teller_s_own_identifiers_are_never_masked(tmp_path):
    store = Store(url(tmp_path / "t.db"), mask=MASK)
    digits_only = "12345678-1234-1234-1234-123456789012"  # a uuid that looks like a card
    ticket = Ticket("LB-123456", "customer_request", "s", (("customer", "x"),), ())
    store.add_turn(replace(trace_of(digits_only, "hello", ticket), reference="LB-123456"))
    [past] = store.history(digits_only)
    assert past.trace.session_id == digits_only and past.trace.reference == "LB-123456"
