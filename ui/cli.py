"""``teller serve``: the web app (customer page, agent console, API, widget)."""

from __future__ import annotations

import contextlib
import ctypes
from typing import Annotated

import typer

M_ARENA_MAX = -8  # glibc's mallopt parameter


def few_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives threads that allocate at once their own malloc arenas, up to 8 per
    core, and keeps their freed memory; with a thread per request, resident memory grows
    with the number of customers. Two arenas keep it flat at little cost in speed."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)


def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (TELLER_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (TELLER_PORT).")] = None,
) -> None:
    """Serve Teller at http://127.0.0.1:7860 (customer page, /agent, /api/v1, /widget)."""
    import uvicorn

    from bot.cli import settings as load_settings
    from bot.retention import RetentionSchedule
    from ui.app import create_app
    from ui.services import build_services

    settings = load_settings()
    host, port = host or settings.host, port or settings.port
    few_malloc_arenas()
    typer.echo("Loading Teller's models (index, encoders, LLM, Whisper, voice)…")
    services = build_services(settings)
    app = create_app(services)
    retention = RetentionSchedule(services.store, settings).start()
    services.start_background(warm_llm=settings.llm_warm and settings.llm == "embedded")
    typer.echo(
        f"Teller is ready at http://{host}:{port}/  ·  agent console /agent  ·  "
        f"widget example /widget/example.html  ·  API {host}:{port}/api/v1/openapi.json"
    )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        retention.stop()
        services.close()
