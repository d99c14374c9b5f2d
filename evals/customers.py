"""Simulated customers for the load test: threads that hold scripted conversations
(a question, then its follow-up, on one session) with Teller's JSON API, and now and
then send a spoken question instead, reading each reply for a few seconds.

Each customer starts on one replica. When a replica cannot be reached (a crash, a lost
machine), the same turn goes to the next one with the same signed session id, as a load
balancer would send it: the conversation goes on there. Every answered turn is kept
(conversation, endpoint, replica, latency) so the store can be checked for lost turns.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from evals import EVAL_DATA
from evals.measure import percentile_ms

CONVERSATIONS = yaml.safe_load((EVAL_DATA / "chat_turns.yaml").read_text(encoding="utf-8"))
READING_S = (2.0, 6.0)  # reading the reply, typing the next question
SPOKEN_SHARE = 1 / 6  # conversations that are one spoken question instead


@dataclass(frozen=True)
class Request:
    endpoint: str  # "chat" or "voice"
    ms: float
    error: str | None  # None when answered
    replica: int  # which replica answered (or failed)
    session_id: str | None = None  # the signed id the answer carried
    failover: bool = False  # sent again to another replica after a connection error
    busy: bool = False  # answered from the approved text at once (admission control)

    @property
    def conversation(self) -> str | None:
        """The conversation id inside the signed session id."""
        return self.session_id.split(".")[0] if self.session_id else None


class Customer(threading.Thread):
    """One simulated customer: conversations and spoken questions until told to stop."""

    def __init__(self, number: int, urls: Sequence[str], recording: Path, stop: threading.Event):
        super().__init__(name=f"customer-{number}", daemon=True)
        self.urls = list(urls)
        self.at = number % len(self.urls)  # the replica this customer talks to
        self.recording = recording.read_bytes()
        self.stop = stop
        self.random = random.Random(number)
        self.requests: list[Request] = []

    def run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while not self.stop.is_set():
                if self.random.random() < SPOKEN_SHARE:
                    self.send(client, "voice", None)
                else:
                    self.converse(client)

    def converse(self, client: httpx.Client) -> None:
        session_id = None
        for turn in self.random.choice(CONVERSATIONS)["turns"]:
            if self.stop.is_set():
                return
            answer = self.send(client, "chat", session_id, turn["text"])
            if answer is None:
                return
            session_id = answer.session_id

    def send(
        self, client: httpx.Client, endpoint: str, session_id: str | None, text: str = ""
    ) -> Request | None:
        """One turn, failing over to the next replica when this one cannot be reached;
        then a pause to read the reply. The answered request, or None."""
        failover = False
        started = time.perf_counter()  # the customer's wait, failing over included
        for _ in range(len(self.urls)):
            url = f"{self.urls[self.at]}/api/v1/{endpoint}"
            try:
                if endpoint == "chat":
                    response = client.post(url, json={"message": text, "session_id": session_id})
                else:
                    files = {"audio": ("question.wav", self.recording, "audio/wav")}
                    response = client.post(url, files=files)
            except httpx.TransportError:  # the replica is gone: the next one takes the turn
                self.at = (self.at + 1) % len(self.urls)
                failover = True
                continue
            ms = (time.perf_counter() - started) * 1000
            data = response.json() if response.status_code == 200 else {}
            error = None if data.get("answer") else f"HTTP {response.status_code}"
            request = Request(
                endpoint,
                ms,
                error,
                self.at,
                data.get("session_id"),
                failover,
                data.get("busy", False),
            )
            self.requests.append(request)
            self.stop.wait(self.random.uniform(*READING_S))
            return request if error is None else None
        self.requests.append(Request(endpoint, 0.0, "no replica reachable", self.at))
        return None


def swarm(urls: Sequence[str], users: int, seconds: float, recording: Path) -> list[Request]:
    """Run ``users`` customers for ``seconds``; every request they made."""
    stop = threading.Event()
    customers = [Customer(n, urls, recording, stop) for n in range(users)]
    for customer in customers:
        customer.start()
    stop.wait(seconds)
    stop.set()
    for customer in customers:
        customer.join(300)
    return [request for customer in customers for request in customer.requests]


def per_endpoint(requests: Sequence[Request]) -> dict:
    """Requests, failures and latency percentiles (answered requests) per endpoint."""
    report = {}
    for endpoint in sorted({r.endpoint for r in requests}):
        mine = [r for r in requests if r.endpoint == endpoint]
        answered_s = [r.ms / 1000 for r in mine if r.error is None]
        report[endpoint] = {
            "requests": len(mine),
            "failures": sum(r.error is not None for r in mine),
            "p50_ms": percentile_ms(answered_s, 50) if answered_s else 0.0,
            "p95_ms": percentile_ms(answered_s, 95) if answered_s else 0.0,
            "busy": sum(r.busy for r in mine),
        }
    return report
