"""``teller bench ...``: the benchmarks, printing a table or one JSON object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from bot.cli import settings

app = typer.Typer(no_args_is_help=True, help="Measure accuracy, latency and memory.")


def emit(report: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report))
        return
    for key, value in report.items():
        typer.echo(f"{key:>22}: {value}")


@app.command()
def routing(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    latency_sample: Annotated[int, typer.Option(help="Messages timed one by one.")] = 500,
    compare_base: Annotated[
        bool, typer.Option(help="Also score the frozen base encoder and 10-shot.")
    ] = True,
) -> None:
    """Intent routing on the Banking77 test split."""
    from evals import routing as bench

    emit(bench.run(settings(), latency_sample, compare_base), as_json)


@app.command()
def latency(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N conversations.")] = None,
    voice: Annotated[int, typer.Option(help="Spoken questions to time (0: none).")] = 20,
) -> None:
    """What a customer waits for (configured LLM): first text and whole reply on first
    turns and follow-ups, prompt reuse, and voice from end of speech to first audio."""
    from evals import latency as bench

    emit(bench.run(settings(), limit, voice), as_json)


@app.command()
def injection(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    through_assistant: Annotated[
        bool, typer.Option(help="Also run every attack through the whole pipeline.")
    ] = False,
) -> None:
    """Prompt-injection screening, and leaks of the system prompt."""
    from evals import injection as bench

    emit(bench.run(settings(), through_assistant), as_json)


@app.command()
def redteam(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    pii_set: Annotated[
        str, typer.Option(help="PII corpus: held_out (the measure) or development.")
    ] = "held_out",
) -> None:
    """Personal data stored (scanning the database file), injection recall and false
    positives, and session attacks refused."""
    from evals import redteam as bench

    if pii_set not in bench.PII_SETS:
        raise typer.BadParameter(f"--pii-set must be one of {', '.join(bench.PII_SETS)}")
    emit(bench.run(settings(), pii_set), as_json)


@app.command()
def emotion(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Emotion classification on GoEmotions test (six labels, and the Ekman view)."""
    from evals import emotion as bench

    emit(bench.run(), as_json)


@app.command()
def scam(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Scam-in-progress detection: precision and recall on labelled messages."""
    from evals import scam as bench

    emit(bench.run(settings()), as_json)


@app.command()
def asr(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N utterances.")] = None,
    turns: Annotated[int, typer.Option(help="Whole voice turns timed (0: none).")] = 20,
    samples: Annotated[
        Path | None,
        typer.Option(help="Folder holding the pywhispercpp source archive (JFK sample)."),
    ] = None,
) -> None:
    """Whisper WER and real-time factor (base, tiny.en) and voice-turn latency."""
    from evals import asr as bench
    from evals.recordings import SAMPLES_DIR

    emit(bench.run(settings(), limit, turns, samples or SAMPLES_DIR), as_json)


@app.command("all")
def run_all(
    out: Annotated[Path, typer.Option(help="Folder for summary.md and summary.json.")] = Path(
        "bench-results"
    ),
) -> None:
    """Every benchmark, then one summary table (Markdown and JSON) with the machine."""
    from evals import summary
    from evals.recordings import SAMPLES_DIR

    results = summary.run_all(settings(), out, SAMPLES_DIR)
    summary.write(results, out)
    typer.echo(summary.markdown(results))


@app.command()
def load(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    users: Annotated[int, typer.Option(help="Simulated customers at once.")] = 8,
    minutes: Annotated[float, typer.Option(help="How long the swarm runs.")] = 3.0,
    scaled: Annotated[
        bool,
        typer.Option(
            "--scaled",
            help="llama.cpp's server, PostgreSQL and 2 replicas; one is killed half-way.",
        ),
    ] = False,
) -> None:
    """Load test: simulated customers against Teller on loopback; errors, latency, answers
    given at once when busy, and turns lost from the audit store."""
    from evals import load as bench

    emit(bench.run(settings(), users, minutes, scaled), as_json)


@app.command()
def support(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    collect: Annotated[
        int, typer.Option(help="Instead, ask the real LLM this many questions for sentences.")
    ] = 0,
    skip: Annotated[int, typer.Option(help="With --collect: questions already asked.")] = 0,
) -> None:
    """The sentence support check: precision and recall on labelled model sentences."""
    from evals import support as bench

    if collect:
        count = bench.collect(settings(), collect, skip)
        typer.echo(f"wrote {count} sentences to {bench.SENTENCES}; label them, then run again")
        return
    emit(bench.run(settings()), as_json)


@app.command()
def helpfulness(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Follow-ups from the held-out dialogues: does the reply lead with the answer?"""
    from evals import helpfulness as bench

    emit(bench.run(settings()), as_json)


@app.command()
def understanding(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N single messages.")] = None,
    writer: Annotated[
        Literal["extractive", "embedded", "openai"], typer.Option(help="Who writes the replies.")
    ] = "extractive",
    on: Annotated[
        Literal["heldout", "dev"],
        typer.Option(help="The held-out sets (to report) or the dev sets (to tune on)."),
    ] = "heldout",
) -> None:
    """Routing, emotion and handover on held-out (or dev) messages and dialogues."""
    from evals import understanding as bench

    emit(bench.run(settings(), limit, writer, on), as_json)
