"""PII masking with Presidio, fully offline.

Presidio's analyzer wants a spaCy pipeline; a blank English pipeline saved to disk
(no model download) is enough, because the recognizers are patterns: Teller's UK rules
(:mod:`bot.pii_patterns`) and Presidio's phone recognizer. Masking happens before a
message reaches retrieval or an LLM, and again on every field where a turn is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.pii_patterns import RULES, Rule, as_typed_digits

MASKS = {
    "CREDIT_CARD": "[card number]",
    "CARD_EXPIRY": "[expiry date]",
    "IBAN_CODE": "[IBAN]",
    "UK_ACCOUNT_NUMBER": "[account number]",
    "UK_SORT_CODE": "[sort code]",
    "UK_NINO": "[NI number]",
    "PASSPORT": "[passport number]",
    "DATE_OF_BIRTH": "[date of birth]",
    "UK_POSTCODE": "[postcode]",
    "ADDRESS": "[address]",
    "PERSON": "[name]",
    "PHONE_NUMBER": "[phone number]",
    "EMAIL_ADDRESS": "[email]",
    "PIN": "[PIN]",
    "CVV": "[security code]",
    "ONE_TIME_CODE": "[one-time code]",
    "PASSWORD": "[password]",
    "NUMBER": "[number]",
}
# Entities whose presence earns the customer a reminder never to share them.
SECRETS = frozenset(
    {
        "CREDIT_CARD",
        "CARD_EXPIRY",
        "IBAN_CODE",
        "UK_ACCOUNT_NUMBER",
        "PIN",
        "CVV",
        "ONE_TIME_CODE",
        "PASSWORD",
    }
)
PHONE_REGIONS = ("GB", "IE", "US", "DE", "FR", "ES", "IT", "NL", "PL")
MIN_SCORE = 0.35
TRIM = " \t,;:.!?'\"()"


@dataclass(frozen=True)
class Redaction:
    text: str
    entities: tuple[str, ...] = ()

    @property
    def shared_secret(self) -> bool:
        return any(entity in SECRETS for entity in self.entities)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


def ensure_blank_spacy(path: Path) -> Path:
    """Save a blank English spaCy pipeline once; Presidio loads it from disk."""
    if not (path / "config.cfg").is_file():
        import spacy

        spacy.blank("en").to_disk(path)
    return path


def rule_spans(rule: Rule, text: str) -> list[Span]:
    """Where ``rule`` finds personal data in ``text``: its ``v`` group, or the whole match.
    A match its check refuses is retried one character further on."""
    if rule.context and not rule.context.search(text):
        return []
    group = "v" if "v" in rule.pattern.groupindex else 0
    spans = []
    position = 0
    while (match := rule.pattern.search(text, position)) is not None:
        start, end = match.span(group)
        value = text[start:end]
        if rule.check and not rule.check(value):
            position = match.start() + 1
            continue
        # A keyword's value may hold the next keyword ("the name MR D PATEL"): those
        # rules look again from the next character; overlaps are merged later.
        position = match.start() + 1 if group else match.end()
        stripped = value.rstrip(TRIM)
        start += len(value) - len(value.lstrip(TRIM))
        end -= len(value) - len(stripped)
        if end > start:
            spans.append(Span(start, end, rule.entity, rule.score))
    return spans


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping finds become one masked span, named after the surest of them."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = last if last.score >= span.score else span
            merged[-1] = Span(last.start, max(last.end, span.end), best.entity, best.score)
        else:
            merged.append(span)
    return merged


def mask(text: str, spans: list[Span]) -> str:
    for span in reversed(spans):
        text = text[: span.start] + MASKS[span.entity] + text[span.end :]
    return text


class Redactor:
    """Masks personal data in text. :meth:`redact` says what was found;
    :meth:`mask` is the cached text-only form used where turns are stored."""

    def __init__(self, spacy_dir: Path, cache_size: int = 4096):
        from presidio_analyzer import (
            AnalyzerEngine,
            EntityRecognizer,
            RecognizerRegistry,
            RecognizerResult,
        )
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import PhoneRecognizer

        class RuleRecognizer(EntityRecognizer):
            """Teller's rules for one entity, as a Presidio recognizer."""

            def __init__(self, entity: str, rules: list[Rule]):
                self.rules = rules
                super().__init__(supported_entities=[entity], name=f"Teller{entity.title()}")

            def load(self) -> None:
                """Nothing to load: the rules are compiled patterns."""

            def analyze(self, text, entities, nlp_artifacts=None):
                return [
                    RecognizerResult(s.entity, s.start, s.end, s.score)
                    for rule in self.rules
                    for s in rule_spans(rule, text)
                ]

        nlp = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": str(ensure_blank_spacy(spacy_dir))}],
            }
        ).create_engine()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.add_recognizer(PhoneRecognizer(supported_regions=PHONE_REGIONS))
        for entity in dict.fromkeys(rule.entity for rule in RULES):
            registry.add_recognizer(
                RuleRecognizer(entity, [rule for rule in RULES if rule.entity == entity])
            )
        self.analyzer = AnalyzerEngine(
            nlp_engine=nlp, registry=registry, supported_languages=["en"]
        )
        self.mask = lru_cache(maxsize=cache_size)(self._mask)

    def spans(self, text: str) -> list[Span]:
        """Where ``text`` holds personal data (read with letters typed for digits as digits)."""
        found = self.analyzer.analyze(
            as_typed_digits(text), language="en", score_threshold=MIN_SCORE
        )
        return merge([Span(r.start, r.end, r.entity_type, r.score) for r in found])

    def redact(self, text: str) -> Redaction:
        spans = self.spans(text)
        if not spans:
            return Redaction(text)
        return Redaction(mask(text, spans), tuple(sorted({s.entity for s in spans})))

    def _mask(self, text: str) -> str:
        return self.redact(text).text
