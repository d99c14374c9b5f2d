"""A voice turn: recording in, spoken reply out.

    recording -> Listener (decode, VAD, Whisper, cues) -> Assistant.stream (the text turn)
              -> TTS sentence by sentence, as the reply's sentences are released

:meth:`VoiceAssistant.stream` hands each sentence's audio over as soon as it is
synthesised (the page plays it while the rest is written); :meth:`VoiceAssistant.turn`
waits for the whole reply.

Nothing heard, or heard too unsure, is not guessed at: the customer is asked to say it
again (and the turn is recorded). Timings cover every stage, and ``first_audio`` is the
time from the end of the customer's recording to the first sentence of reply audio.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.assistant import Assistant
from bot.canned import NOT_CAUGHT
from bot.events import Token
from bot.protocols import Listener
from bot.reply import Reply
from bot.sentences import split_sentences
from bot.settings import Settings
from bot.tone import TONES
from knowledge.corpus import Corpus
from voice.asr import Recognizer
from voice.audio import AudioError
from voice.listen import Listener as Ear
from voice.listen import Transcript
from voice.timing import Stopwatch
from voice.tts import RememberingVoice, Voice, load_voice
from voice.vad import SpeechDetector

PAUSE_S = 0.25  # silence between spoken sentences


@dataclass(frozen=True)
class Hearing:
    """When a transcript is sure enough to act on."""

    min_logprob: float = -1.0
    max_no_speech: float = 0.6


@dataclass
class VoiceReply:
    reply: Reply
    transcript: Transcript | None  # None when the recording itself was refused
    audio: np.ndarray  # the spoken reply
    sample_rate: int
    timings_ms: dict[str, float]

    def to_json(self, reply_audio: str | None = None) -> dict:
        """The text turn's JSON plus ``transcript``, ``asr``, ``reply_audio`` and the
        voice turn's stage timings."""
        data = self.reply.to_json()
        transcript = self.transcript
        data["transcript"] = transcript.text if transcript else ""
        data["asr"] = transcript.to_json() if transcript else None
        data["reply_audio"] = reply_audio
        data["voice_latency_ms"] = self.timings_ms
        return data


Ending = TypeVar("Ending")
Speech = Generator[np.ndarray, None, "VoiceReply"]  # each sentence's audio, then the reply


def spoken_whole(speech: Generator[np.ndarray, None, Ending]) -> Ending:
    """Run a voice turn that yields its audio sentence by sentence through to its end;
    what it returns."""
    while True:
        try:
            next(speech)
        except StopIteration as done:
            return done.value


