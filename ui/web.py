"""The customer's page: a text channel and a voice channel on one conversation.

The signed session id the server issued lives in the browser's local storage, so a
reload (or a server restart) brings the conversation back from the audit store; an id
the server did not issue, or one idle too long, starts a new conversation instead.
Replies stream; each shows its approved sources (expandable), the emotion Teller read
and the tone it chose, and a handoff notice with the ticket when a colleague takes over.
"""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from bot.events import Token
from bot.reply import Reply
from bot.sessions import SessionRefused
from ui.services import BusyError, Services
from voice.audio import wav_bytes

STAGES = ("decode", "vad", "asr", "first_token", "first_audio", "total")


def status_markdown(reply: Reply) -> str:
    text = f"You seem **{reply.emotion.label}** · Teller's tone: **{reply.tone}**"
    if reply.ticket:
        text += (
            f"\n\n> **Handed over to a colleague.** Your reference is **{reply.ticket}**; "
            "they can see this conversation."
        )
    if reply.scam_warning:
        text += "\n\n> **Warning: this looks like a scam.** Don't move money or share codes."
    if reply.busy:
        text += (
            "\n\n> Teller is very busy, so this is the bank's approved answer, given at once"
            " rather than tailored to your question."
        )
    return text


def sources_html(services: Services, reply: Reply) -> str:
    """Each cited approved entry, expandable to its full text."""
    blocks = []
    for citation in reply.citations:
        entry = services.assistant.corpus.by_id.get(citation.faq_id)
        body = html.escape(entry.answer) if entry else ""
        blocks.append(
            f'<details class="teller-source"><summary>Source: {html.escape(citation.title)} '
            f"<small>({html.escape(citation.faq_id)}, score {citation.score:.2f})</small>"
            f"</summary><p>{body}</p></details>"
        )
    return "\n".join(blocks)


def current_session(services: Services, token: str | None, channel: str):
    """The browser's session, or a new one and the reason the old one could not go on."""
    try:
        return services.session(token, channel), None
    except SessionRefused as refused:
        return services.session(None, channel), str(refused)


def customer_app(services: Services) -> gr.Blocks:
    def restore(token: str | None):
        """On page load: the stored conversation of this browser (or a new session),
        then the input opens, so nothing is sent before the session is known."""
        ready = gr.Textbox(interactive=True, placeholder="Type your question…")
        session, notice = current_session(services, token, "text")
        messages = [{"role": "assistant", "content": notice}] if notice else []
        for turn in services.store.history(session.conversation_id):
            messages += [
                {"role": "user", "content": turn.customer},
                {"role": "assistant", "content": turn.reply},
            ]
        return messages, session.token, ready

    def respond(message: str, messages: list, token: str | None):
        if not message.strip():
            yield messages, "", token, gr.skip(), gr.skip()
            return
        session, notice = current_session(services, token, "text")
        if notice:
            messages = [{"role": "assistant", "content": notice}]
        messages = [*messages, {"role": "user", "content": message}]
        text = ""
        try:
            for event in services.chat(message, session):
                if isinstance(event, Token):
                    text += event.text
                    shown = [*messages, {"role": "assistant", "content": text}]
                    yield shown, "", session.token, gr.skip(), gr.skip()
                else:
                    reply = event
        except BusyError as error:
            yield (
                [*messages, {"role": "assistant", "content": str(error)}],
                message,
                session.token,
                gr.skip(),
                gr.skip(),
            )
            return
        messages.append({"role": "assistant", "content": reply.answer})
        yield messages, "", session.token, status_markdown(reply), sources_html(services, reply)

    def talk(recording: str | None, messages: list, token: str | None):
        """A voice turn: each sentence's audio plays as soon as it is ready, then the
        conversation, the transcript and the timings are shown."""
        session, notice = current_session(services, token, "voice")
        if notice:
            messages = [{"role": "assistant", "content": notice}]
        if not recording:
            ask_first = "Please record or upload your question first."
            yield messages, "", ask_first, None, [], session.token
            return
        speech = services.talk_streaming(Path(recording), session)
        try:
            while True:
                piece = next(speech)
                audio = wav_bytes(piece, services.voice.sample_rate)
                yield gr.skip(), gr.skip(), gr.skip(), audio, gr.skip(), session.token
        except StopIteration as done:
            turn = done.value
        except BusyError as error:
            yield messages, "", str(error), None, [], session.token
            return
        reply = turn.reply
        heard = turn.transcript.text if turn.transcript else ""
        messages = [
            *messages,
            {"role": "user", "content": f"(spoken) {heard or 'not understood'}"},
            {"role": "assistant", "content": reply.answer},
        ]
        timings = [[stage, turn.timings_ms[stage]] for stage in STAGES if stage in turn.timings_ms]
        answer = f"{reply.answer}\n\n{status_markdown(reply)}"
        yield messages, heard, answer, gr.skip(), timings, session.token

    def new_conversation():
        return [], services.session(None).token, "", ""

    with gr.Blocks(title="Lindenbrook Bank · Teller") as page:
        session = gr.BrowserState(None, storage_key="teller-session")
        gr.Markdown(
            "## Lindenbrook Bank · Teller\n"
            "Ask about cards, payments, transfers, your account, savings and loans. "
            "Never share your full card number, PIN or passcodes."
        )
        chatbot = gr.Chatbot(label="Conversation", height=380, elem_id="teller-chat")
        status = gr.Markdown(elem_id="teller-status")
        sources = gr.HTML(elem_id="teller-sources")
        with gr.Tab("Type"), gr.Row():
            box = gr.Textbox(
                placeholder="Loading…",
                interactive=False,
                show_label=False,
                scale=5,
                elem_id="teller-input",
            )
            send = gr.Button("Send", variant="primary", scale=1, elem_id="teller-send")
        with gr.Tab("Speak", elem_id="teller-voice-tab"):
            recording = gr.Audio(
                sources=["microphone", "upload"],
                type="filepath",
                label="Your question",
                elem_id="teller-recording",
            )
            ask = gr.Button("Send recording", variant="primary", elem_id="teller-ask")
            heard = gr.Textbox(label="We heard", interactive=False, elem_id="teller-transcript")
            answer = gr.Markdown(elem_id="teller-voice-answer")
            spoken = gr.Audio(  # streamed: each sentence plays as soon as it is spoken
                label="Teller says",
                autoplay=True,
                interactive=False,
                streaming=True,
                sources=["microphone"],  # (Gradio streams only such audio components)
                elem_id="teller-reply-audio",
            )
            timings = gr.Dataframe(headers=["stage", "ms"], label="Timings", interactive=False)
        new = gr.Button("New conversation", elem_id="teller-new")

        page.load(
            restore, inputs=session, outputs=[chatbot, session, box], api_visibility="private"
        )
        chat_outputs = [chatbot, box, session, status, sources]
        box.submit(respond, [box, chatbot, session], chat_outputs, api_name="chat")
        send.click(respond, [box, chatbot, session], chat_outputs, api_visibility="private")
        voice_outputs = [chatbot, heard, answer, spoken, timings, session]
        ask.click(talk, [recording, chatbot, session], voice_outputs, api_name="voice")
        # Barge-in: a new recording (spoken or uploaded) stops the reply that is playing.
        for begins in (recording.start_recording, recording.upload):
            begins(lambda: None, outputs=spoken, api_visibility="private")
        new.click(
            new_conversation,
            outputs=[chatbot, session, status, sources],
            api_visibility="private",
        )
    return page
