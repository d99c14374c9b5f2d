"""An adversarial OpenAI-compatible chat server on loopback: whatever it is asked, it
streams the next text of its script, cut into the pieces given (sub-word tokens), as
server-sent events, the way a real server streams a model's output."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class AdversarialServer:
    def __init__(self, replies: Iterable[Sequence[str]]):
        self.replies: deque[Sequence[str]] = deque(replies)
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> AdversarialServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                outer.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                pieces = outer.replies.popleft() if outer.replies else ["1"]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in pieces:
                    self._event({"content": piece}, None)
                self._event({}, "stop")
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, delta: dict, finish: str | None) -> None:
                chunk = {
                    "id": "chatcmpl-adversary",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": "adversary",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()

        return Handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
