"""The web app in a real browser: ``teller serve`` (real LLM, Whisper, TTS) driven by
Debian's headless Chromium through Playwright. Every request the pages make must stay
on this machine. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from evals.served import home_sharing_models, served
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AGENT_USER = "agent"
AGENT_PASSWORD = secrets.token_urlsafe(12)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WIDGET_KEY = "teller-widget-session"


@pytest.fixture(scope="module")
def server(tmp_path_factory, settings):
    """``teller serve`` with the real models, its own home and database."""
    home = home_sharing_models(settings.home, tmp_path_factory.mktemp("serve-home"))
    environment = {
        "TELLER_AGENT_USER": AGENT_USER,
        "TELLER_AGENT_PASSWORD": AGENT_PASSWORD,
        "TELLER_API_RATE_PER_MINUTE": "600",
        "TELLER_LLM_WARM": "false",  # the browser tests do not time the LLM
    }
    with served(home, environment) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, request):
    """A fresh page that refuses, and remembers, any request leaving the machine."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def local_only(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left the machine: {outside}"


def test_text_conversation_shows_a_citation_and_survives_reload(page, server):
    page.goto(server)
    page.locator("#teller-input textarea").fill("How do I freeze my card?")
    page.locator("#teller-input textarea").press("Enter")
    source = page.locator("#teller-sources details.teller-source").first
    source.wait_for()
    source.locator("summary").click()
    assert "Freeze" in source.inner_text() or "freeze" in source.inner_text()
    assert "seem" in page.locator("#teller-status").inner_text()  # emotion indicator
    page.reload()
    page.locator("#teller-chat").get_by_text("How do I freeze my card?").wait_for()


NOTE_WHEN_AUDIO_AND_TRANSCRIPT_APPEAR = """() => {
    window.tellerSeen = {};
    const note = (name) => {
        if (!(name in window.tellerSeen)) window.tellerSeen[name] = performance.now();
    };
    setInterval(() => {
        if (document.querySelector('#teller-reply-audio audio[src]')) note('audio');
        const heard = document.querySelector('#teller-transcript textarea');
        if (heard && heard.value) note('transcript');
    }, 10);
}"""


def test_voice_turn_by_file_upload(page, server, tmp_path):
    question = tmp_path / "question.wav"
    spoken = Caller().say("I have lost my card and need to cancel it.", Line("piper"))
    question.write_bytes(wav_bytes(spoken, SAMPLE_RATE))
    page.goto(server)
    page.get_by_role("tab", name="Speak").click()
    page.locator("#teller-recording").get_by_role("button", name="Upload file").click()
    page.locator("#teller-recording input[type=file]").set_input_files(str(question))
    page.locator("#teller-recording audio[data-testid]").wait_for(state="attached")
    page.evaluate(NOTE_WHEN_AUDIO_AND_TRANSCRIPT_APPEAR)
    page.locator("#teller-ask").click()
    transcript = page.locator("#teller-transcript textarea")
    page.wait_for_function(
        "el => el.value.length > 0", arg=transcript.element_handle(), timeout=180_000
    )
    assert "lost" in transcript.input_value().lower()
    player = page.locator("#teller-reply-audio audio[src]").first
    player.wait_for(state="attached")
    assert player.get_attribute("src").startswith(("blob:", "http"))
    assert page.locator("#teller-voice-answer").inner_text().strip()
    # The reply's audio is streamed: its first sentence was playing before the turn
    # ended (the transcript and the text come with the turn's end).
    seen = page.evaluate("window.tellerSeen")
    assert seen["audio"] < seen["transcript"], seen
    # Barge-in: the customer starts a new recording; the reply stops playing.
    page.locator("#teller-recording").get_by_role("button", name="Clear").click()
    page.locator("#teller-recording").get_by_role("button", name="Upload file").click()
    page.locator("#teller-recording input[type=file]").set_input_files(str(question))
    page.locator("#teller-reply-audio audio[src]").wait_for(state="detached")


def test_widget_example_page(page, server):
    page.goto(f"{server}/widget/example.html")
    page.locator("#teller-widget .bubble").click()
    page.locator("#teller-widget input[name=message]").fill("How long does a transfer take?")
    page.locator("#teller-widget button.send").click()
    reply = page.locator("#teller-widget .msg.bot").first
    reply.wait_for()
    assert len(reply.inner_text()) > 20
    assert "Sources:" in page.locator("#teller-widget .note").first.inner_text()


def test_agent_console_queue_and_analytics(page, server):
    from playwright.sync_api import expect

    handoff = httpx.post(
        f"{server}/api/v1/chat", json={"message": "I want to speak to a real person"}, timeout=120
    ).json()
    assert handoff["ticket"]
    page.goto(f"{server}/agent/")
    page.get_by_label("username").fill(AGENT_USER)
    page.get_by_label("password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Login").click()
    expect(page.locator("#handoff-queue")).to_contain_text(handoff["ticket"])
    page.get_by_role("tab", name="Analytics").click()
    expect(page.locator("#kpis")).to_contain_text("conversations")
    charts = page.locator("#analytics-tab canvas, #analytics-tab svg.marks")
    charts.first.wait_for()
    assert charts.count() >= 3


def test_agent_console_refuses_a_wrong_password(page, server):
    page.goto(f"{server}/agent/")
    page.get_by_label("username").fill(AGENT_USER)
    page.get_by_label("password").fill("wrong")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Incorrect").first.wait_for()
    assert page.locator("#handoff-queue").count() == 0


def test_gradio_client_text_and_voice(server, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(f"{server}/", verbose=False)
    result = client.predict("How do I freeze my card?", [], None, api_name="/chat")
    messages, session_id = result[0], result[2]
    assert session_id.count(".") == 1 and "card" in str(messages[-1]["content"]).lower()
    # An id the client makes up reaches no conversation: a new one starts, and says why.
    forged = client.predict("What did I ask before?", [], "gradio-client-1", api_name="/chat")
    assert forged[2] not in ("gradio-client-1", session_id)
    assert "not issued by Teller" in str(forged[0][0]["content"])
    question = tmp_path / "q.wav"
    spoken = Caller().say("Can I speak to a real person please?", Line("piper"))
    question.write_bytes(wav_bytes(spoken, SAMPLE_RATE))
    voice = client.predict(handle_file(str(question)), [], session_id, api_name="/voice")
    assert "person" in voice[1].lower() and voice[3] and voice[5] == session_id


def test_widget_starts_over_when_its_session_is_refused(page, server):
    page.goto(f"{server}/widget/example.html")
    page.evaluate("key => localStorage.setItem(key, 'made-up-session')", WIDGET_KEY)
    page.locator("#teller-widget .bubble").click()
    page.locator("#teller-widget input[name=message]").fill("How do I freeze my card?")
    page.locator("#teller-widget button.send").click()
    page.locator("#teller-widget .msg.bot").first.wait_for()
    notes = page.locator("#teller-widget .note").all_inner_texts()
    assert any("not issued by Teller" in note for note in notes)
    kept = page.evaluate("key => localStorage.getItem(key)", WIDGET_KEY)
    assert kept and kept != "made-up-session" and kept.count(".") == 1
