"""Reports of an evaluation run: Markdown, and one self-contained HTML page (inline SVG
charts, no scripts or fonts from anywhere) with the run's JSON embedded."""

from __future__ import annotations

import html
import json
from collections import Counter

import numpy as np

from bot.types import EMOTIONS


def failing_dialogues(result: dict) -> dict[str, list[dict]]:
    """Each dialogue with a failing turn -> its turns up to the last failing one."""
    by_dialogue: dict[str, list[dict]] = {}
    for turn in result["turns"]:
        by_dialogue.setdefault(turn["dialogue"], []).append(turn)
    failing = {}
    for dialogue, turns in by_dialogue.items():
        last = max((t["turn"] for t in turns if t["failures"]), default=0)
        if last:
            failing[dialogue] = [t for t in turns if t["turn"] <= last]
    return failing


def intent_errors(result: dict, top: int = 15) -> list[tuple[str, int]]:
    pairs = Counter(
        f"{t['expected_intent']} → {t['intent']}"
        for t in result["turns"]
        if t["expected_intent"] and t["intent"] != t["expected_intent"]
    )
    return pairs.most_common(top)


def confusion(result: dict) -> list[list[int]]:
    """Rows: expected emotion; columns: the emotion Teller read."""
    matrix = [[0] * len(EMOTIONS) for _ in EMOTIONS]
    for turn in result["turns"]:
        expected = turn["expect"].get("emotion")
        if expected and turn["emotion"] in EMOTIONS:
            matrix[EMOTIONS.index(expected)][EMOTIONS.index(turn["emotion"])] += 1
    return matrix


def metric_rows(result: dict) -> list[tuple[str, str]]:
    return [(k, "n/a" if v is None else str(v)) for k, v in result["metrics"].items()]


def markdown(result: dict, problems: list[str]) -> str:
    lines = ["# Teller evaluation", "", "| metric | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in metric_rows(result)]
    if result.get("voice_wer") is not None:
        lines.append(f"| voice_wer | {result['voice_wer']} |")
    lines += ["", "## Thresholds", ""]
    lines += [f"- FAILED: {p}" for p in problems] or ["All thresholds met."]
    lines += ["", "## Intent errors (expected → got)", ""]
    lines += [f"- {pair}: {count}" for pair, count in intent_errors(result)] or ["None."]
    lines += ["", "## Failing turns", ""]
    for dialogue, turns in failing_dialogues(result).items():
        lines += [f"### {dialogue}", ""]
        for t in turns:
            heard = f" _(heard: {t['transcribed']})_" if t["transcribed"] is not None else ""
            lines += [
                f"{t['turn']}. **Customer:** {t['user']}{heard}",
                f"   **Teller:** {t['answer']}",
            ]
            lines += [f"   - ✗ {failure}" for failure in t["failures"]]
        lines.append("")
    return "\n".join(lines) + "\n"


def bars_svg(items: list[tuple[str, float]], width: int = 640) -> str:
    """Horizontal bars with labels."""
    if not items:
        return "<p>None.</p>"
    top = max(value for _, value in items) or 1
    row, label_width = 22, 300
    parts = [f'<svg class="chart" width="{width}" height="{row * len(items) + 4}" role="img">']
    for i, (label, value) in enumerate(items):
        length = (width - label_width - 50) * value / top
        y, end = i * row, label_width + length
        parts += [
            f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label)}</text>',
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" '
            'fill="#0b5cad"/>',
            f'<text x="{end + 4:.1f}" y="{y + 15}" font-size="12">{value:g}</text>',
        ]
    return "".join(parts) + "</svg>"


def histogram_svg(values: list[float], bins: int = 20, width: int = 640, height: int = 180) -> str:
    if not values:
        return "<p>No turns.</p>"
    counts, edges = np.histogram(values, bins=bins)
    top, bar = max(counts.max(), 1), width / bins
    parts = [f'<svg class="chart" width="{width}" height="{height + 30}" role="img">']
    for i, count in enumerate(counts):
        h = (height - 10) * count / top
        parts.append(
            f'<rect x="{i * bar:.1f}" y="{height - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
            f'fill="#0b5cad"><title>{edges[i]:.0f} to {edges[i + 1]:.0f} ms: {count}</title></rect>'
        )
    parts.append(f'<text x="0" y="{height + 20}" font-size="12">{edges[0]:.0f} ms</text>')
    parts.append(
        f'<text x="{width - 80}" y="{height + 20}" font-size="12">{edges[-1]:.0f} ms</text>'
    )
    return "".join(parts) + "</svg>"


def confusion_table(matrix: list[list[int]]) -> str:
    top = max(max(row) for row in matrix) or 1
    head = "".join(f"<th>{e}</th>" for e in EMOTIONS)
    rows = []
    for label, row in zip(EMOTIONS, matrix, strict=True):
        cells = "".join(
            f'<td style="background: rgba(11,92,173,{0.85 * n / top:.2f})">{n}</td>' for n in row
        )
        rows.append(f"<tr><th>{label}</th>{cells}</tr>")
    return (
        f'<table class="confusion"><tr><th>expected \\ read</th>{head}</tr>{"".join(rows)}</table>'
    )


def html_report(result: dict, problems: list[str]) -> str:
    metrics = "".join(
        f"<tr><td>{k}</td><td>{html.escape(v)}</td></tr>" for k, v in metric_rows(result)
    )
    verdict = (
        "".join(f"<li>{html.escape(p)}</li>" for p in problems) or "<li>All thresholds met.</li>"
    )
    failing = []
    for dialogue, turns in failing_dialogues(result).items():
        items = []
        for t in turns:
            heard = (
                f" <em>(heard: {html.escape(t['transcribed'])})</em>"
                if t["transcribed"] is not None
                else ""
            )
            misses = "".join(f"<li>✗ {html.escape(f)}</li>" for f in t["failures"])
            items.append(
                f"<li><b>Customer:</b> {html.escape(t['user'])}{heard}<br>"
                f"<b>Teller:</b> {html.escape(t['answer'] or '')}<ul>{misses}</ul></li>"
            )
        failing.append(f"<h3>{html.escape(dialogue)}</h3><ol>{''.join(items)}</ol>")
    data = json.dumps(result, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Teller evaluation</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; }}
.confusion td {{ text-align: center; min-width: 3em; }}
</style></head><body>
<h1>Teller evaluation</h1>
<h2>Metrics</h2><table>{metrics}</table>
<h2>Thresholds</h2><ul>{verdict}</ul>
<h2>Emotion confusion matrix</h2>{confusion_table(confusion(result))}
<h2>Intent errors (expected → got)</h2>{bars_svg(intent_errors(result))}
<h2>Turn latency</h2>{histogram_svg([t["latency_ms"] for t in result["turns"]])}
<h2>Failing turns</h2>{"".join(failing) or "<p>None.</p>"}
<script type="application/json" id="results">{data}</script>
</body></html>
"""
