"""Simulated customers for the load test (``teller bench load`` runs locust on this).

Each customer holds a conversation from the scripted chats (a question, then its
follow-up, on one session), and now and then sends a spoken question instead.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import yaml
from locust import HttpUser, between, task

DATA = Path(__file__).parent / "data"
CONVERSATIONS = yaml.safe_load((DATA / "chat_turns.yaml").read_text(encoding="utf-8"))
RECORDING = Path(os.environ.get("TELLER_LOAD_RECORDING", "question.wav"))


class Customer(HttpUser):
    wait_time = between(2, 6)  # reading the reply, typing the next question

    @task(5)
    def conversation(self) -> None:
        session_id = None
        for turn in random.choice(CONVERSATIONS)["turns"]:
            payload = {"message": turn["text"], "session_id": session_id}
            with self.client.post("/api/v1/chat", json=payload, catch_response=True) as reply:
                if reply.status_code != 200 or not reply.json().get("answer"):
                    reply.failure(f"HTTP {reply.status_code}: {reply.text[:200]}")
                    return
                session_id = reply.json()["session_id"]

    @task(1)
    def spoken_question(self) -> None:
        files = {"audio": ("question.wav", RECORDING.read_bytes(), "audio/wav")}
        with self.client.post("/api/v1/voice", files=files, catch_response=True) as reply:
            if reply.status_code != 200 or not reply.json().get("transcript"):
                reply.failure(f"HTTP {reply.status_code}: {reply.text[:200]}")
