"""``teller eval``: run scripted dialogues, write the reports, gate on thresholds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml

from evals.report import html_report, markdown
from evals.scripts import ScriptError, load_dialogues

THRESHOLDS = Path(__file__).parent / "thresholds.yaml"
DIALOGUES = Path(__file__).parent / "data" / "dialogues"
BACKENDS = {"extractive": "extractive", "llama": "embedded", "openai": "openai"}


def run(
    paths: list[Path],
    backend: str,
    out: Path,
    thresholds: Path,
    limit: int | None = None,
    channel: str | None = None,
    spread: int | None = None,
) -> tuple[dict, list[str]]:
    """Evaluate; write results.json, report.md, report.html and the run's database to
    ``out``; return the result and the thresholds it misses."""
    from bot.settings import load_settings
    from evals.suite import below_thresholds, evaluate
    from ui.services import build_services

    dialogues = load_dialogues(paths)
    if channel:
        dialogues = [d for d in dialogues if d.channel == channel]
    if spread:  # evenly across the suite, so every file (topic) is represented
        dialogues = dialogues[:: max(1, len(dialogues) // spread)][:spread]
    dialogues = dialogues[:limit]
    out.mkdir(parents=True, exist_ok=True)
    database = out / "eval.db"
    database.unlink(missing_ok=True)
    settings = load_settings().model_copy(
        update={"llm": BACKENDS[backend], "database_url": f"sqlite:///{database}"}
    )
    result = evaluate(build_services(settings), dialogues)
    result["backend"] = backend
    problems = below_thresholds(result["metrics"], yaml.safe_load(thresholds.read_text()))
    (out / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(markdown(result, problems))
    (out / "report.html").write_text(html_report(result, problems))
    return result, problems


def evaluate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Dialogue YAML files or folders (default: shipped suite)."),
    ] = None,
    backend: Annotated[
        Literal["extractive", "llama", "openai"], typer.Option(help="How replies are written.")
    ] = "extractive",
    out: Annotated[Path, typer.Option(help="Folder for the reports.")] = Path("eval-out"),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    thresholds: Annotated[Path, typer.Option(help="Release gates (YAML).")] = THRESHOLDS,
    limit: Annotated[int | None, typer.Option(help="Only the first N dialogues.")] = None,
    spread: Annotated[
        int | None, typer.Option(help="Only N dialogues, taken evenly across the suite.")
    ] = None,
    channel: Annotated[
        Literal["text", "voice"] | None, typer.Option(help="Only dialogues of this channel.")
    ] = None,
) -> None:
    """Run scripted dialogues through the product and check every turn; exit 1 when a
    metric misses its threshold."""
    try:
        result, problems = run(
            paths or [DIALOGUES], backend, out, thresholds, limit, channel, spread
        )
    except ScriptError as error:
        typer.secho(str(error), err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from error
    if as_json:
        typer.echo(
            json.dumps({"metrics": result["metrics"], "turns": result["turns"]}, ensure_ascii=False)
        )
    else:
        for name, value in result["metrics"].items():
            typer.echo(f"{name:>26}: {value}")
        typer.echo(f"Reports: {out / 'report.md'}, {out / 'report.html'}, {out / 'results.json'}")
    for problem in problems:
        typer.secho(f"threshold missed: {problem}", err=True, fg=typer.colors.RED)
    if problems:
        raise typer.Exit(1)
