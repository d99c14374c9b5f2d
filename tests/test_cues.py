"""Acoustic arousal cues, and their fusion with the text's emotion."""

import subprocess

import numpy as np
import pytest

from bot.emotion import CALM_LABELS, fuse
from bot.types import Emotion
from voice.audio import read_wav
from voice.cues import AcousticCues, acoustic_cues

RATE = 16000
FLAT_TEXT = "I would like to know where my card is"


def tone(frequency: float, seconds: float = 1.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def test_silence_has_no_cues():
    assert acoustic_cues(np.zeros(RATE, dtype=np.float32), RATE) is None
    assert acoustic_cues(np.zeros(10, dtype=np.float32), RATE) is None


def test_steady_tone_has_no_pitch_variability_and_louder_is_louder():
    quiet, loud = acoustic_cues(tone(200, level=0.03), RATE), acoustic_cues(tone(200), RATE)
    assert quiet.pitch_variability == pytest.approx(0.0, abs=0.05)
    assert loud.loudness_dbfs - quiet.loudness_dbfs == pytest.approx(20.0, abs=0.5)


def test_gliding_pitch_is_variable():
    t = np.arange(RATE) / RATE
    glide = (0.3 * np.sin(2 * np.pi * (120 * t + 100 * t**2))).astype(np.float32)
    assert acoustic_cues(glide, RATE).pitch_variability > 2.0


CALM = {"neutral": 0.7, "angry": 0.1, "anxious": 0.15, "sad": 0.02, "happy": 0.02,
        "confused": 0.01}  # fmt: skip


def test_fusion_rule():
    text = Emotion("neutral", 0.7, 0.0)
    agitated = AcousticCues(-10.0, 5.0, 7.5)
    flat = AcousticCues(-30.0, 1.0, 2.5)
    assert fuse(text, CALM, agitated) == Emotion("anxious", 0.15, 1.0)
    assert fuse(text, CALM, flat) == text
    angry = Emotion("angry", 0.8, 0.5)
    assert fuse(angry, CALM, flat).intensity == 0.25
    assert fuse(angry, CALM, agitated).intensity == 1.0


def speak(path, speed: int, amplitude: int, pitch: int) -> None:
    subprocess.run(
        [
            "espeak-ng",
            "-w",
            str(path),
            "-s",
            str(speed),
            "-a",
            str(amplitude),
            "-p",
            str(pitch),
            FLAT_TEXT,
        ],
        check=True,
    )


@pytest.mark.slow
def test_agitated_voice_moves_a_flat_text(tmp_path, emotion_model):
    speak(tmp_path / "flat.wav", 130, 60, 40)
    speak(tmp_path / "agitated.wav", 230, 200, 75)
    flat = acoustic_cues(*read_wav(tmp_path / "flat.wav"))
    agitated = acoustic_cues(*read_wav(tmp_path / "agitated.wav"))
    assert agitated.arousal > flat.arousal + 0.2
    calm = emotion_model.classify(FLAT_TEXT).label
    assert calm in CALM_LABELS
    assert emotion_model.classify(FLAT_TEXT, flat).label == calm
    moved = emotion_model.classify(FLAT_TEXT, agitated)
    assert moved.label in ("angry", "anxious")
    assert moved.intensity >= agitated.arousal
