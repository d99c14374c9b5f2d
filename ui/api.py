"""The JSON API used by the web chat widget (and any bank system): ``/api/v1/...``.

The answers are exactly ``teller ask --json``'s objects, with ``session_id`` the signed
id the server issued (send it back to continue; anything else is refused with 403).
Input is validated at the door (types, message length, upload size and content type);
rate limits and body sizes are the edge guard's (:mod:`ui.guards`). The OpenAPI
description is served at ``/api/v1/openapi.json``; no docs page is served, because
FastAPI's loads its scripts from a CDN.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from bot.sessions import CustomerSession, SessionRefused
from ui.services import BusyError, Services

PREFIX = "/api/v1"
AUDIO_TYPES = ("audio/", "video/webm", "video/ogg", "application/octet-stream")
SESSION_PATTERN = r"^[A-Za-z0-9_.-]{1,128}$"


class ChatRequest(BaseModel):
    message: str = Field(min_length=1, description="The customer's message.")
    session_id: str | None = Field(
        None,
        pattern=SESSION_PATTERN,
        description="Continue this conversation: the signed id an earlier answer gave.",
    )


class Citation(BaseModel):
    faq_id: str
    title: str
    score: float


class TurnResponse(BaseModel, extra="allow"):
    """One turn, as ``teller ask --json`` prints it (more fields are included)."""

    answer: str
    session_id: str
    action: str
    intent: str | None
    emotion: str
    tone: str
    escalate: bool
    scam_warning: bool
    busy: bool = Field(description="The approved answer was given at once: Teller was busy.")
    ticket: str | None
    citations: list[Citation]


class VoiceResponse(TurnResponse):
    transcript: str
    reply_audio: str | None = Field(description="URL of the spoken reply (WAV).")


def api_router(services: Services) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["customer"])
    limit = services.settings.max_message_chars

    def refuse_if_unusable(reply) -> None:
        if reply.refused:
            raise HTTPException(422, detail=reply.refused)

    def session(session_id: str | None, channel: str) -> CustomerSession:
        try:
            return services.session(session_id, channel)
        except SessionRefused as refused:
            raise HTTPException(403, detail=str(refused)) from refused

    @router.post("/chat", response_model=TurnResponse)
    def chat(request: ChatRequest) -> dict:
        """One text turn."""
        if len(request.message) > limit:
            raise HTTPException(413, detail=f"Messages are limited to {limit} characters.")
        current = session(request.session_id, "text")
        reply = busy_guard(lambda: services.ask(request.message, current))
        refuse_if_unusable(reply)
        return {**reply.to_json(), "session_id": current.token}

    @router.post("/voice", response_model=VoiceResponse)
    def voice(
        audio: Annotated[UploadFile, File(description="WAV, MP3, OGG, WebM or FLAC.")],
        session_id: Annotated[str | None, Form(pattern=SESSION_PATTERN)] = None,
    ) -> dict:
        """One voice turn: the recording is transcribed and answered, in text and speech."""
        kind = (audio.content_type or "").lower()
        if not kind.startswith(AUDIO_TYPES):
            raise HTTPException(415, detail=f"Expected an audio file, got {kind or 'no type'}.")
        most = int(services.settings.max_upload_mb * 1024 * 1024)
        data = audio.file.read(most + 1)
        if len(data) > most:
            raise HTTPException(
                413, detail=f"Recordings are limited to {services.settings.max_upload_mb:g} MB."
            )
        current = session(session_id, "voice")
        turn, path = busy_guard(lambda: services.talk(data, current))
        refuse_if_unusable(turn.reply)
        return {**turn.to_json(f"{PREFIX}/audio/{path.name}"), "session_id": current.token}

    @router.get("/audio/{name}", response_class=FileResponse)
    def reply_audio(name: str) -> FileResponse:
        """A spoken reply written by ``/voice``."""
        path = services.reply_audio(name)
        if path is None:
            raise HTTPException(404, detail="No such reply audio.")
        return FileResponse(path, media_type="audio/wav")

    return router


def busy_guard(turn):
    try:
        return turn()
    except BusyError as error:
        raise HTTPException(503, detail=str(error), headers={"Retry-After": "30"}) from error
