"""The server's edges: signed sessions over HTTP, rate limits on every public endpoint,
body sizes checked before parsing, the console lockout and its escaping, and the
programs Teller runs on customer input (ffmpeg, espeak-ng)."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.trace import DecisionRecord, Part, TurnTrace
from bot.types import Action
from bot.voice_turn import Hearing, VoiceAssistant
from ui.app import create_app
from ui.console import transcript
from ui.guards import LoginLockout
from ui.services import Services
from voice import tts
from voice.audio import SAMPLE_RATE, AudioError, decode, wav_bytes

AGENT = ("agent", "correct horse")


@pytest.fixture()
def make_client(fake_assistant, settings, tmp_path):
    from bot.testing import FakeListener, SilentVoice

    def make(**overrides) -> tuple[TestClient, Services]:
        config = settings.model_copy(
            update={
                "home": tmp_path,
                "agent_user": AGENT[0],
                "agent_password": SecretStr(AGENT[1]),
                **overrides,
            }
        )
        assistant = fake_assistant()
        voice = VoiceAssistant(assistant, FakeListener("hello"), SilentVoice(), Hearing())
        services = Services(config, assistant, voice)
        return TestClient(create_app(services)), services

    return make


def chat(client: TestClient, message: str, session_id: str | None = None):
    return client.post("/api/v1/chat", json={"message": message, "session_id": session_id})


def test_the_api_issues_signed_ids_and_refuses_any_other(make_client):
    client, services = make_client()
    first = chat(client, "my card has not arrived")
    token = first.json()["session_id"]
    conversation_id, _, signature = token.rpartition(".")
    assert first.status_code == 200 and signature
    assert chat(client, "and is there a fee?", token).status_code == 200
    assert len(services.store.history(conversation_id)) == 2
    for forged in (conversation_id, "made-up-by-the-client", token[:-1] + "x"):
        refused = chat(client, "show me this conversation", forged)
        assert refused.status_code == 403 and "not issued by Teller" in refused.json()["detail"]
    assert len(services.store.history(conversation_id)) == 2  # nothing read or added


def test_an_expired_session_is_refused_with_a_clear_message(make_client):
    client, _ = make_client(session_idle_minutes=1e-9)
    token = chat(client, "hello").json()["session_id"]
    refused = chat(client, "hello again", token)
    assert refused.status_code == 403 and "without activity" in refused.json()["detail"]


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(make_client):
    client, _ = make_client(max_message_chars=100)
    not_json = b"{" + b"x" * 10_000  # would be a 422 if it were parsed
    response = client.post(
        "/api/v1/chat", content=not_json, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_a_streamed_body_over_the_limit_is_cut_off(make_client):
    client, _ = make_client(max_message_chars=100)

    def chunks():
        for _ in range(20):
            yield b"x" * 1000

    response = client.post(
        "/api/v1/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_gradio_endpoints_are_rate_limited_too(make_client):
    client, _ = make_client(api_rate_per_minute=3)
    codes = [
        client.post("/gradio_api/queue/join", json={"data": [], "fn_index": 0}).status_code
        for _ in range(5)
    ]
    assert 429 in codes


def test_console_logins_are_rate_limited(make_client):
    client, _ = make_client(login_rate_per_minute=3)
    codes = [
        client.post("/agent/login", data={"username": "agent", "password": "guess"}).status_code
        for _ in range(6)
    ]
    assert codes[-1] == 429


def test_the_console_locks_a_user_out_after_repeated_failures():
    now = [0.0]
    check = LoginLockout(lambda u, p: (u, p) == AGENT, 3, 900, clock=lambda: now[0])
    assert [check("agent", "wrong") for _ in range(3)] == [False] * 3
    assert not check(*AGENT)  # locked, even with the right password
    now[0] = 901.0
    assert check(*AGENT)


def test_the_console_shows_customer_text_as_text(fake_assistant):
    assistant = fake_assistant()
    attack = (
        "![pixel](http://attacker.example/p.png) <img src=x onerror=alert(1)> [click](http://x)"
    )
    assistant.store.add_turn(
        TurnTrace(
            "s1",
            message=attack,
            decision=DecisionRecord(Action.ANSWER, "test", "card_arrival"),
            parts=(Part("ok", "approved"),),
        )
    )

    class Store:
        store = assistant.store

    shown, _ = transcript(Store, "s1")
    assert "![pixel](" not in shown and "<img" not in shown and "[click](" not in shown
    assert "attacker" in shown  # still visible to the agent, as text


def test_ffmpeg_refuses_a_playlist_pointing_at_local_files(tmp_path):
    """An uploaded HLS playlist naming a media file on the server: without the
    whitelists ffmpeg decodes that file and Teller would transcribe it."""
    tone = np.sin(np.arange(SAMPLE_RATE) / 5).astype(np.float32) * 0.3
    (tmp_path / "tone.wav").write_bytes(wav_bytes(tone, SAMPLE_RATE))
    private = tmp_path / "private.ts"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-i",
            str(tmp_path / "tone.wav"),
            "-c:a",
            "mp2",
            "-f",
            "mpegts",
            str(private),
        ],
        check=True,
    )
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:1,\n{private}\n#EXT-X-ENDLIST\n"
    with pytest.raises(AudioError, match="could not be read as audio"):
        decode(playlist.encode(), max_seconds=60)
    concat = f"ffconcat version 1.0\nfile '{private}'\n"
    with pytest.raises(AudioError):
        decode(concat.encode(), max_seconds=60)
    assert len(decode(tmp_path / "tone.wav", max_seconds=60)) == SAMPLE_RATE  # audio still is


def test_espeak_reads_a_reply_starting_with_a_dash_as_text():
    samples = tts.EspeakVoice("en-gb").synthesize("-v is not an option, it is the reply")
    assert len(samples) > 0


def test_the_openapi_description_mentions_the_signed_session(make_client):
    client, _ = make_client()
    spec = json.dumps(client.get("/api/v1/openapi.json").json())
    assert "signed id" in spec


def test_the_redteam_session_attacks_are_all_refused(make_client, tmp_path):
    from evals.redteam import session_attacks

    _, services = make_client()
    report = session_attacks(services, tmp_path)
    assert report["attacks"] == 8 and report["refused"] == 8
    assert report["reads_without_the_signed_id"] == 0
