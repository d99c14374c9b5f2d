"""The ``teller`` command line.

Command groups from the upper layers (``teller bench`` from evals, later ``teller
serve`` from ui) are discovered through the ``teller.commands`` entry points, so this
module never imports them.
"""

from __future__ import annotations

import json
import sys
import uuid
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.reply import Reply
from bot.settings import Settings, apply_offline_environment, configure_logging, load_settings
from bot.store import StoreUnavailableError
from knowledge.corpus import CorpusError
from knowledge.encoder import EncoderMissingError
from knowledge.index import IndexUnavailableError

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Teller: offline customer-service assistant.",
)
index_app = typer.Typer(no_args_is_help=True, help="Build and inspect the FAQ index.")
train_app = typer.Typer(no_args_is_help=True, help="Train Teller's models.")
app.add_typer(index_app, name="index")
app.add_typer(train_app, name="train")


def settings() -> Settings:
    """Settings from the environment (read once); a bad value ends the command with a
    clear message."""
    try:
        return load_settings()
    except ValidationError as error:
        problems = "; ".join(
            f"TELLER_{e['loc'][0]}".upper() + f": {e['msg']}" for e in error.errors()
        )
        raise typer.BadParameter(f"invalid configuration: {problems}") from error


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.callback()
def start(
    log_level: Annotated[
        str | None, typer.Option(help="Override TELLER_LOG_LEVEL for this command.")
    ] = None,
) -> None:
    apply_offline_environment()
    configure_logging(log_level or settings().log_level)


@index_app.command("build")
def index_build() -> None:
    """Embed the FAQ corpus and exemplars and save the index."""
    from bot.factory import rebuild_index

    config = settings()
    index = rebuild_index(config)
    manifest = index.manifest
    typer.echo(
        f"Index built in {manifest.build_seconds:.1f} s: {manifest.faq_entries} FAQ entries, "
        f"{manifest.exemplars} exemplars, model {manifest.model_id} -> {config.index_dir}"
    )


@index_app.command("status")
def index_status() -> None:
    """Say whether the saved index matches the corpus, model and libraries."""
    from bot.factory import load_encoder
    from knowledge.corpus import load_corpus
    from knowledge.exemplars import load_exemplars
    from knowledge.index import expected_manifest, staleness

    config = settings()
    corpus = load_corpus(config.knowledge_dir)
    encoder = load_encoder(config)
    expected = expected_manifest(corpus, load_exemplars(config.knowledge_dir), encoder.model_id)
    reason = staleness(config.index_dir, expected)
    typer.echo(f"{config.index_dir}: " + ("up to date" if reason is None else f"stale ({reason})"))
    if reason is not None:
        raise typer.Exit(1)


@app.command()
def prepare() -> None:
    """Build or verify what Teller needs offline: the index, the PII pipeline, Whisper
    checkpoints, the LLM."""
    from bot.factory import build_retriever
    from bot.gguf import prepare_gguf
    from bot.redact import ensure_blank_spacy
    from voice.whisper_weights import whisper_checkpoint

    config = settings()
    build_retriever(config)
    ensure_blank_spacy(config.home / "spacy-blank-en")
    for model in ("base", "tiny.en"):
        whisper_checkpoint(model, config.models_dir)
    if config.llm == "embedded":
        prepare_gguf(config.models_dir)
    typer.echo(f"Teller is prepared in {config.home}.")


@app.command()
def warm() -> None:
    """Show the configured LLM every approved entry once, so that its prompt cache holds
    them (run once after llama-server starts; `teller serve` warms the embedded model
    itself)."""
    from bot.factory import build_assistant

    config = settings()
    if config.llm == "extractive":
        raise fail("The extractive backend has no LLM to warm.")
    assistant = build_assistant(config)
    shown = assistant.warm()
    typer.echo(f"The LLM has been shown {shown} of {len(assistant.corpus.by_id)} entries.")


def read_message(message: str) -> str | bytes:
    """The message argument, or standard input's raw bytes when it is ``-``."""
    return sys.stdin.buffer.read() if message == "-" else message


