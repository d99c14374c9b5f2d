"""The JSON API in process (FastAPI's test client) on the real retriever, Whisper and
TTS with the extractive backend: shapes, sessions, validation, rate limiting, busy."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bot.voice_turn import VoiceAssistant, hearing_of
from ui.app import create_app
from ui.ratelimit import RateLimiter
from ui.services import Services
from voice import tts
from voice.asr import Recognizer
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line
from voice.listen import Listener
from voice.vad import SpeechDetector

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def voice_parts(settings):
    listener = Listener(Recognizer("base", settings.models_dir, "en"), SpeechDetector(), 60)
    return listener, tts.load_voice("piper")


@pytest.fixture()
def make_client(make_assistant, voice_parts, settings, tmp_path):
    def make(**overrides) -> tuple[TestClient, Services]:
        config = settings.model_copy(update={"home": tmp_path, "demo": True, **overrides})
        assistant = make_assistant()
        listener, voice = voice_parts
        services = Services(
            config, assistant, VoiceAssistant(assistant, listener, voice, hearing_of(config))
        )
        return TestClient(create_app(services)), services

    return make


@pytest.fixture()
def client(make_client):
    return make_client()[0]


def test_chat_answers_like_teller_ask_json(client):
    first = client.post("/api/v1/chat", json={"message": "How long does card delivery take?"})
    assert first.status_code == 200
    data = first.json()
    assert data["action"] == "answer" and data["citations"] and data["answer"]
    assert {"session_id", "intent", "emotion", "tone", "ticket", "hits"} <= data.keys()
    follow = client.post(
        "/api/v1/chat",
        json={"message": "I want to talk to a real person", "session_id": data["session_id"]},
    )
    assert follow.json()["session_id"] == data["session_id"]
    assert follow.json()["action"] == "escalate" and follow.json()["ticket"]


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
        ({"json": {"message": 42}}, 422),
        ({"json": {"text": "hello"}}, 422),
        ({"json": {"message": ""}}, 422),
        ({"json": {"message": "   "}}, 422),
        ({"json": {"message": "hi", "session_id": "../../etc/passwd"}}, 422),
        ({"json": {"message": "x" * 5000}}, 413),
    ],
)
def test_bad_chat_requests_are_refused_clearly(client, request_kwargs, status):
    response = client.post("/api/v1/chat", **request_kwargs)
    assert response.status_code == status
    assert response.json()["detail"]


def test_voice_turn_over_http(client):
    spoken = Caller().say("I have lost my card and need to cancel it.", Line("piper"))
    response = client.post(
        "/api/v1/voice",
        files={"audio": ("question.wav", wav_bytes(spoken, SAMPLE_RATE), "audio/wav")},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["intent"] == "lost_or_stolen_card" and "lost" in data["transcript"].lower()
    audio = client.get(data["reply_audio"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.content[:4] == b"RIFF" and len(audio.content) > 20_000


def test_bad_voice_requests_are_refused_clearly(make_client):
    client, _ = make_client(max_upload_mb=0.05)
    wrong_type = client.post("/api/v1/voice", files={"audio": ("a.txt", b"hello", "text/plain")})
    assert wrong_type.status_code == 415
    too_big = wav_bytes(np.zeros(SAMPLE_RATE * 3, dtype=np.float32), SAMPLE_RATE)
    oversized = client.post("/api/v1/voice", files={"audio": ("a.wav", too_big, "audio/wav")})
    assert oversized.status_code == 413
    corrupt = client.post("/api/v1/voice", files={"audio": ("a.mp3", b"ID3 garbage", "audio/mpeg")})
    assert corrupt.status_code == 422 and "could not be read" in corrupt.json()["detail"]
    missing = client.post("/api/v1/voice", data={"session_id": "abc"})
    assert missing.status_code == 422
    assert client.get("/api/v1/audio/..%2F..%2Fteller.db").status_code == 404


def test_each_client_is_rate_limited(make_client):
    client, _ = make_client(api_rate_per_minute=3)
    codes = [client.post("/api/v1/chat", json={"message": "hello"}).status_code for _ in range(3)]
    assert codes[0] == 200 and 429 in codes
    limited = client.post("/api/v1/chat", json={"message": "hello"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_rate_limiter_refills_over_time():
    limiter = RateLimiter(per_minute=60, burst=2)
    assert limiter.allow("a") == 0 and limiter.allow("a") == 0
    wait = limiter.allow("a")
    assert 0 < wait <= 1.0
    assert limiter.allow("b") == 0  # clients are limited separately


def test_a_full_queue_answers_busy(make_client):
    client, services = make_client(max_waiting_turns=1)
    release = threading.Event()
    entered = threading.Event()

    def hold_the_only_place():
        with services._one_turn(services.session(None)):
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_only_place)
    holder.start()
    entered.wait(10)
    try:
        busy = client.post("/api/v1/chat", json={"message": "hello"})
        assert busy.status_code == 503 and busy.headers["retry-after"]
    finally:
        release.set()
        holder.join()
    assert client.post("/api/v1/chat", json={"message": "hello"}).status_code == 200


def test_openapi_describes_the_api_and_no_cdn_docs_page(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/chat", "/api/v1/voice"} <= spec["paths"].keys()
    assert client.get("/docs").status_code == 404 or "swagger" not in client.get("/docs").text


def test_health_says_whether_start_up_work_is_running(make_client):
    client, services = make_client()
    assert client.get("/healthz").json() == {"status": "ok", "ready": True}
    services._background = [running := threading.Thread(target=threading.Event().wait, args=(5,))]
    running.start()
    assert client.get("/healthz").json() == {"status": "ok", "ready": False}
    running.join()
