"""Audio in: decoding every accepted format, refusing bad recordings, VAD, the
simulated phone line, and word error rate."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from evals.wer import edit_distance, wer
from voice.audio import SAMPLE_RATE, AudioError, decode, read_wav, wav_bytes, write_wav
from voice.caller import add_noise, telephone_band
from voice.vad import WHISPER_WINDOW_S, Speech, SpeechDetector


def tone(seconds: float, hz: float = 440.0, rate: int = SAMPLE_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def convert(source, target) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), str(target)],
        check=True,
    )


@pytest.mark.parametrize("suffix", ["mp3", "ogg", "webm", "flac", "wav"])
def test_every_accepted_format_decodes_to_16k_mono(tmp_path, suffix):
    source = write_wav(tmp_path / "source.wav", tone(1.5, rate=22_050), 22_050)
    target = tmp_path / f"clip.{suffix}"
    convert(source, target)
    from_path, from_bytes = decode(target, 60), decode(target.read_bytes(), 60)
    assert abs(len(from_path) - 1.5 * SAMPLE_RATE) < 0.1 * SAMPLE_RATE
    assert np.array_equal(from_path, from_bytes)
    assert 0.15 < np.abs(from_path).max() <= 1.0


def test_stereo_is_mixed_to_mono(tmp_path):
    stereo = np.stack([tone(1.0), tone(1.0, 660)], axis=1)
    samples = decode(wav_bytes(stereo, SAMPLE_RATE, channels=2), 60)
    assert samples.ndim == 1 and len(samples) == SAMPLE_RATE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02 not audio at all \xff" * 50, "could not be read as audio"),
        ("Dear bank, please help.".encode("utf-16"), "could not be read as audio"),
    ],
)
def test_bad_recordings_get_a_clear_message(data, message):
    with pytest.raises(AudioError, match=message):
        decode(data, 60)


def test_too_long_recording_is_refused():
    long = wav_bytes(np.zeros(int(61 * SAMPLE_RATE), dtype=np.float32), SAMPLE_RATE)
    with pytest.raises(AudioError, match="longer than 60 seconds"):
        decode(long, 60)
    assert len(decode(long, 90)) == 61 * SAMPLE_RATE


def test_truncated_wav_still_decodes_what_is_there():
    data = wav_bytes(tone(2.0), SAMPLE_RATE)
    samples = decode(data[: len(data) // 2], 60)
    assert 0.5 * SAMPLE_RATE < len(samples) < 1.2 * SAMPLE_RATE


def test_wav_round_trip(tmp_path):
    path = write_wav(tmp_path / "a.wav", tone(0.5), SAMPLE_RATE)
    samples, rate = read_wav(path)
    assert rate == SAMPLE_RATE and np.allclose(samples, tone(0.5), atol=1e-4)


def test_speech_pieces_stay_within_whisper_window_and_keep_spans_whole():
    second = SAMPLE_RATE
    spans = tuple((i * 10 * second, i * 10 * second + 8 * second) for i in range(7))
    samples = np.zeros(70 * second, dtype=np.float32)
    pieces = Speech(spans).pieces(samples)
    assert all(len(p) <= WHISPER_WINDOW_S * second for p in pieces)
    assert sum(len(p) for p in pieces) >= sum(end - start for start, end in spans)
    assert len(pieces) == 3
    assert Speech(()).pieces(samples) == []


@pytest.fixture(scope="module")
def detector():
    return SpeechDetector()


def test_vad_finds_no_speech_in_silence_tone_or_noise(detector):
    rng = np.random.default_rng(1)
    assert detector.speech(np.zeros(3 * SAMPLE_RATE, dtype=np.float32)).spans == ()
    assert detector.speech(tone(3.0)).spans == ()
    noise = rng.normal(0, 0.05, 3 * SAMPLE_RATE).astype(np.float32)
    assert detector.speech(noise).spans == ()


def test_telephone_band_removes_high_and_low_frequencies():
    low, mid, high = tone(1.0, 100), tone(1.0, 1000), tone(1.0, 6000)
    for signal, kept in ((low, False), (mid, True), (high, False)):
        out = telephone_band(signal, SAMPLE_RATE)
        ratio = np.sqrt(np.mean(out[2000:-2000] ** 2) / np.mean(signal**2))
        assert (ratio > 0.8) if kept else (ratio < 0.2)


def test_noise_is_added_at_the_requested_ratio():
    clean = tone(2.0)
    noisy = add_noise(clean, 10.0, np.random.default_rng(0))
    snr = 10 * np.log10(np.mean(clean**2) / np.mean((noisy - clean) ** 2))
    assert abs(snr - 10.0) < 0.5


def test_word_error_rate():
    assert edit_distance(["a", "b", "c"], ["a", "x", "c", "d"]) == 2
    assert wer(["I lost my card"], ["i lost my card."]) == 0.0
    assert wer(["send fifty pounds"], ["Send £50"]) == 0.0
    assert wer(["my card is blocked"], ["my card blocked"]) == 0.25
