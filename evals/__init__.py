"""The proof: benchmarks, scripted dialogues and their reports."""

from pathlib import Path

EVAL_DATA = Path(__file__).parent / "data"
