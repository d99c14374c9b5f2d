"""Word error rate, on text normalised the way Whisper's authors score it (case,
punctuation, spelling variants and spoken numbers made comparable)."""

from __future__ import annotations

from functools import cache


@cache
def normalizer():
    from whisper.normalizers import EnglishTextNormalizer

    return EnglishTextNormalizer()


def words(text: str) -> list[str]:
    return normalizer()(text).split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Word substitutions, deletions and insertions turning one into the other."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, 1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1]


def wer(references: list[str], hypotheses: list[str]) -> float:
    """Corpus WER: total word errors over total reference words."""
    errors = total = 0
    for reference, hypothesis in zip(references, hypotheses, strict=True):
        ref = words(reference)
        errors += edit_distance(ref, words(hypothesis))
        total += len(ref)
    return round(errors / total, 4) if total else 0.0
