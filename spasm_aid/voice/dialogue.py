"""What the voice layer decides by itself, as plain logic: whether a yes/no question is
pending, which commands it handles without the assistant, and how fast to speak."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Set

import yaml

from spasm_aid.voice import tts

ROOT = Path(__file__).resolve().parent.parent.parent
FASTER = {"faster", "speed up", "go faster"}
SLOWER = {"slower", "slow down", "speak slower", "slower please"}
NOT_HEARD_YES_NO = "Sorry, was that a yes or a no?"
NOT_HEARD = "Sorry, I didn't catch that. Please say it again, or say help if you need help now."


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def yes_no_questions(domain_path: Path = ROOT / "domain.yml") -> Set[str]:
    """Every wording of every question the forms ask (responses named utter_ask_*)."""
    with open(domain_path, encoding="utf-8") as handle:
        responses = yaml.safe_load(handle)["responses"]
    return {
        _key(variation["text"])
        for name, variations in responses.items()
        if name.startswith("utter_ask_")
        for variation in variations
        if "text" in variation
    }


@dataclass
class VoiceState:
    questions: Set[str]
    rate: int = tts.NORMAL_RATE
    last_replies: List[dict] = field(default_factory=list)

    @property
    def expects_yes_no(self) -> bool:
        texts = [r.get("text", "") for r in self.last_replies if r.get("text")]
        return bool(texts) and _key(texts[-1]) in self.questions

    @property
    def last_was_emergency(self) -> bool:
        return any((r.get("custom") or {}).get("triage") == "emergency" for r in self.last_replies)

    def local_command(self, text: str) -> Optional[str]:
        """'faster' is handled here (the assistant has no such intent); 'slower' also here,
        and is passed on so the assistant repeats itself."""
        said = _key(text)
        if said in FASTER:
            self.rate = min(tts.MAX_RATE, self.rate + tts.RATE_STEP)
            return "faster"
        if said in SLOWER:
            self.rate = max(tts.MIN_RATE, self.rate - tts.RATE_STEP)
            return "slower"
        return None

    def speaking_rate(self, replies: Iterable[dict]) -> int:
        """The emergency message is always spoken slowly."""
        if any((r.get("custom") or {}).get("triage") == "emergency" for r in replies):
            return min(self.rate, tts.SLOW_RATE)
        return self.rate
