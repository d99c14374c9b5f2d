"""Server-issued, signed session ids.

A customer's conversation is reached only through the id the server issued for it:
``<conversation id>.<HMAC-SHA256 of it>``. An id the client made up, one whose
signature does not match, one for a conversation that no longer exists, and one idle
longer than the setting are all refused with a message that says which. The signing
key comes from the settings (shared by replicas) or is created once in Teller's home.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Store

KEY_FILE = "session.key"


class SessionRefused(ValueError):
    """The session id cannot be used; the message says why, in the customer's words."""


class SessionExpired(SessionRefused):
    """The conversation was idle too long."""


@dataclass(frozen=True)
class CustomerSession:
    token: str  # what the customer's client keeps and sends back
    conversation_id: str  # the store's key, never shown to the client on its own


def load_key(home: Path, configured: str | None = None) -> bytes:
    """The signing key: the configured one, or a random key created once in ``home``."""
    if configured:
        return configured.encode()
    path = home / KEY_FILE
    if not path.is_file():
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


class Sessions:
    def __init__(self, store: Store, key: bytes, idle: timedelta):
        self.store = store
        self.key = key
        self.idle = idle

    def sign(self, conversation_id: str) -> str:
        digest = hmac.new(self.key, conversation_id.encode(), hashlib.sha256).digest()
        return f"{conversation_id}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"

    def issue(self, channel: str = "text") -> CustomerSession:
        """A new conversation, and the signed id the customer's client keeps."""
        conversation_id = self.store.new_conversation(channel)
        return CustomerSession(self.sign(conversation_id), conversation_id)

    def resume(self, session_id: str | None, channel: str = "text") -> CustomerSession:
        """The session a client sent, or a new one if it sent none."""
        return self.open(session_id) if session_id else self.issue(channel)

    def open(self, session_id: str) -> CustomerSession:
        """The conversation behind a signed id, or :class:`SessionRefused`."""
        conversation_id, _, _ = session_id.rpartition(".")
        if not conversation_id or not hmac.compare_digest(self.sign(conversation_id), session_id):
            raise SessionRefused(
                "This conversation id was not issued by Teller or has been altered. "
                "Please start a new conversation."
            )
        last = self.store.last_active(conversation_id)
        if last is None:
            raise SessionExpired(
                "This conversation is no longer available. Please start a new one."
            )
        if datetime.now(UTC) - last > self.idle:
            minutes = round(self.idle.total_seconds() / 60)
            raise SessionExpired(
                f"This conversation ended after {minutes} minutes without activity. "
                "Please start a new one."
            )
        return CustomerSession(session_id, conversation_id)
