"""The agent console: the handoff queue, any conversation with its per-turn audit, and
analytics. Served behind a login (see :func:`console_login`)."""

from __future__ import annotations

import hmac
import html
import json
import re

import gradio as gr
import pandas as pd

from bot.analytics import analytics
from bot.settings import Settings
from ui.services import Services

DEMO_LOGIN = ("demo", "demo")


def console_login(settings: Settings):
    """The login check from settings: TELLER_AGENT_USER and TELLER_AGENT_PASSWORD, or
    demo / demo in demo mode only. None: no login configured, the console is closed."""
    if settings.agent_user and settings.agent_password:
        expected = (settings.agent_user, settings.agent_password.get_secret_value())
    elif settings.demo:
        expected = DEMO_LOGIN
    else:
        return None

    def check(user: str, password: str) -> bool:
        return hmac.compare_digest(user.encode(), expected[0].encode()) & hmac.compare_digest(
            password.encode(), expected[1].encode()
        )

    return check


def queue_rows(services: Services) -> list[list]:
    return [
        [
            t.number,
            t.created_at.isoformat(timespec="seconds"),
            t.reason,
            t.summary,
            " → ".join(t.emotions),
            t.conversation_id,
        ]
        for t in services.store.tickets()
    ]


def conversation_rows(services: Services) -> list[list]:
    return [
        [c["session_id"], c["channel"], c["started"], c["turns"], c["ticket"] or ""]
        for c in services.store.conversations()
    ]


MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def plain(text: str) -> str:
    """Customer (or model) text shown as itself: no HTML, links, images or formatting."""
    return MARKDOWN_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))


def transcript(services: Services, session_id: str) -> tuple[str, dict]:
    """A conversation as Markdown, and its per-turn audit."""
    record = services.store.export(session_id.strip()) if session_id else None
    if record is None:
        return "No conversation with that session id.", {}
    lines = [f"### Conversation {plain(record['session_id'])} ({record['channel']})"]
    for turn in record["turns"]:
        lines += [
            f"**Customer:** {plain(turn['customer'])}",
            f"**Teller** ({turn['action']}, {turn['intent'] or 'no intent'}, "
            f"{turn['emotion']}): {plain(turn['reply'])}",
            "",
        ]
    for ticket in record["tickets"]:
        lines.append(
            f"> Ticket **{ticket['ticket']}** ({ticket['reason']}): {plain(ticket['summary'])}"
        )
    audits = {f"turn {t['position'] + 1}": t["audit"] for t in record["turns"]}
    return "\n\n".join(lines), json.loads(json.dumps(audits, default=str))


def bars(rows: list[tuple], columns: list[str]) -> gr.BarPlot:
    """A bar chart's data, its value axis starting at zero."""
    top = max((row[1] for row in rows), default=0)
    return gr.BarPlot(pd.DataFrame(rows, columns=columns), y_lim=[0, max(1, top)])


def analytics_view(services: Services):
    numbers = analytics(services.store)
    kpis = (
        f"**{numbers.conversations}** conversations · **{numbers.turns}** turns · "
        f"containment **{numbers.containment:.0%}** · "
        f"handoff rate **{numbers.handoff_rate:.0%}** · scam warnings **{numbers.scam_warnings}**"
    )
    per_day = bars(numbers.per_day, ["day", "conversations"])
    emotions = bars(sorted(numbers.emotions.items()), ["emotion", "turns"])
    resolved = numbers.conversations - numbers.handed_over
    outcome = bars(
        [("resolved by Teller", resolved), ("handed over", numbers.handed_over)],
        ["outcome", "conversations"],
    )
    gaps = [[question, count] for question, count in numbers.unanswered]
    return kpis, per_day, outcome, emotions, gaps


def console_app(services: Services) -> gr.Blocks:
    def refresh():
        return (
            queue_rows(services),
            conversation_rows(services),
            *analytics_view(services),
        )

    def pick(column: str):
        """A table's click handler: the clicked row's session id, and that conversation."""

        def handler(rows: pd.DataFrame, event: gr.SelectData):
            session_id = str(rows.iloc[event.index[0]][column])
            return session_id, *transcript(services, session_id)

        return handler

    with gr.Blocks(title="Teller · agent console") as page:
        gr.Markdown("## Teller · agent console")
        if services.settings.demo and not services.settings.agent_user:
            gr.Markdown(
                "**Demo mode** (login demo / demo). Not for real customers.", elem_id="demo-banner"
            )
        refresh_button = gr.Button("Refresh", elem_id="console-refresh")
        with gr.Tab("Handoff queue"):
            queue = gr.Dataframe(
                headers=["ticket", "opened", "reason", "summary", "emotions", "session"],
                interactive=False,
                elem_id="handoff-queue",
            )
        with gr.Tab("Conversations"):
            conversations = gr.Dataframe(
                headers=["session", "channel", "started", "turns", "ticket"],
                interactive=False,
                elem_id="conversations",
            )
            with gr.Row():
                session_box = gr.Textbox(label="Session id", scale=4)
                open_button = gr.Button("Open", scale=1)
            shown = gr.Markdown(elem_id="transcript")
            audit = gr.JSON(label="Per-turn audit")
        with gr.Tab("Analytics", elem_id="analytics-tab"):
            kpis = gr.Markdown(elem_id="kpis")
            with gr.Row():
                per_day = gr.BarPlot(x="day", y="conversations", title="Conversations per day")
                outcome = gr.BarPlot(x="outcome", y="conversations", title="Containment")
                emotions = gr.BarPlot(x="emotion", y="turns", title="Emotion mix")
            gaps = gr.Dataframe(
                headers=["unanswered question", "times asked"],
                label="Knowledge gaps: questions Teller could not answer",
                interactive=False,
                elem_id="knowledge-gaps",
            )
        outputs = [queue, conversations, kpis, per_day, outcome, emotions, gaps]
        page.load(refresh, outputs=outputs)
        refresh_button.click(refresh, outputs=outputs)
        open_button.click(lambda s: transcript(services, s), session_box, [shown, audit])
        queue.select(pick("session"), queue, [session_box, shown, audit])
        conversations.select(pick("session"), conversations, [session_box, shown, audit])
    return page


def closed_console() -> gr.Blocks:
    with gr.Blocks(title="Teller · agent console") as page:
        gr.Markdown(
            "## Agent console is closed\nSet `TELLER_AGENT_USER` and `TELLER_AGENT_PASSWORD` "
            "(or `TELLER_DEMO=1` for a demo login) and restart Teller."
        )
    return page
