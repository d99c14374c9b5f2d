"""What the bank knows: the facts sheet, the FAQ corpus, its index and the retriever."""

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