class VoiceAssistant:
    def __init__(self, assistant: Assistant, listener: Listener, voice: Voice, hearing: Hearing):
        self.assistant = assistant
        self.listener = listener
        self.voice = voice
        self.hearing = hearing

    @property
    def sample_rate(self) -> int:
        """The rate of the reply audio."""
        return self.voice.sample_rate

    def learn(self) -> None:
        """Have a remembering voice say, ahead of time, what spoken replies start with."""
        if isinstance(self.voice, RememberingVoice):
            self.voice.learn(first_sentences(self.assistant.corpus), self.assistant.compute)

    def stop_learning(self) -> None:
        if isinstance(self.voice, RememberingVoice):
            self.voice.stopping.set()

    def turn(self, recording: bytes | Path, session_id: str | None = None) -> VoiceReply:
        """The whole voice turn, its reply audio complete."""
        return spoken_whole(self.stream(recording, session_id))

    def stream(self, recording: bytes | Path, session_id: str | None = None) -> Speech:
        """The voice turn, yielding each sentence's audio as soon as it is synthesised;
        returns the whole :class:`VoiceReply`."""
        watch = Stopwatch()
        try:
            with self.assistant.compute:
                heard = self.listener.listen(recording)
        except AudioError as error:
            reply = self.assistant.ask_again(session_id, str(error), rejected=True)
            return (yield from self._spoken(reply, None, watch))
        timings = dict(heard.timings_ms)
        if not heard.usable(self.hearing.min_logprob, self.hearing.max_no_speech):
            reply = self.assistant.ask_again(session_id, NOT_CAUGHT, transcript=heard)
            return (yield from self._spoken(reply, heard, watch, timings))
        return (yield from self._answer(heard, session_id, watch, timings))

    def _answer(
        self, heard: Transcript, session_id: str | None, watch: Stopwatch, timings: dict
    ) -> Speech:
        """Stream the text turn and speak each piece as it is released: every piece is
        one or more whole sentences."""
        speech = ReplyAudio(self.voice, self.assistant.compute, watch, timings)
        for event in self.assistant.stream(heard.text, session_id, heard):
            if isinstance(event, Token):
                timings.setdefault("first_token", watch.since_start())
                yield from speech.say(event.text)
            else:
                reply = event
        timings["understanding"] = reply.latency_ms.get("understanding", 0.0)
        return self._done(reply, heard, speech, watch, timings)

    def _spoken(
        self, reply: Reply, heard: Transcript | None, watch: Stopwatch, timings: dict | None = None
    ) -> Speech:
        timings = dict(timings or {})
        speech = ReplyAudio(self.voice, self.assistant.compute, watch, timings)
        yield from speech.say(reply.answer)
        return self._done(reply, heard, speech, watch, timings)

    def _done(
        self,
        reply: Reply,
        heard: Transcript | None,
        speech: ReplyAudio,
        watch: Stopwatch,
        timings: dict,
    ) -> VoiceReply:
        timings["total"] = watch.since_start()
        return VoiceReply(reply, heard, speech.audio(), self.voice.sample_rate, timings)


class ReplyAudio:
    """A reply's audio, built sentence by sentence (holding the CPU lock ``compute``);
    notes when the first one was ready."""

    def __init__(self, voice: Voice, compute: threading.Lock, watch: Stopwatch, timings: dict):
        self.voice, self.compute, self.watch, self.timings = voice, compute, watch, timings
        self.pieces: list[np.ndarray] = []

    def say(self, text: str) -> Generator[np.ndarray, None, None]:
        """Synthesise ``text`` sentence by sentence, yielding each sentence's audio."""
        for sentence in split_sentences(text):
            with self.compute:
                piece = self.voice.synthesize(sentence)
            self.pieces.append(piece)
            self.timings.setdefault("first_audio", self.watch.since_start())
            yield piece

    def audio(self) -> np.ndarray:
        if not self.pieces:
            return np.zeros(0, dtype=np.float32)
        pause = np.zeros(int(PAUSE_S * self.voice.sample_rate), dtype=np.float32)
        return np.concatenate([part for piece in self.pieces for part in (piece, pause)][:-1])


def build_voice_assistant(settings: Settings, assistant: Assistant) -> VoiceAssistant:
    """The voice turn on the settings' models, with a voice that remembers what it said
    (:meth:`VoiceAssistant.learn` has it say the usual first sentences ahead)."""
    language = None if settings.asr_language == "auto" else settings.asr_language
    recognizer = Recognizer(settings.asr_model, settings.models_dir, language)
    listener = Ear(recognizer, SpeechDetector(), settings.max_audio_s)
    voice = RememberingVoice(load_voice(settings.tts_voice))
    return VoiceAssistant(assistant, listener, voice, hearing_of(settings))


def first_sentences(corpus: Corpus) -> list[str]:
    """What spoken replies start with: the tone openings, then each entry's lead."""
    openings = [s for tone in TONES.values() for s in split_sentences(tone.opening)]
    leads = [split_sentences(entry.answer)[0] for entry in corpus.by_id.values()]
    return list(dict.fromkeys(openings + leads))


def hearing_of(settings: Settings) -> Hearing:
    return Hearing(settings.asr_min_logprob, settings.asr_max_no_speech)
