"""What the web app serves from: one assistant with its voice, shared by the Gradio
pages and the JSON API.

Every turn arrives with the signed session id the server issued (or none, and a new
one is issued): :meth:`Services.session` is the one door a client's id passes through.

Turns of different conversations run at once, but they share the machine through two
doors: the assistant's CPU lock (encoders, Whisper, the voice: on 2 cores two at once
only slow each other) and the LLM's gate, whose admission control answers a turn from
the approved text at once when the model's queue is too long. The turns of one
conversation run in order. Past ``max_waiting_turns`` turns in flight, a new one is
refused at once as busy (HTTP 503) rather than left to time out.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from weakref import WeakValueDictionary

from bot.assistant import Assistant, final_reply
from bot.events import Token
from bot.reply import Reply
from bot.sessions import CustomerSession, Sessions, load_key
from bot.settings import Settings
from bot.voice_turn import Speech, VoiceAssistant, VoiceReply, spoken_whole
from voice.audio import write_wav


class BusyError(RuntimeError):
    """Too many turns are already waiting."""


class Services:
    def __init__(self, settings: Settings, assistant: Assistant, voice: VoiceAssistant):
        self.settings = settings
        self.assistant = assistant
        self.voice = voice
        secret = settings.session_secret
        self.sessions = Sessions(
            assistant.store,
            load_key(settings.home, secret.get_secret_value() if secret else None),
            timedelta(minutes=settings.session_idle_minutes),
        )
        self.replies_dir = settings.replies_dir
        self._in_flight = threading.BoundedSemaphore(settings.max_waiting_turns)
        self._conversations: WeakValueDictionary[str, threading.Lock] = WeakValueDictionary()
        self._guard = threading.Lock()  # over _conversations
        self._background: list[threading.Thread] = []

    def start_background(self, warm_llm: bool) -> None:
        """A server's start-up work, in the background: the LLM shown every entry
        (``warm_llm``), and the voice saying the usual first sentences."""
        jobs = [self.assistant.warm] if warm_llm else []
        jobs.append(self.voice.learn)
        self._background = [threading.Thread(target=job, daemon=True) for job in jobs]
        for thread in self._background:
            thread.start()

    def ready(self) -> bool:
        """No start-up work is still running: turns are as fast as they get."""
        return not any(thread.is_alive() for thread in self._background)

    def close(self, wait_s: float = 30.0) -> None:
        """Stop the start-up work and wait for it: a process must not exit while a
        thread is inside a model's native code."""
        self.assistant.stopping.set()
        self.voice.stop_learning()
        for thread in self._background:
            thread.join(wait_s)

    @property
    def store(self):
        return self.assistant.store

    @contextmanager
    def _one_turn(self, session: CustomerSession):
        """A place for one turn of ``session``'s conversation, after its earlier turns."""
        if not self._in_flight.acquire(blocking=False):
            raise BusyError("Teller is busy right now; please try again in a minute.")
        try:
            with self._guard:
                lock = self._conversations.setdefault(session.conversation_id, threading.Lock())
            with lock:
                yield
        finally:
            self._in_flight.release()

    def session(self, session_id: str | None, channel: str = "text") -> CustomerSession:
        """The client's signed session, or a new one; :class:`bot.sessions.SessionRefused`
        for an id Teller did not issue, an altered one, or an expired one."""
        return self.sessions.resume(session_id, channel)

    def chat(self, message: str | bytes, session: CustomerSession) -> Iterator[Token | Reply]:
        """A text turn, streamed."""
        with self._one_turn(session):
            yield from self.assistant.stream(message, session.conversation_id)

    def ask(self, message: str | bytes, session: CustomerSession) -> Reply:
        return final_reply(self.chat(message, session))

    def talk(self, recording: bytes | Path, session: CustomerSession) -> tuple[VoiceReply, Path]:
        """A voice turn; the spoken reply is written to a WAV file under ``replies_dir``."""
        turn = spoken_whole(self.talk_streaming(recording, session))
        name = f"{uuid.uuid4().hex}.wav"
        return turn, write_wav(self.replies_dir / name, turn.audio, turn.sample_rate)

    def talk_streaming(self, recording: bytes | Path, session: CustomerSession) -> Speech:
        """A voice turn, yielding each sentence's audio as it is ready; returns the turn."""
        with self._one_turn(session):
            return (yield from self.voice.stream(recording, session.conversation_id))

    def reply_audio(self, name: str) -> Path | None:
        """A written reply by file name (nothing outside ``replies_dir``)."""
        path = self.replies_dir / Path(name).name
        return path if path.suffix == ".wav" and path.is_file() else None


def build_services(settings: Settings) -> Services:
    from bot.factory import build_assistant
    from bot.voice_turn import build_voice_assistant

    assistant = build_assistant(settings)
    return Services(settings, assistant, build_voice_assistant(settings, assistant))
