"""PII masking with Presidio, fully offline.

Presidio's analyzer wants a spaCy pipeline; a blank English pipeline saved to disk
(no model download) is enough, because only pattern recognizers are used: card
numbers (Luhn-checked), IBANs, phone numbers, e-mail addresses, UK account numbers and
sort codes. Masking happens before anything is stored or sent to an LLM.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MASKS = {
    "CREDIT_CARD": "[card number]",
    "IBAN_CODE": "[IBAN]",
    "UK_ACCOUNT_NUMBER": "[account number]",
    "UK_SORT_CODE": "[sort code]",
    "PHONE_NUMBER": "[phone number]",
    "EMAIL_ADDRESS": "[email]",
}
# Entities whose presence earns the customer a reminder never to share them.
SECRETS = frozenset({"CREDIT_CARD", "IBAN_CODE", "UK_ACCOUNT_NUMBER"})
PHONE_REGIONS = ("GB", "IE", "US", "DE", "FR", "ES", "IT", "NL", "PL")
MIN_SCORE = 0.35


@dataclass(frozen=True)
class Redaction:
    text: str
    entities: tuple[str, ...] = ()

    @property
    def shared_secret(self) -> bool:
        return any(entity in SECRETS for entity in self.entities)


def ensure_blank_spacy(path: Path) -> Path:
    """Save a blank English spaCy pipeline once; Presidio loads it from disk."""
    if not (path / "config.cfg").is_file():
        import spacy

        spacy.blank("en").to_disk(path)
    return path


class Redactor:
    def __init__(self, spacy_dir: Path):
        from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            IbanRecognizer,
            PhoneRecognizer,
        )
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig

        nlp = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": str(ensure_blank_spacy(spacy_dir))}],
            }
        ).create_engine()
        registry = RecognizerRegistry(supported_languages=["en"])
        # Presidio's own e-mail recognizer looks up domain suffixes on the network.
        email = Pattern("email", r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b", 0.9)
        # The blank pipeline has no lemmas for Presidio's context boost, so the
        # account-number pattern carries its own context words.
        account = Pattern(
            "uk account",
            r"(?i)\b(?:account|acct|a/c)(?:\s+(?:number|no\.?|num))?\s*(?:is|:)?\s*\d{8}\b",
            0.6,
        )
        sort_code = Pattern("sort code", r"(?<![\d-])\d{2}-\d{2}-\d{2}(?![\d-])", 0.5)
        # International numbers written without spaces, which the phone library misses.
        compact_phone = Pattern("compact phone", r"(?<![\w+])\+\d{10,14}\b", 0.5)
        for recognizer in (
            CreditCardRecognizer(),
            IbanRecognizer(),
            PhoneRecognizer(supported_regions=PHONE_REGIONS),
            PatternRecognizer("EMAIL_ADDRESS", patterns=[email]),
            PatternRecognizer("UK_ACCOUNT_NUMBER", patterns=[account]),
            PatternRecognizer("UK_SORT_CODE", patterns=[sort_code]),
            PatternRecognizer("PHONE_NUMBER", patterns=[compact_phone], name="CompactPhone"),
        ):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            nlp_engine=nlp, registry=registry, supported_languages=["en"]
        )
        self.anonymizer = AnonymizerEngine()
        self.operators = {
            entity: OperatorConfig("replace", {"new_value": mask}) for entity, mask in MASKS.items()
        }

    def redact(self, text: str) -> Redaction:
        found = self.analyzer.analyze(text, language="en", score_threshold=MIN_SCORE)
        if not found:
            return Redaction(text)
        masked = self.anonymizer.anonymize(text, found, operators=self.operators).text
        return Redaction(masked, tuple(sorted({r.entity_type for r in found})))
