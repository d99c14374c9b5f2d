"""Server-issued, signed sessions on a real SQLite store: only the id Teller issued
reaches a conversation, and only while it is in use."""

from __future__ import annotations

import stat
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.sessions import CustomerSession, SessionExpired, SessionRefused, Sessions, load_key
from bot.store import Conversation, Store, TurnRow
from bot.testing import DigitRedactor
from bot.trace import TurnTrace


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'teller.db'}", mask=DigitRedactor().mask)


@pytest.fixture()
def sessions(store, tmp_path):
    return Sessions(store, load_key(tmp_path / "home"), timedelta(minutes=30))


def test_an_issued_id_opens_its_conversation(sessions, store):
    issued = sessions.issue()
    store.add_turn(TurnTrace(issued.conversation_id, message="hello"))
    assert sessions.open(issued.token) == issued
    assert [t.customer for t in store.history(issued.conversation_id)] == ["hello"]


def tampered(issued: CustomerSession) -> str:
    """The issued id with the last character of its signature changed."""
    token = issued.token
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "forge",
    [
        lambda issued: issued.conversation_id,  # the bare id, without its signature
        lambda issued: str(uuid.uuid4()),  # an id the client made up
        lambda issued: f"{uuid.uuid4()}.{issued.token.rpartition('.')[2]}",  # another's signature
        tampered,
        lambda issued: issued.token[:-6],  # a truncated signature
        lambda issued: issued.token + "x",
        lambda issued: ".",
        lambda issued: "../../etc/passwd",
    ],
)
def test_an_id_teller_did_not_issue_is_refused(sessions, forge):
    with pytest.raises(SessionRefused, match="not issued by Teller"):
        sessions.open(forge(sessions.issue()))


def test_an_id_signed_with_another_key_is_refused(sessions, store, tmp_path):
    other = Sessions(store, load_key(tmp_path / "elsewhere"), timedelta(minutes=30))
    with pytest.raises(SessionRefused):
        sessions.open(other.issue().token)


def backdate(store: Store, age: timedelta) -> None:
    """Make every conversation and turn in ``store`` ``age`` old."""
    then = datetime.now(UTC).replace(tzinfo=None) - age
    with Session(store.engine) as session, session.begin():
        session.execute(update(TurnRow).values(created_at=then))
        session.execute(update(Conversation).values(created_at=then))


def test_an_idle_conversation_expires(sessions, store):
    issued = sessions.issue()
    store.add_turn(TurnTrace(issued.conversation_id, message="hello"))
    backdate(store, timedelta(minutes=31))
    with pytest.raises(SessionExpired, match="30 minutes without activity"):
        sessions.open(issued.token)


def test_a_signed_id_of_a_conversation_that_is_gone_is_refused(sessions):
    with pytest.raises(SessionExpired, match="no longer available"):
        sessions.open(sessions.sign(str(uuid.uuid4())))


def test_the_key_survives_a_restart_and_is_private(store, tmp_path):
    home = tmp_path / "home"
    issued = Sessions(store, load_key(home), timedelta(minutes=30)).issue()
    restarted = Sessions(store, load_key(home), timedelta(minutes=30))
    assert restarted.open(issued.token) == issued
    assert stat.S_IMODE((home / "session.key").stat().st_mode) == 0o600


def test_a_configured_key_is_shared_by_replicas(store, tmp_path):
    one = Sessions(store, load_key(tmp_path / "a", "shared-secret"), timedelta(minutes=5))
    two = Sessions(store, load_key(tmp_path / "b", "shared-secret"), timedelta(minutes=5))
    assert two.open(one.issue().token).conversation_id