@app.command()
def ask(
    message: Annotated[
        str | None, typer.Argument(help="The customer's message; - reads stdin.")
    ] = None,
    audio: Annotated[
        Path | None,
        typer.Option(help="A recording (WAV, MP3, OGG, WebM, FLAC): run a voice turn."),
    ] = None,
    reply_audio: Annotated[
        Path | None, typer.Option(help="Where to write the spoken reply (voice turns).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    session: Annotated[
        str | None, typer.Option(help="Continue this conversation (its session_id).")
    ] = None,
) -> None:
    """Run one full turn (text, or voice with --audio): routing, decision, reply, audit."""
    from bot.factory import build_assistant

    if (message is None) == (audio is None):
        raise fail("give either a MESSAGE or --audio FILE")
    if audio is not None and not audio.is_file():
        raise fail(f"no such file: {audio}")
    config = settings()
    assistant = build_assistant(config)
    if audio is None:
        reply = assistant.turn(read_message(message), session)
        data = reply.to_json()
    else:
        reply, data = voice_turn(config, assistant, audio, reply_audio, session)
    refused = reply.refused
    if as_json:
        if refused:
            data["error"] = refused
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        if audio is not None:
            typer.echo(f"heard: {data['transcript']}", err=True)
        typer.echo(reply.answer)
        typer.echo(footer(reply), err=True)
    if refused:
        raise typer.Exit(2)


def voice_turn(config: Settings, assistant, audio: Path, target: Path | None, session):
    """Run a voice turn from a file; write the spoken reply; the reply and its JSON."""
    from bot.voice_turn import build_voice_assistant
    from voice.audio import write_wav

    turn = build_voice_assistant(config, assistant).turn(audio, session)
    name = f"{turn.reply.session_id}-{uuid.uuid4().hex[:8]}.wav"
    written = write_wav(target or config.home / "replies" / name, turn.audio, turn.sample_rate)
    return turn.reply, turn.to_json(str(written))


def footer(reply: Reply) -> str:
    sources = ", ".join(c.faq_id for c in reply.citations) or "none"
    extra = f" · ticket {reply.ticket}" if reply.ticket else ""
    return (
        f"  [{reply.action} · sources: {sources} · emotion {reply.emotion.label} · "
        f"tone {reply.tone}{extra} · session {reply.session_id}]"
    )


@app.command()
def chat(
    session: Annotated[str | None, typer.Option(help="Continue this conversation.")] = None,
) -> None:
    """Talk to Teller in the terminal, replies streamed (empty line or Ctrl-D to leave)."""
    from bot.events import Token
    from bot.factory import build_assistant

    assistant = build_assistant(settings())
    session_id = session or str(uuid.uuid4())
    typer.echo(
        "Teller is ready. Ask about cards, payments, transfers, savings... (empty line to quit)"
    )
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            break
        if not line.strip():
            break
        typer.echo("teller> ", nl=False)
        for event in assistant.stream(line, session_id):
            if isinstance(event, Token):
                typer.echo(event.text, nl=False)
            elif isinstance(event, Reply):
                typer.echo("\n" + footer(event))
    typer.echo(f"Conversation saved as {session_id}.")


@app.command()
def export(
    session_id: Annotated[str, typer.Argument(help="The conversation to export.")],
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Write a conversation (turns, audit records, tickets) as JSON."""
    from bot.store import Store, dumps

    data = Store(settings().database).export(session_id)
    if data is None:
        raise fail(f"no conversation {session_id}", code=1)
    text = dumps(data)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}")
    else:
        typer.echo(text)


@app.command()
def purge(
    older_than: Annotated[
        float | None,
        typer.Option(help="Purge conversation text older than DAYS (TELLER_RETENTION_DAYS)."),
    ] = None,
) -> None:
    """Purge old conversation text (keeping the masked audit) and old reply audio."""
    from datetime import timedelta

    from bot.retention import clean
    from bot.store import Store

    config = settings()
    days = config.retention_days if older_than is None else older_than
    if days < 0:
        raise fail("--older-than must be 0 or more days")
    done = clean(Store(config.database), config, timedelta(days=days))
    typer.echo(
        f"Purged the text of {done.purged.turns} turns in {done.purged.conversations} "
        f"conversations and {done.purged.tickets} tickets older than {days:g} days; "
        f"deleted {done.files} reply audio and upload files."
    )


@train_app.command("routing")
def train_routing(
    epochs: Annotated[int, typer.Option(help="Passes over the training data.")] = 4,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
) -> None:
    """Fine-tune the routing encoder on Banking77 train + the bank's exemplars."""
    from knowledge.finetune import train_routing_encoder

    config = settings()
    report = train_routing_encoder(
        config.knowledge_dir, epochs=epochs, seed=seed, threads=config.torch_threads
    )
    typer.echo(json.dumps(report, indent=2))


@train_app.command("emotion")
def train_emotion(
    epochs: Annotated[int, typer.Option(help="Passes over the training data.")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
) -> None:
    """Fine-tune the emotion encoder on GoEmotions train, then adapt it (below)."""
    from bot.emotion_training import train_emotion_classifier

    typer.echo(json.dumps(train_emotion_classifier(epochs=epochs, seed=seed), indent=2))


@train_app.command("emotion-bank")
def train_emotion_bank(seed: Annotated[int, typer.Option(help="Random seed.")] = 13) -> None:
    """Adapt the GoEmotions emotion model to bank customers' messages (minutes)."""
    from bot.emotion_training import adapt_to_bank

    typer.echo(json.dumps(adapt_to_bank(seed=seed), indent=2))


@train_app.command("injection")
def train_injection(
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    out: Annotated[
        Path | None, typer.Option(help="Where to write it (default: next to the code).")
    ] = None,
) -> None:
    """Train the prompt-injection screen and write it next to the code (seconds)."""
    from bot.injection import MODEL
    from bot.injection_training import train

    trained = train(seed=seed)
    target = out or MODEL
    trained.screen.model.save(target)
    report = {
        "model": str(target),
        "threshold": round(trained.screen.threshold, 4),
        "dev_recall": trained.dev_recall,
        "dev_bank_false_positives": trained.dev_bank_false_positives,
        "dev_other_false_positives": trained.dev_other_false_positives,
        "examples": {f"{source} {label}": n for (source, label), n in trained.examples.items()},
    }
    typer.echo(json.dumps(report, indent=2))


@train_app.command("scope")
def train_scope(seed: Annotated[int, typer.Option(help="Random seed.")] = 13) -> None:
    """Train the scope gate (is a message about banking at all?) in seconds."""
    from bot.scope import MODEL
    from bot.scope_training import train

    trained = train(seed=seed)
    trained.model.save(MODEL)
    report = {
        "model": str(MODEL),
        "threshold": round(trained.model.threshold, 4),
        "in_scope_messages": trained.in_scope,
        "out_of_scope_messages": trained.out_of_scope,
        "dev_in_scope_ruled_out": trained.dev_in_scope_ruled_out,
        "dev_out_of_scope_ruled_out": trained.dev_out_of_scope_ruled_out,
    }
    typer.echo(json.dumps(report, indent=2))


@train_app.command("requests")
def train_requests(seed: Annotated[int, typer.Option(help="Random seed.")] = 13) -> None:
    """Train the conversation-act models (a person asked for; the answers not helping; a
    scam in progress) in seconds."""
    from bot.signals import MODELS
    from bot.signals_training import (
        not_helping_examples,
        person_examples,
        scam_examples,
        train,
    )

    report = {}
    for name, examples in (
        ("person-request", person_examples()),
        ("not-helping", not_helping_examples()),
        ("scam-in-progress", scam_examples()),
    ):
        trained = train(examples, seed=seed)
        trained.model.save(MODELS / f"{name}.npz")
        report[name] = {
            "threshold": round(trained.model.threshold, 4),
            "positives": trained.positives,
            "negatives": trained.negatives,
            "dev_recall": trained.dev_recall,
            "dev_hard_false_positives": trained.dev_hard_false_positives,
        }
    typer.echo(json.dumps(report, indent=2))


def main() -> None:
    """Entry point: add the commands and command groups other layers register, then run."""
    for plugin in entry_points(group="teller.commands"):
        command = plugin.load()
        if isinstance(command, typer.Typer):
            app.add_typer(command, name=plugin.name)
        else:
            app.command(name=plugin.name)(command)
    try:
        app()
    except (
        CorpusError,
        EncoderMissingError,
        IndexUnavailableError,
        StoreUnavailableError,
    ) as error:
        typer.secho(f"teller: {error}", err=True, fg=typer.colors.RED)
        sys.exit(1)
