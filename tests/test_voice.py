"""The voice channel on the real components: converted Whisper weights, Whisper, Silero
VAD, Piper and espeak-ng, the voice turn, ``teller ask --audio`` and ``teller call``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from bot.canned import NOT_CAUGHT
from bot.voice_turn import VoiceAssistant, hearing_of
from evals.call import run_call, summary
from evals.scripts import load_call
from evals.served import home_sharing_models
from evals.stored import database_bytes, leaked
from evals.wer import wer
from voice import tts
from voice.asr import Recognizer
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line
from voice.listen import Listener
from voice.vad import SpeechDetector
from voice.whisper_weights import WeightsError, matches_source, read_ct2, source_files

pytestmark = pytest.mark.slow
ALSA = Path("/usr/share/sounds/alsa")
UTTERANCES = Path(__file__).parent.parent / "evals" / "data" / "asr_utterances.yaml"
QUESTION = "I have lost my card and I need to cancel it today."


@pytest.fixture(scope="module")
def caller():
    return Caller(seed=3)


@pytest.fixture(scope="module")
def listener(settings):
    return Listener(Recognizer("base", settings.models_dir, "en"), SpeechDetector(), 60)


@pytest.fixture()
def voice_assistant(make_assistant, listener, settings):
    return VoiceAssistant(make_assistant(), listener, tts.load_voice("piper"), hearing_of(settings))


def test_converted_checkpoints_equal_the_packaged_tensors(settings):
    from voice.whisper_weights import whisper_checkpoint

    for name, layers in (("tiny.en", 4), ("base", 6)):
        checkpoint = torch.load(whisper_checkpoint(name, settings.models_dir), weights_only=True)
        data = b"".join(path.read_bytes() for path in source_files(name))
        assert checkpoint["dims"]["n_text_layer"] == layers
        assert matches_source(checkpoint, data)


def test_bad_weights_are_refused():
    with pytest.raises(WeightsError, match="format version"):
        read_ct2(b"\x05\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(WeightsError, match="unknown Whisper model"):
        source_files("large-v3")


@pytest.mark.parametrize("model", ["base", "tiny.en"])
def test_whisper_transcribes_piper_speech(settings, caller, model):
    ear = Listener(Recognizer(model, settings.models_dir, "en"), SpeechDetector(), 60)
    heard = ear.hear(caller.say(QUESTION, Line("piper")))
    assert wer([QUESTION], [heard.text]) <= 0.1
    assert heard.usable(settings.asr_min_logprob, settings.asr_max_no_speech)
    assert heard.confidence > 0.5 and heard.language == "en" and heard.cues is not None


def test_telephone_line_with_noise_is_still_understood(listener, caller):
    heard = listener.hear(caller.say(QUESTION, Line("piper", snr_db=20, telephone=True)))
    assert wer([QUESTION], [heard.text]) <= 0.2


def test_real_human_recording(listener):
    heard = listener.listen(ALSA / "Front_Center.wav")
    assert wer(["front center"], [heard.text]) == 0.0


@pytest.mark.parametrize("source", ["silence", "noise", "alsa-noise"])
def test_no_speech_gives_no_transcript(listener, settings, source):
    rng = np.random.default_rng(0)
    samples = {
        "silence": lambda: np.zeros(3 * SAMPLE_RATE, dtype=np.float32),
        "noise": lambda: rng.normal(0, 0.1, 3 * SAMPLE_RATE).astype(np.float32),
        "alsa-noise": lambda: listener.listen(ALSA / "Noise.wav"),
    }[source]()
    heard = samples if source == "alsa-noise" else listener.hear(samples)
    assert not heard.usable(settings.asr_min_logprob, settings.asr_max_no_speech)


def test_long_recording_is_split_and_fully_transcribed(listener, caller):
    said = [item["text"] for item in yaml.safe_load(UTTERANCES.read_text())[:9]]
    pause = np.zeros(SAMPLE_RATE, dtype=np.float32)
    recording = np.concatenate(
        [p for text in said for p in (caller.say(text, Line("piper")), pause)]
    )
    heard = listener.hear(recording)
    assert len(recording) / SAMPLE_RATE > 35  # more than one Whisper window
    assert wer([" ".join(said)], [heard.text]) <= 0.1


def test_piper_speaks_sentence_by_sentence():
    voice = tts.load_voice("piper")
    pieces = list(tts.speak(voice, "Your card is frozen. A new one is on its way! Anything else?"))
    assert voice.name.startswith("piper") and len(pieces) == 3
    assert all(len(p) > 0.3 * voice.sample_rate and np.abs(p).max() > 0.1 for p in pieces)
    assert np.array_equal(voice.synthesize("Hello."), voice.synthesize("Hello."))  # reproducible


def test_espeak_is_the_fallback_when_piper_cannot_load(monkeypatch):
    def broken():
        raise RuntimeError("voice file missing")

    monkeypatch.setattr(tts, "PiperVoice", broken)
    voice = tts.load_voice("piper")
    assert voice.name.startswith("espeak") and len(voice.synthesize("Hello there.")) > 1000
    with pytest.raises(tts.TtsError, match="unknown voice"):
        tts.load_voice("festival")


def test_voice_turn_answers_and_speaks(voice_assistant, caller):
    recording = wav_bytes(caller.say(QUESTION, Line("piper")), SAMPLE_RATE)
    turn = voice_assistant.turn(recording)
    data = turn.to_json("reply.wav")
    assert data["intent"] == "lost_or_stolen_card" and data["action"] == "answer"
    assert wer([QUESTION], [data["transcript"]]) <= 0.1
    assert data["asr"]["model"] == "base" and data["asr"]["confidence"] > 0.5
    assert len(turn.audio) / turn.sample_rate > 2.0
    assert {"decode", "vad", "asr", "first_audio", "total"} <= data["voice_latency_ms"].keys()
    stored = voice_assistant.assistant.store.history(turn.reply.session_id)
    assert stored[-1].trace.transcript.text == stored[-1].customer  # masked like the message
    assert wer([data["transcript"]], [stored[-1].customer]) == 0.0
    assert stored[-1].trace.channel == "voice"


def test_unusable_audio_asks_again_and_the_session_goes_on(voice_assistant, caller):
    silent = wav_bytes(np.zeros(2 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    first = voice_assistant.turn(silent)
    assert first.reply.answer == NOT_CAUGHT and first.reply.action == "clarify"
    assert len(first.audio) > 0
    session = first.reply.session_id
    broken = voice_assistant.turn(b"RIFF\x00\x00garbage", session)
    assert "could not be read as audio" in broken.reply.answer and broken.transcript is None
    spoken = wav_bytes(caller.say(QUESTION, Line("piper")), SAMPLE_RATE)
    answered = voice_assistant.turn(spoken, session)
    assert answered.reply.action == "answer"  # a lost card: the approved text, verbatim
    assert len(voice_assistant.assistant.store.history(session)) == 3


def test_voice_turn_on_the_real_llm(make_assistant, embedded_llm, listener, settings, caller):
    assistant = VoiceAssistant(
        make_assistant(embedded_llm), listener, tts.load_voice("piper"), hearing_of(settings)
    )
    turn = assistant.turn(wav_bytes(caller.say(QUESTION, Line("piper")), SAMPLE_RATE))
    assert turn.reply.intent == "lost_or_stolen_card" and turn.reply.grounded
    assert turn.timings_ms["first_audio"] <= turn.timings_ms["total"]
    assert len(turn.audio) / turn.sample_rate > 1.0


def test_call_simulation_end_to_end(tmp_path, voice_assistant):
    script = tmp_path / "call.yaml"
    script.write_text(
        "id: short-call\ntitle: Short call\nturns:\n"
        "  - say: I have lost my card and need to cancel it.\n"
        "    expect: {intent: lost_or_stolen_card, action: answer}\n"
        "  - say: Can I speak to a real person please?\n"
        "    telephone: true\n    snr_db: 25\n"
        "    expect: {intent: human_agent, action: escalate}\n"
    )
    record, audio = run_call(load_call(script), voice_assistant, Caller())
    assert [t["intent"] for t in record["turns"]] == ["lost_or_stolen_card", "human_agent"]
    assert record["turns_as_expected"] == 2 and record["wer"] <= 0.15
    assert record["turns"][1]["ticket"] and record["turns"][1]["line"]["telephone"]
    assert len(audio) / SAMPLE_RATE > 10
    assert "| 2 | Can I speak to a real person please?" in summary(record)


def teller(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TELLER_LLM": "extractive", "TELLER_HOME": str(home)}
    command = [str(Path(sys.executable).parent / "teller"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory, settings):
    """A Teller home sharing the built index and models, with its own database."""
    return home_sharing_models(settings.home, tmp_path_factory.mktemp("home"))


def test_cli_voice_turn_and_call(tmp_path, cli_home, caller):
    recording = tmp_path / "question.ogg"
    wav = tmp_path / "question.wav"
    wav.write_bytes(wav_bytes(caller.say(QUESTION, Line("piper")), SAMPLE_RATE))
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(wav), str(recording)], check=True)
    result = teller("ask", "--audio", str(recording), "--json", home=cli_home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "lost_or_stolen_card" and data["asr"]["language"] == "en"
    assert Path(data["reply_audio"]).stat().st_size > 20_000
    follow = teller(
        "ask", "--audio", str(wav), "--json", "--session", data["session_id"], home=cli_home
    )
    assert json.loads(follow.stdout)["session_id"] == data["session_id"]

    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"ID3 this is not really an mp3")
    refused = teller("ask", "--audio", str(bad), "--json", home=cli_home)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "could not be read as audio" in json.loads(refused.stdout)["error"]


def test_spoken_personal_data_is_not_stored(voice_assistant, caller):
    said = "Hello, my name is Priya Patel and my PIN is 4 8 2 1. I think someone has it."
    turn = voice_assistant.turn(wav_bytes(caller.say(said, Line("piper")), SAMPLE_RATE))
    heard = turn.transcript.text
    assert "Priya" in heard or "Patel" in heard  # Whisper heard it, so it could be stored
    url = voice_assistant.assistant.store.url
    secrets = ["Priya", "Patel", "4821", "4 8 2 1", "4, 8, 2, 1", "four eight two one"]
    assert leaked(secrets, database_bytes(url)) == []
    assert "[name]" in voice_assistant.assistant.store.history(turn.reply.session_id)[0].customer
