"""``teller bench ...``: the benchmarks, printing a table or one JSON object."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.settings import Settings

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

    emit(bench.run(Settings(), latency_sample, compare_base), as_json)
