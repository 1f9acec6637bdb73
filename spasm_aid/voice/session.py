"""One hands-free conversation, without audio devices: words or a recording in, the
assistant's replies out (VoiceSession), over the voice connector of a running assistant
(VoiceClient). make voice (spasm_aid.voice.__main__) and the live loop (spasm_aid.voice.live)
drive it; the evaluation and the tests drive it with files."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import List, Optional
from urllib.parse import quote

from spasm_aid import replies as reply_texts
from spasm_aid.client import request_json, triage_of
from spasm_aid.contract import VOICE_UNCLEAR_MESSAGE
from spasm_aid.voice import tts
from spasm_aid.voice.asr import Recognizer
from spasm_aid.voice.dialogue import VoiceState, confirmation_messages
from spasm_aid.voice.service import VoiceService


class VoiceClient:
    """Talks to the assistant's voice connector (text in; reply messages, and pushed timers)."""

    def __init__(self, server: str, sender: str) -> None:
        """server: the assistant's address, e.g. http://127.0.0.1:5005."""
        self.base = f"{server.rstrip('/')}/webhooks/voice"
        self.sender = sender

    def _call(self, url: str, body: Optional[bytes] = None, timeout: float = 60):
        try:
            return request_json(url, body, timeout=timeout)
        except (OSError, ValueError):  # unreachable, or an answer that is not JSON
            return 0, None

    def send(self, text: str):
        """(status, messages); messages is None when the assistant cannot be reached."""
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        status, payload = self._call(f"{self.base}/webhook?audio=0", body)
        return status, (payload or {}).get("messages")

    def understands_as_red_flag(self, text: str) -> bool:
        """The assistant's NLU on words, as if typed (the connector's /understand); False when
        the assistant cannot be reached (the words are then judged by the guard alone)."""
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        status, payload = self._call(f"{self.base}/understand", body, timeout=10)
        return status == 200 and bool((payload or {}).get("red_flag"))

    def pending(self, wait: float = 0) -> List[dict]:
        status, payload = self._call(f"{self.base}/pending?sender={quote(self.sender)}&wait={wait}&audio=0", timeout=wait + 30)
        return (payload or {}).get("messages") or []


class VoiceSession:
    """One hands-free conversation: recognise, ask the assistant, speak the reply."""

    def __init__(self, chat, recognizer: Recognizer, speaker: Optional[tts.Speaker], names_emergency=None) -> None:
        self.chat = chat
        self.voice = VoiceService(recognizer, names_emergency, speaker,
                                  understood_as_red_flag=getattr(chat, "understands_as_red_flag", None))
        self.state = VoiceState()
        # Loaded now, not at the first unclear utterance: that reply must not wait for it.
        self.voice.load()

    def turn(self, pcm: bytes) -> dict:
        started = time.perf_counter()
        expect_yes_no = self.state.expects_yes_no
        confirming, self.state.confirming = self.state.confirming, None
        heard, decision = self.voice.hear(pcm, expect_yes_no, confirming)
        recognised = time.perf_counter()
        # unclear speech (not an emergency) is not acted on as words: the assistant is told it
        # could not be made out, and answers, logs and counts that turn like any other
        send = {"send": decision.text, "unclear": VOICE_UNCLEAR_MESSAGE}.get(decision.kind)
        if decision.kind == "ask_again":
            replies = [{"text": decision.ask_again_text(expect_yes_no)}]
        elif decision.kind == "confirm":  # one question, which gives the number itself
            self.state.confirming = decision
            replies = confirmation_messages(self.chat.sender, decision)
        elif decision.kind == "send" and self.state.local_command(decision.text) == "faster":
            replies = self.state.last_replies or [{"text": "Okay, faster."}]
        else:
            replies = self._ask_assistant(send)
        answered = time.perf_counter()
        return {
            "heard": heard.heard,
            "sent": send,
            "source": heard.source,
            "second_opinion": heard.second_opinion,
            "alternative": heard.alternative,
            "spotted": heard.spotted,
            "decision": decision.kind,
            "expect_yes_no": expect_yes_no,
            "replies": replies,
            "triage": triage_of(replies),
            "rate": self.state.speaking_rate(replies),
            "seconds": {"recognise": recognised - started, "assistant": answered - recognised},
        }

    def _ask_assistant(self, text: Optional[str]) -> List[dict]:
        status, replies = self.chat.send(text)
        if not isinstance(replies, list) or not replies:
            # The assistant cannot be reached: never leave the person with silence.
            replies = [{"text": reply_texts.text(reply_texts.UNREACHABLE)}]
        self.state.last_replies = replies
        return replies

    def say_text(self, text: str) -> dict:
        """A command heard over a reply (barge-in: "help", "stop", "repeat"), answered as if said alone."""
        self.state.confirming = None
        return self._sent_without_recognition(text, heard=text, source="barge_in")

    def silence(self) -> Optional[dict]:
        """Nothing said for a while. After a confirmation question ("Did you say ...? If you did,
        call ..."), silence leans up: its emergency words go to the assistant. Otherwise nothing."""
        if self.state.confirming is None:
            return None
        text, self.state.confirming = self.state.confirming.text, None
        return self._sent_without_recognition(text, heard=None, source="silence")

    def _sent_without_recognition(self, text: str, heard: Optional[str], source: str) -> dict:
        """A turn whose words are already known (a command over a reply, the emergency words after
        silence), in the shape `turn` returns."""
        replies = self._ask_assistant(text)
        return {"heard": heard, "sent": text, "source": source, "decision": "send", "replies": replies,
                "triage": triage_of(replies), "rate": self.state.speaking_rate(replies), "seconds": {}}

    def speech_text(self, replies: List[dict]) -> str:
        return self.voice.speech_text(replies)

    def speak_to_file(self, result: dict, path: Path) -> Path:
        started = time.perf_counter()
        self.voice.speak_to_file(self.speech_text(result["replies"]), path, result["rate"])
        result["seconds"]["synthesise"] = time.perf_counter() - started
        return path

    def pushed(self, wait: float = 0) -> Optional[dict]:
        """Messages the assistant pushed by itself (timers, reminders), ready to be spoken."""
        if not hasattr(self.chat, "pending"):
            return None
        messages = self.chat.pending(wait)
        if not messages:
            return None
        return {"heard": None, "sent": None, "source": "pushed", "replies": messages, "triage": None,
                "rate": self.state.speaking_rate(messages), "seconds": {}}
