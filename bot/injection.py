"""Prompt-injection screening: attempts to override, reveal or role-play around the
assistant's instructions are declined before retrieval or generation."""

from __future__ import annotations

import re

PATTERNS = [
    # Overriding the instructions.
    r"\b(ignore|disregard|forget|override|bypass|skip|set\s+aside|drop|abandon)\b.{0,40}"
    r"\b(instruction|rule|prompt|guideline|polic|restriction|directive|direction|programming"
    r"|(everything|all|anything)\s+(above|before|previous|prior|earlier)|above\b|(previous|prior"
    r"|earlier)\s+(message|context|conversation|guidance|command|setting|order|text))",
    r"\b(instructions|directions|rules|guidelines)\b.{0,30}\b(are|is)\s+(now\s+)?"
    r"(cancel+ed|void|null|revoked|lifted|suspended|over)",
    r"\b(instructions|directions|rules|guidelines)\s+(you\s+(were|have\s+been)\s+given|you\s+got"
    r"|you'?ve\s+been\s+given)",
    r"\bstop\s+being\s+(a|an|the)\b",
    # Extracting the prompt.
    r"\b(system|hidden|initial|original|developer|secret)\s+(prompt|message|instruction|rule|note)s?\b",
    r"\b(print|reveal|show|display|repeat|output|tell|give|share|leak|dump|recite|spell|write|"
    r"summari[sz]e|list|quote)\b.{0,30}\b(your|the)\b.{0,20}\b(prompt|instructions|rules|"
    r"guidelines|configuration|directives)\b",
    r"\b(what|which)\s+(are|were|is)\s+your\s+(instructions|rules|guidelines|prompt|directives)\b"
    r"(?!\s+(for|on|about|regarding|around|when|if)\b)",
    r"\b(rules|instructions)\s+you'?ve\s+been\s+given\b",
    r"\bwhat\s+(were|was)\s+you\s+(told|given|instructed)\b",
    r"\b(everything|all\s+the\s+text|the\s+text|text)\b.{0,25}\b(above|before)\s+(this|my|the)\b",
    r"\b(first|last|opening)\s+(sentence|line|words?)\s+of\s+your\b",
    r"\b(translate|summari[sz]e|encode)\b.{0,20}\byour\s+(instructions|prompt|rules)\b",
    # Role-play and persona switches.
    r"\byou\s+are\s+(now|no\s+longer)\b",
    r"\b(pretend|roleplay|role-play|role\s+play)\b.{0,25}\b(as|to\s+be|you\s+are|you'?re|like)\b",
    r"\bact\s+as\s+(if|though|an?\s+(ai|assistant|model|chatbot|bot)|my\s+(late|dead|dear)"
    r"|dan)\b",
    r"\b(play\s+a\s+game|stay\s+in\s+character|in\s+character)\b",
    r"\bimagine\s+(you'?re|you\s+are|that\s+you)\b",
    r"\b(unrestricted|unfiltered|uncensored)\s+(ai|model|assistant|mode|version|bot)\b",
    r"\b(jailbreak|jail-break|DAN|do\s+anything\s+now|developer\s+mode|god\s+mode|sudo\s+mode"
    r"|maintenance\s+mode|debug\s+mode|admin\s+(mode|access))\b",
    # Claims of authority over the assistant.
    r"\b(switch|turn)\s+off\b.{0,30}\b(filters?|safety|checks|guard\w*|rules)\b",
    r"\b(disable|remove)\b.{0,20}\b(filters?|safety|guard\w*|restrictions)\b",
    r"\b(i'?m|i\s+am)\s+(your|one\s+of\s+the)\s+(developer|creator|engineer|programmer|admin)",
    r"\b(engineers?|developers?|people)\s+who\s+(built|made|created|trained)\s+you\b",
    # Markup pretending to be the system.
    r"<\s*/?\s*(system|im_start|im_end|assistant)\s*>|\[/?INST\]|<\|im_start\|>",
    r"#{2,}\s*system\b|\[\s*system\b|\"role\"\s*:\s*\"system\"|<\s*\w*override\w*\s*>",
    # Changing policy, fees or promises by decree.
    r"\bfrom\s+now\s+on\b.{0,40}\b(you|say|answer|respond|reply|tell)\b",
    r"\bfor\s+the\s+rest\s+of\s+(this|the|our)\s+(chat|conversation|session)\b",
    r"\b(new|updated|real)\s+(instructions|rules?|persona|role|bank\s+policy|policy)\b.{0,15}[:]",
    r"\b(new|updated)\s+(bank\s+)?polic(y|ies)\b.{0,40}\b(all|every|now)\b",
    r"\bupdate\s+your\s+(knowledge|instructions|rules|memory)\b",
    r"\byou'?re\s+(now\s+)?allowed\s+to\b|\byou\s+are\s+(now\s+)?allowed\s+to\b",
    r"\b(promise|guarantee)\s+me\b.{0,40}\b(refund|waive|zero|free|approve)",
    r"\bno\s+(rules|restrictions|limits|filters)\b|\bnever\s+refuse\b",
    r"\b(hypothetically|in\s+a\s+story|for\s+a\s+novel)\b.{0,60}\b(no\s+rules|without"
    r"\s+restrictions|not\s+bound|could\s+say\s+anything|unfiltered)\b",
]
INJECTION = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.I | re.S)

DECLINE = (
    "I can't change how I work or share my internal instructions, but I'm happy to help "
    "with your banking: cards, payments, transfers, your account, savings or loans."
)


def is_injection(text: str) -> bool:
    return INJECTION.search(text) is not None


def leaks_prompt(reply: str, system_prompt: str, window: int = 40) -> bool:
    """True when the reply repeats any ``window``-character run of the system prompt."""
    flat_reply = " ".join(reply.split()).lower()
    flat_prompt = " ".join(system_prompt.split()).lower()
    return any(
        flat_prompt[i : i + window] in flat_reply
        for i in range(0, max(1, len(flat_prompt) - window), window // 2)
    )
