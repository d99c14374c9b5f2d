"""``teller call``: a phone call simulated from a script.

Each caller line is spoken by a TTS voice over a simulated line (speed, noise,
telephone band), sent through the whole voice pipeline as a recording, and the bot's
spoken reply is appended. The call is written as one WAV (caller and bot in turn),
a transcript JSON (per turn: what was said and heard, WER, intent, emotion, action,
timings, expectations missed) and a Markdown summary.
"""

from __future__ import annotations

import json
import statistics
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from bot.voice_turn import VoiceAssistant
from evals.expect import expected_intent, failures
from evals.scripts import CallScript, ScriptError, load_call
from evals.wer import wer
from voice.audio import SAMPLE_RATE, resample, wav_bytes, write_wav
from voice.caller import Caller, Line

GAP_S = 0.6  # silence between caller and bot in the call recording


def run_call(
    script: CallScript, assistant: VoiceAssistant, caller: Caller
) -> tuple[dict, np.ndarray]:
    """Play the script through the assistant: the transcript record and the call audio."""
    session_id = f"call-{script.id}-{uuid.uuid4().hex[:8]}"
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    audio, turns, previous = [], [], None
    for number, turn in enumerate(script.turns, 1):
        line = Line(turn.voice, turn.speed, turn.snr_db, turn.telephone)
        said = caller.say(turn.say, line)
        result = assistant.turn(wav_bytes(said, SAMPLE_RATE), session_id)
        reply = result.to_json()
        heard = reply["transcript"]
        missed = failures(turn.expect, result.reply, previous)
        previous = expected_intent(turn.expect, previous) or result.reply.intent
        turns.append(
            {
                "turn": number,
                "said": turn.say,
                "heard": heard,
                "wer": wer([turn.say], [heard]),
                "line": asdict(line),
                "asr": reply["asr"],
                **{key: reply[key] for key in ("intent", "emotion", "action", "escalate")},
                "scam_warning": reply["scam_warning"],
                "ticket": reply["ticket"],
                "answer": reply["answer"],
                "timings_ms": result.timings_ms,
                "expect": turn.expect.model_dump(exclude_defaults=True),
                "failures": missed,
            }
        )
        audio += [said, gap, resample(result.audio, result.sample_rate, SAMPLE_RATE), gap]
    latencies = [t["timings_ms"]["first_audio"] for t in turns]
    record = {
        "id": script.id,
        "title": script.title,
        "session_id": session_id,
        "turns": turns,
        "wer": wer([t["said"] for t in turns], [t["heard"] for t in turns]),
        "turns_as_expected": sum(not t["failures"] for t in turns),
        "first_audio_p50_ms": round(statistics.median(latencies), 1),
    }
    return record, np.concatenate(audio)


def summary(record: dict) -> str:
    lines = [
        f"# Call {record['id']}: {record['title']}",
        "",
        f"Session `{record['session_id']}` · WER {record['wer']:.1%} · "
        f"{record['turns_as_expected']}/{len(record['turns'])} turns as expected · "
        f"first reply audio p50 {record['first_audio_p50_ms']:.0f} ms",
        "",
        "| # | caller said | Whisper heard | WER | intent | emotion | action | first audio ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in record["turns"]:
        lines.append(
            f"| {t['turn']} | {t['said']} | {t['heard']} | {t['wer']:.0%} | {t['intent']} | "
            f"{t['emotion']} | {t['action']} | {t['timings_ms']['first_audio']:.0f} |"
        )
    lines += ["", "## Replies", ""]
    for t in record["turns"]:
        lines.append(f"{t['turn']}. **Teller:** {t['answer']}")
        lines += [f"   - expected {problem}" for problem in t["failures"]]
    return "\n".join(lines) + "\n"


def call(
    script: Annotated[
        Path, typer.Argument(help="A call script (YAML), e.g. evals/data/calls/lost_card.yaml.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the WAV, JSON and Markdown.")] = Path(
        "call-out"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the transcript JSON.")] = False,
) -> None:
    """Simulate a phone call from a scripted caller through the whole voice pipeline."""
    from bot.cli import settings as load_settings
    from bot.factory import build_assistant
    from bot.voice_turn import build_voice_assistant

    try:
        parsed = load_call(script)
    except ScriptError as error:
        typer.secho(str(error), err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from error
    settings = load_settings()
    assistant = build_voice_assistant(settings, build_assistant(settings))
    record, audio = run_call(parsed, assistant, Caller())
    write_wav(out / f"{parsed.id}.wav", audio, SAMPLE_RATE)
    (out / f"{parsed.id}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False))
    (out / f"{parsed.id}.md").write_text(summary(record))
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        typer.echo(summary(record))
        typer.echo(f"Written: {out / parsed.id}.wav, .json, .md")
