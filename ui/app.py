"""One server for everything customer- and agent-facing:

    /                 the customer page (Gradio: text and voice)
    /agent            the agent console (Gradio, behind a login)
    /api/v1/...       the JSON API of the web chat widget
    /widget/...       the widget script and an example page that embeds it
    /healthz          liveness

Every POST passes the edge guard (:mod:`ui.guards`): per-client rate limits, a stricter
one on console logins, and body sizes checked before anything is parsed.

Nothing it serves loads anything from another host (Gradio's fonts are bundled;
FastAPI's CDN-hosted docs page is off).
"""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from ui.api import PREFIX, api_router
from ui.console import closed_console, console_app, console_login
from ui.guards import EdgeGuard, LoginLockout
from ui.ratelimit import RateLimiter
from ui.services import Services
from ui.web import customer_app

STATIC_DIR = Path(__file__).parent / "static"
CSS = ".teller-source { margin: 0.3em 0; } .teller-source summary { cursor: pointer; }"


def create_app(services: Services) -> FastAPI:
    settings = services.settings
    # Gradio keeps uploads here; the retention schedule deletes them with reply audio.
    os.environ["GRADIO_TEMP_DIR"] = str(settings.uploads_dir)
    app = FastAPI(
        title="Teller API",
        version="1",
        description="Customer-service turns for the web chat widget and bank systems.",
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{PREFIX}/openapi.json",
    )
    if settings.widget_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.widget_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )
    app.include_router(api_router(services))

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict:
        """Alive; ``ready``: the start-up work in the background is done (the LLM has
        every entry's prompt state, the voice its first sentences): turns are fastest."""
        return {"status": "ok", "ready": services.ready()}

    app.mount("/widget", StaticFiles(directory=STATIC_DIR), name="widget")
    login = console_login(settings)
    if login:
        login = LoginLockout(
            login, settings.login_max_failures, settings.login_lockout_minutes * 60
        )
    console = console_app(services) if login else closed_console()
    upload = int(settings.max_upload_mb * 1024 * 1024)
    chat_body = settings.max_message_chars * 4 + 4096  # UTF-8 text and its JSON

    def max_body(path: str) -> int:
        return chat_body if path == f"{PREFIX}/chat" else upload + 65536

    app.add_middleware(
        EdgeGuard,
        rate=RateLimiter(settings.api_rate_per_minute),
        login_rate=RateLimiter(settings.login_rate_per_minute),
        max_body=max_body,
    )
    gr.mount_gradio_app(
        app, console, path="/agent", auth=login, ssr_mode=False, max_file_size=upload, css=CSS
    )
    customer = customer_app(services).queue(
        default_concurrency_limit=settings.max_waiting_turns, max_size=settings.max_waiting_turns
    )
    gr.mount_gradio_app(app, customer, path="/", ssr_mode=False, max_file_size=upload, css=CSS)
    return app
