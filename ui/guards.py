"""The server's edge, in front of everything it serves (the JSON API, the Gradio pages'
own endpoints, the console login): every POST is rate-limited per client, console
logins more strictly, and a request body is measured as it arrives, so nothing larger
than its limit is ever read whole or parsed."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from ui.ratelimit import RateLimiter

LOGIN_PATHS = ("/agent/login",)


async def refuse(send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


class EdgeGuard:
    """ASGI middleware: per-client rate limits on POSTs and body-size limits per path."""

    def __init__(
        self,
        app,
        rate: RateLimiter,
        login_rate: RateLimiter,
        max_body: Callable[[str], int],
    ):
        self.app = app
        self.rate = rate
        self.login_rate = login_rate
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        path = scope["path"]
        client = (scope.get("client") or ("unknown",))[0]
        limiter = self.login_rate if path.startswith(LOGIN_PATHS) else self.rate
        wait = limiter.allow(client)
        if wait:
            return await refuse(
                send,
                429,
                "Too many requests; please slow down.",
                {"Retry-After": str(math.ceil(wait))},
            )
        most = self.max_body(path)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > most):
            return await refuse(send, 413, f"The request is larger than {most:,} bytes.")
        received = 0
        started = refused = False

        async def measured_receive():
            nonlocal received, started, refused
            message = await receive()
            received += len(message.get("body", b""))
            if received > most and not refused:
                refused = True
                if not started:
                    started = True
                    await refuse(send, 413, f"The request is larger than {most:,} bytes.")
                return {"type": "http.disconnect"}  # the app stops reading here
            return message

        async def watched_send(message):
            nonlocal started
            if refused:  # the 413 already went out; whatever the app says now is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, measured_receive, watched_send)
        except Exception:
            if not refused:
                raise


class LoginLockout:
    """A console login check that locks a user name out after ``max_failures`` wrong
    passwords within ``window_s`` seconds, for the rest of that window (even for the
    right password)."""

    def __init__(
        self,
        check: Callable[[str, str], bool],
        max_failures: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.check = check
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def locked(self, user: str) -> bool:
        with self._lock:
            failures = self._failures[user]
            while failures and self.clock() - failures[0] > self.window_s:
                failures.popleft()
            return len(failures) >= self.max_failures

    def __call__(self, user: str, password: str) -> bool:
        if self.locked(user):
            return False
        if self.check(user, password):
            return True
        with self._lock:
            self._failures[user].append(self.clock())
        return False
