"""``teller bench helpfulness``: does the reply to a follow-up lead with the sentence that
answers it?

Each case is a follow-up from the held-out dialogues, the approved sentences of the
entry it routed to, and the sentences an independent labeller marked as answering it
(``evals/data/heldout/followups.json``). The LLM writer chooses among the sentences as
it does in a turn; a case counts when its first chosen sentence is an answering one.
The baseline is the approved answer as it stands (its first sentence leads).
"""

from __future__ import annotations

import json
import statistics
import time

from tqdm import tqdm

from bot.factory import writer_config
from bot.prompt import Exchange
from bot.settings import Settings
from bot.support import SupportChecker
from bot.writer import Brief, Writer
from evals import EVAL_DATA

CASES = EVAL_DATA / "heldout" / "followups.json"


def run(settings: Settings) -> dict:
    from bot.llm import backend_name, chat_model

    llm = chat_model(settings.model_copy(update={"llm": "embedded"}))
    writer = Writer(llm, backend_name(llm), writer_config(settings))
    cases = [c for c in json.loads(CASES.read_text(encoding="utf-8")) if c["answers"]]
    led = baseline = 0
    latencies = []
    for case in tqdm(cases, desc="follow-ups", unit="case"):
        sentences = tuple(case["sentences"])
        brief = Brief(sentences, case["question"], opening="", earlier=Exchange(case["earlier"]))
        started = time.perf_counter()
        events = writer.write(brief, (case["entry_id"],), SupportChecker(sentences))
        first = next(events).text.strip()
        latencies.append((time.perf_counter() - started) * 1000)
        for _ in events:  # the rest of the reply
            pass
        answering = {sentences[n - 1] for n in case["answers"]}
        led += first in answering
        baseline += sentences[0] in answering
    return {
        "cases": len(cases),
        "llm_leads_with_an_answering_sentence": round(led / len(cases), 3),
        "approved_answer_leads_with_one": round(baseline / len(cases), 3),
        "first_sentence_p50_ms": round(statistics.median(latencies), 1),
        "llm": backend_name(llm),
    }
