/*
 * Teller web chat widget: a chat bubble for any web page.
 *
 *   <script src="https://teller.example-bank/widget/teller-widget.js" defer></script>
 *
 * It talks to the Teller server the script came from (or data-teller-url) through
 * /api/v1/chat and /api/v1/voice, keeps the conversation's session id in the page's
 * local storage, and records voice with the browser's microphone (the page asks the
 * customer's permission). Everything lives in a shadow root, so the host page's
 * styles and the widget's cannot clash. No third-party code, no external requests.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const base = (script && script.dataset.tellerUrl) || new URL(script.src).origin;
  const storageKey = "teller-widget-session";

  const chatIcon = `<svg width="28" height="28" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
    <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>`;
  const micIcon = `<svg width="16" height="16" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
    <path d="M12 15a3 3 0 0 0 3-3V6a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6
    6.9V21h2v-2.1A7 7 0 0 0 19 12h-2z"/></svg>`;
  const style = `
    :host { all: initial; font-family: system-ui, sans-serif; }
    .bubble { position: fixed; right: 24px; bottom: 24px; width: 60px; height: 60px;
      border-radius: 50%; border: none; background: #0b5cad; color: #fff;
      display: flex; align-items: center; justify-content: center;
      cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483646; }
    .panel { position: fixed; right: 24px; bottom: 96px; width: 340px; max-height: 520px;
      display: none; flex-direction: column; background: #fff; border-radius: 12px;
      box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; z-index: 2147483647; }
    .panel.open { display: flex; }
    header { background: #0b5cad; color: #fff; padding: 10px 14px; font-weight: 600; }
    .log { flex: 1; overflow-y: auto; padding: 10px; font-size: 14px; min-height: 200px; }
    .msg { margin: 6px 0; padding: 8px 10px; border-radius: 10px; max-width: 85%;
      white-space: pre-wrap; }
    .user { background: #e8f0fb; margin-left: auto; }
    .bot { background: #f2f2f2; }
    .note { font-size: 12px; color: #555; margin: 2px 0 8px; }
    .error { color: #a40000; }
    form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #ddd; }
    input { flex: 1; padding: 8px; border: 1px solid #bbb; border-radius: 6px; font-size: 14px; }
    button.action { padding: 8px 10px; border: none; border-radius: 6px; background: #0b5cad;
      color: #fff; cursor: pointer; }
    button.recording { background: #a40000; }
  `;

  const host = document.createElement("div");
  host.id = "teller-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>${style}</style>
    <button class="bubble" aria-label="Chat with Teller" title="Chat with us">${chatIcon}</button>
    <section class="panel" role="dialog" aria-label="Teller chat">
      <header>Lindenbrook Bank · Teller</header>
      <div class="log" aria-live="polite"></div>
      <form>
        <input name="message" autocomplete="off" placeholder="Ask a question…" maxlength="4000">
        <button class="action mic" type="button" aria-label="Speak" title="Speak">${micIcon}</button>
        <button class="action send" type="submit">Send</button>
      </form>
    </section>`;
  document.body.appendChild(host);

  const panel = root.querySelector(".panel");
  const log = root.querySelector(".log");
  const form = root.querySelector("form");
  const input = form.elements.message;
  const mic = root.querySelector(".mic");

  root.querySelector(".bubble").addEventListener("click", () => {
    panel.classList.toggle("open");
    if (panel.classList.contains("open")) input.focus();
  });

  function show(text, kind) {
    const item = document.createElement("div");
    item.className = kind;
    item.textContent = text;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function showReply(data) {
    show(data.answer, "msg bot");
    const notes = [];
    if (data.citations && data.citations.length) {
      notes.push("Sources: " + data.citations.map((c) => c.title).join("; "));
    }
    if (data.ticket) notes.push("Handed over to a colleague · reference " + data.ticket);
    if (data.busy) notes.push("Teller is very busy: this is the bank's approved answer, at once");
    if (notes.length) show(notes.join(" · "), "note");
    localStorage.setItem(storageKey, data.session_id);
  }

  async function call(path, options) {
    const response = await fetch(base + path, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof data.detail === "string" ? data.detail : "Something went wrong.";
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // A session the server no longer accepts (expired, or not one it issued): forget it,
  // say why, and send the message again in a new conversation.
  async function withSession(send) {
    try {
      return await send(localStorage.getItem(storageKey));
    } catch (error) {
      if (error.status !== 403) throw error;
      localStorage.removeItem(storageKey);
      show(error.message, "note");
      return await send(null);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    show(message, "msg user");
    const waiting = show("…", "note");
    try {
      showReply(await withSession((session) => call("/api/v1/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ message, session_id: session }),
      })));
    } catch (error) {
      show(error.message, "note error");
    } finally {
      waiting.remove();
    }
  });

  let recorder = null;
  mic.addEventListener("click", async () => {
    if (recorder) {
      recorder.stop();
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      show("The microphone is not available: " + error.message, "note error");
      return;
    }
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => chunks.push(event.data);
    recorder.onstop = async () => {
      stream.getTracks().forEach((track) => track.stop());
      mic.classList.remove("recording");
      recorder = null;
      const audio = new Blob(chunks, { type: chunks[0] ? chunks[0].type : "audio/webm" });
      const waiting = show("…", "note");
      try {
        const data = await withSession((session) => {
          const form = new FormData();
          form.append("audio", audio, "question.webm");
          if (session) form.append("session_id", session);
          return call("/api/v1/voice", { method: "POST", body: form });
        });
        show("(spoken) " + (data.transcript || "not understood"), "msg user");
        showReply(data);
        if (data.reply_audio) new Audio(base + data.reply_audio).play().catch(() => {});
      } catch (error) {
        show(error.message, "note error");
      } finally {
        waiting.remove();
      }
    };
    recorder.start();
    mic.classList.add("recording");
  });
})();
