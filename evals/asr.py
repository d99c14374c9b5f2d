"""``teller bench asr``: word error rate and speed of both Whisper models, and the
latency of a whole voice turn.

Sets: the synthetic banking utterances (``evals/data/asr_utterances.yaml``) spoken by
Piper and by espeak-ng, each clean and over the telephone band; and the real
recordings of :mod:`evals.recordings`. The real-time factor is recognition time (VAD
and Whisper) over audio duration. A voice turn is timed from the end of the caller's
recording to the first sentence of reply audio.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import yaml
from tqdm import tqdm

from bot.settings import Settings
from evals.measure import peak_memory_mb, percentile_ms
from evals.recordings import real_recordings
from evals.wer import wer
from voice.asr import Recognizer
from voice.audio import SAMPLE_RATE, decode, wav_bytes
from voice.caller import Caller, Line
from voice.listen import Listener
from voice.vad import SpeechDetector

DATA = Path(__file__).parent / "data" / "asr_utterances.yaml"
CONDITIONS = {
    "piper_clean": Line("piper"),
    "piper_telephone": Line("piper", telephone=True),
    "espeak_clean": Line("espeak:en-gb"),
    "espeak_telephone": Line("espeak:en-gb", telephone=True),
}
MODELS = ("base", "tiny.en")
LISTENING = ("decode", "vad", "asr", "cues")


def utterances(limit: int | None = None) -> list[str]:
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return [item["text"] for item in items][:limit]


def synthetic_sets(texts: list[str]) -> dict[str, list[np.ndarray]]:
    caller = Caller(seed=0)
    return {
        name: [caller.say(text, line) for text in tqdm(texts, desc=f"synthesise {name}")]
        for name, line in CONDITIONS.items()
    }


def score_model(listener: Listener, sets: dict[str, tuple[list[np.ndarray], list[str]]]) -> dict:
    """WER per set and the real-time factor over all of them."""
    result, compute_ms, audio_s = {}, 0.0, 0.0
    for name, (clips, texts) in sets.items():
        heard = []
        for clip in tqdm(clips, desc=f"{listener.recognizer.model_name} {name}"):
            transcript = listener.hear(clip)
            heard.append(transcript.text)
            compute_ms += transcript.timings_ms["vad"] + transcript.timings_ms["asr"]
            audio_s += len(clip) / SAMPLE_RATE
        result[name] = wer(texts, heard)
    return {"wer": result, "rtf": round(compute_ms / 1000 / audio_s, 3)}


def voice_turns(settings: Settings, clips: list[np.ndarray]) -> dict:
    """Latency of whole voice turns (each a new conversation) with the configured LLM."""
    from bot.factory import build_assistant
    from bot.voice_turn import build_voice_assistant

    assistant = build_voice_assistant(settings, build_assistant(settings))
    assistant.learn()  # as on a server up for a minute: the usual first sentences said
    assistant.turn(wav_bytes(clips[0], SAMPLE_RATE))  # warm-up, not counted
    timings = [
        assistant.turn(wav_bytes(clip, SAMPLE_RATE)).timings_ms
        for clip in tqdm(clips, desc="voice turns")
    ]
    first_audio_s = [t["first_audio"] / 1000 for t in timings]
    return {
        "voice_turn_p50_ms": percentile_ms(first_audio_s, 50),
        "voice_turn_p95_ms": percentile_ms(first_audio_s, 95),
        "voice_turn_breakdown_p50_ms": median_breakdown(timings),
        "voice_turns": len(timings),
    }


def median_breakdown(timings: list[dict]) -> dict:
    """Where a voice turn's time goes: listening stages, then the text turn until its
    first token, then the first sentence until its audio is ready."""
    stages = []
    for t in timings:
        listening = sum(t[stage] for stage in LISTENING)
        parts = {stage: t[stage] for stage in LISTENING}
        first_token = t.get("first_token", t["first_audio"])  # none when asked to repeat
        parts["to_first_token"] = first_token - listening
        parts["first_sentence_to_audio"] = t["first_audio"] - first_token
        stages.append(parts)
    return {key: round(statistics.median(s[key] for s in stages), 1) for key in stages[0]}


def run(settings: Settings, limit: int | None, turns: int, sdist_dir: Path) -> dict:
    texts = utterances(limit)
    synthetic = synthetic_sets(texts)
    sets = {name: (clips, texts) for name, clips in synthetic.items()}
    recordings = real_recordings(sdist_dir)
    if recordings:
        clips = [decode(r.data, settings.max_audio_s) for r in recordings]
        sets["real"] = (clips, [r.text for r in recordings])
    detector = SpeechDetector()
    language = None if settings.asr_language == "auto" else settings.asr_language
    report: dict = {"wer": {}, "rtf": {}}
    for model in MODELS:
        listener = Listener(Recognizer(model, settings.models_dir, language), detector, 60)
        scores = score_model(listener, sets)
        report["wer"][model] = scores["wer"]
        report["rtf"][model] = scores["rtf"]
    report["utterances"] = len(texts)
    report["real_recordings"] = [r.name for r in recordings]
    if turns:
        chosen = settings.model_copy(update={"asr_model": "base"})
        report |= voice_turns(chosen, synthetic["piper_clean"][:turns])
    report["peak_rss_mb"] = peak_memory_mb()
    return report
