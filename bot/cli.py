"""The ``teller`` command line.

Command groups from the upper layers (``teller bench`` from evals, later ``teller
serve`` from ui) are discovered through the ``teller.commands`` entry points, so this
module never imports them.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import entry_points
from typing import Annotated

import typer
from pydantic import ValidationError

from bot.inputs import InputRejected, clean_message, has_words
from bot.settings import Settings, apply_offline_environment, configure_logging
from knowledge.corpus import CorpusError
from knowledge.encoder import EncoderMissingError
from knowledge.index import IndexUnavailableError
from knowledge.retriever import Retrieval

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Teller: offline customer-service assistant.",
)
index_app = typer.Typer(no_args_is_help=True, help="Build and inspect the FAQ index.")
train_app = typer.Typer(no_args_is_help=True, help="Train Teller's models.")
app.add_typer(index_app, name="index")
app.add_typer(train_app, name="train")

NO_MATCH_REPLY = (
    "I'm not sure I have an approved answer for that. I can help with cards, payments, "
    "transfers, top-ups, currency exchange, your account and security, savings and loans."
)


def settings() -> Settings:
    """Settings from the environment; a bad value ends the command with a clear message."""
    try:
        return Settings()
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
    from bot.assistant import rebuild_index

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
    from bot.assistant import load_encoder
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


def read_message(message: str, max_chars: int) -> str:
    """The message argument, or standard input's raw bytes when it is ``-``."""
    raw: str | bytes = sys.stdin.buffer.read() if message == "-" else message
    return clean_message(raw, max_chars)


def retrieval_json(result: Retrieval) -> dict:
    return {
        "query": result.query,
        "no_match": result.no_match,
        "top_similarity": result.top_similarity,
        "used_history": result.used_history,
        "hits": [
            {
                "faq_id": hit.entry.id,
                "intent": hit.intent,
                "title": hit.entry.title,
                "score": hit.score,
                "similarity": hit.similarity,
            }
            for hit in result.hits
        ],
    }


@app.command()
def ask(
    message: Annotated[str, typer.Argument(help="The customer's message; - reads stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    history: Annotated[
        list[str] | None, typer.Option(help="An earlier customer turn (repeatable, oldest first).")
    ] = None,
) -> None:
    """Route one message to the bank's FAQ entries."""
    from bot.assistant import build_retriever

    config = settings()
    try:
        text = read_message(message, config.max_message_chars)
    except InputRejected as error:
        if as_json:
            typer.echo(json.dumps({"error": str(error), "no_match": True, "hits": []}))
        raise fail(str(error)) from error
    retriever = build_retriever(config)
    result = (
        retriever.retrieve(text, history or [])
        if has_words(text)
        else Retrieval(text, (), True, 0.0)
    )
    if as_json:
        typer.echo(json.dumps(retrieval_json(result), ensure_ascii=False))
        return
    typer.echo(describe(result))


def describe(result: Retrieval) -> str:
    """A human-readable reply: the approved answer with its citation, or no match."""
    if result.no_match or result.top is None:
        return NO_MATCH_REPLY
    top = result.top
    return f"{top.entry.answer}\n  [source: {top.entry.id} · {top.intent} · {top.score:.0%}]"


@app.command()
def chat() -> None:
    """Talk to Teller in the terminal (empty line or Ctrl-D to leave)."""
    from bot.assistant import build_retriever

    config = settings()
    retriever = build_retriever(config)
    history: list[str] = []
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
        try:
            text = clean_message(line, config.max_message_chars)
        except InputRejected as error:
            typer.echo(f"teller> {error}")
            continue
        result = retriever.retrieve(text, history) if has_words(text) else None
        typer.echo("teller> " + (describe(result) if result else NO_MATCH_REPLY))
        history.append(text)


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


def main() -> None:
    """Entry point: add the command groups other layers register, then run."""
    for plugin in entry_points(group="teller.commands"):
        app.add_typer(plugin.load(), name=plugin.name)
    try:
        app()
    except (CorpusError, EncoderMissingError, IndexUnavailableError) as error:
        typer.secho(f"teller: {error}", err=True, fg=typer.colors.RED)
        sys.exit(1)
