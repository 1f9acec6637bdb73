"""The voice connector: a Rasa input channel for thin speaker clients.

    POST /webhooks/voice/webhook   {"sender": "...", "message": "..."}  (JSON text), or
                                   a WAV body (Content-Type audio/wav) with ?sender=...
        -> {"heard": <text>, "messages": [...], "speech": <speakable text>, "rate": <wpm>,
            "audio_wav_base64": <reply audio>}   (audio unless ?audio=0)
    GET  /webhooks/voice/pending?sender=...&wait=20
        -> the same shape, for messages pushed later (ice or heat timers, walk reminders);
           waits up to `wait` seconds (at most 30) for one to arrive.
    POST /webhooks/voice/understand  {"sender": "...", "message": "..."}
        -> {"red_flag": true|false}: would the assistant read these words, typed, as a red flag?
           (make voice asks, for the second recogniser's words; spasm_aid.voice.dialogue.decide)

Speech is recognised and synthesised in the Rasa server (pocketsphinx, pyttsx3), offline.
Pushed messages wait for their client in the push store (spasm_aid.channels.voice_store);
recognition and speech are the voice service's (spasm_aid.voice.service), shared with make voice.
"""
from __future__ import annotations

import asyncio
import base64
import logging
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import replies
from spasm_aid.channels.common import (
    MAX_SENDER_CHARS,
    EnvironmentChannel,
    from_allowed_origins,
    reading_long_text_aside,
    refusal_body,
    request_payload,
)
from spasm_aid.channels.edge import REFUSALS, InputError, clean_sender, remember
from spasm_aid.channels.voice_store import PendingMessages, VoiceOutput
from spasm_aid.contract import RED_FLAG_INTENT, VOICE_UNCLEAR_MESSAGE, expects_yes_no
from spasm_aid.voice import tts
from spasm_aid.voice.dialogue import Decision, confirmation_messages, speaking_rate
from spasm_aid.voice.service import VoiceService

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 30
MAX_CONVERSATIONS_REMEMBERED = 10_000
AUDIO_TYPES = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/flac", "audio/x-flac", "audio/ogg")
MAX_AUDIO_BYTES = 2 * 1024 * 1024  # about a minute of 16 kHz 16-bit mono


class VoiceInput(EnvironmentChannel):
    CAN_PUSH = True  # the push store, collected through /pending

    @classmethod
    def name(cls) -> Text:
        return "voice"

    def __init__(self) -> None:
        self.store = PendingMessages()
        # the last replies of recent conversations, to know a yes/no question is pending
        self.last_messages: "OrderedDict[str, List[Dict[str, Any]]]" = OrderedDict()
        # conversations asked "Did you say ...? If you did, call ..." (the recognisers disagreed
        # on a negation): their next utterance answers it
        self.confirming: "OrderedDict[str, Decision]" = OrderedDict()
        self.voice = VoiceService()  # the engines load when a voice client first calls

    def output_for(self, sender: str) -> VoiceOutput:
        """What reaches one person later, unasked (a follow-up check-in): the push store their
        client collects from through /pending (spasm_aid.check_ins.worker)."""
        return VoiceOutput(self.store, sender)

    def render(self, messages: List[Dict[str, Any]], with_audio: bool, heard: Optional[str] = None) -> Dict[str, Any]:
        speech = self.voice.speech_text(messages)
        rate = speaking_rate(messages, tts.NORMAL_RATE)
        body: Dict[str, Any] = {"heard": heard, "messages": messages, "speech": speech, "rate": rate}
        if with_audio and speech:
            with tempfile.TemporaryDirectory(prefix="spasm-aid-voice-") as tmp:
                path = self.voice.speak_to_file(speech, Path(tmp) / "reply.wav", rate)
                body["audio_wav_base64"] = base64.b64encode(path.read_bytes()).decode("ascii")
        return body

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        webhook = self.webhook_blueprint()

        @webhook.route("/webhook", methods=["POST"])
        @from_allowed_origins
        async def receive(request: Request) -> HTTPResponse:
            with_audio = request.args.get("audio", "1") != "0"
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
            try:
                if content_type in AUDIO_TYPES:
                    sender, heard, text, own_reply = await self._hear(request)
                    if own_reply is not None:
                        log_own_turn(request, sender, heard, own_reply)
                        return response.json(self.render(own_reply, with_audio, heard))
                    metadata = None
                else:
                    sender, text, metadata = request_payload(request)
                    heard = text
            except InputError as error:
                refused = await refusal_body(error, request.args.get("sender", ""), self.name())
                return response.json(dict(self.render(refused["messages"], with_audio), error=refused["error"]),
                                     status=error.status)
            output = VoiceOutput(self.store, sender)
            try:
                await on_new_message(UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))
            except Exception:
                logger.exception("Voice: handling a message failed.")
                return response.json(self.render(replies.failure(sender), with_audio, heard), status=500)
            messages = self.store.take(sender)
            remember(self.last_messages, sender, messages, MAX_CONVERSATIONS_REMEMBERED)
            return response.json(self.render(messages or replies.failure(sender), with_audio, heard))

        @webhook.route("/understand", methods=["POST"])
        @from_allowed_origins
        async def understand(request: Request) -> HTTPResponse:
            try:
                _, text, _ = request_payload(request)
            except InputError as error:
                return response.json({"error": REFUSALS.refusal_text(str(error))}, status=error.status)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None:
                return response.json({"error": REFUSALS.refusal_text("The assistant's model is not loaded yet.")}, status=503)
            return response.json({"red_flag": await _parses_as_red_flag(agent, text)})

        @webhook.route("/pending", methods=["GET"])
        async def pending(request: Request) -> HTTPResponse:
            try:
                sender = clean_sender(request.args.get("sender", ""), MAX_SENDER_CHARS)
            except InputError:
                return response.json({"error": REFUSALS.refusal_text("?sender= is required: the conversation id.")},
                                     status=400)
            try:
                wait = min(MAX_WAIT_SECONDS, max(0.0, float(request.args.get("wait", "0"))))
            except ValueError:
                return response.json({"error": REFUSALS.refusal_text("?wait= must be a number of seconds.")}, status=400)
            messages = await self.store.wait(sender, wait)
            return response.json(self.render(messages, request.args.get("audio", "1") != "0"))

        return webhook

    async def _hear(self, request: Request) -> Tuple[str, Optional[str], str, Optional[List[Dict[str, Any]]]]:
        """A recording: (sender, the words heard, the text for the assistant, and the connector's
        own reply when it answers without the assistant: asking again, or the confirmation
        question). InputError for a request that cannot be heard."""
        try:
            sender = clean_sender(request.args.get("sender", ""), MAX_SENDER_CHARS)
        except InputError:
            raise InputError("?sender= is required with audio: the conversation id.") from None
        body = request.body or b""
        if not body or len(body) > MAX_AUDIO_BYTES:
            raise InputError(f"The audio must be a WAV file of at most {MAX_AUDIO_BYTES // 1024} KiB.", 413 if body else 400)
        expect_yes_no = self._expects_yes_no(sender)
        confirming = self.confirming.pop(sender, None)
        # recognition and the guard's reading of the words off the event loop: both take a
        # while, the first time (models load) and every time (decoding)
        loop = asyncio.get_running_loop()
        understood = self._understood_as_red_flag(request, loop)
        recognition, decision = await loop.run_in_executor(None, self._recognise, body, expect_yes_no, confirming, understood)
        if decision.kind == "ask_again":  # never guess an answer: ask again
            again = [{"recipient_id": sender, "text": decision.ask_again_text(expect_yes_no)}]
            return sender, recognition.heard, "", again
        if decision.kind == "confirm":  # one question, which gives the number itself
            remember(self.confirming, sender, decision, MAX_CONVERSATIONS_REMEMBERED)
            return sender, recognition.heard, "", confirmation_messages(sender, decision)
        # unclear speech (not an emergency) is not acted on as words: the assistant is told it
        # could not be made out, and answers and logs that turn like any other
        text = VOICE_UNCLEAR_MESSAGE if decision.kind == "unclear" else decision.text
        return sender, recognition.heard, text, None

    def _expects_yes_no(self, sender: str) -> bool:
        return expects_yes_no(self.last_messages.get(sender, []))

    def _recognise(self, audio: bytes, expect_yes_no: bool = False, confirming: Optional[Decision] = None,
                   understood: Optional[Callable[[str], bool]] = None):
        """(recognition, what to do with it), for a recording's bytes (on a worker thread)."""
        from spasm_aid.voice.audio import RecognitionError, read_audio

        try:
            return self.voice.hear(read_audio(audio), expect_yes_no, confirming, understood)
        except RecognitionError as error:
            raise InputError(str(error)) from error

    @staticmethod
    def _understood_as_red_flag(request: Request, loop: asyncio.AbstractEventLoop) -> Optional[Callable[[str], bool]]:
        """The Rasa server's own NLU as a yes/no on words, callable from the recognition thread."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None:
            return None

        def understood(text: str) -> bool:
            return asyncio.run_coroutine_threadsafe(_parses_as_red_flag(agent, text), loop).result(timeout=NLU_TIMEOUT_SECONDS)

        return understood


NLU_TIMEOUT_SECONDS = 10


OWN_TURN_INTENT = "voice_connector"  # in the session log: a turn the connector answered itself


def log_own_turn(request: Request, sender: str, heard: Optional[str], messages: List[Dict[str, Any]]) -> None:
    """A turn the connector answers without the assistant (asking again, the confirmation
    question) goes to the session log as any turn does, through the assistant's event broker, so
    that speech not heard shows in `make report` (issue 31). A broken broker is logged, never
    lets the reply fail."""
    agent = getattr(request.app.ctx, "agent", None)
    broker = getattr(getattr(agent, "tracker_store", None), "event_broker", None)
    if broker is None:
        return
    now = time.time()
    events = [{"event": "user", "sender_id": sender, "timestamp": now, "text": heard or "", "input_channel": "voice",
               "parse_data": {"intent": {"name": OWN_TURN_INTENT, "confidence": None}, "entities": []}}]
    for message in messages:
        custom = message.get("custom")
        custom = custom if isinstance(custom, dict) else {}
        events.append({"event": "bot", "sender_id": sender, "timestamp": now, "text": message.get("text"),
                       "data": {"custom": custom}, "metadata": {"utter_action": custom.get("response") or OWN_TURN_INTENT}})
    try:
        for event in events:
            broker.publish(event)
    except Exception:  # the reply matters more than its log line
        logger.exception("Voice: a turn the connector answered could not be sent to the session log.")


async def _parses_as_red_flag(agent: Any, text: str) -> bool:
    """Whether the assistant's NLU (its guard and its classifier) reads `text` as a red flag; a
    leading "/" is dropped, so words are never taken for an intent payload."""
    try:
        parsed = await agent.parse_message(text.lstrip("/ ")[:MAX_UNDERSTAND_CHARS])
    except Exception:  # the words are still sent as heard; the failure is logged, not hidden
        logger.exception("Voice: the NLU could not read the second recogniser's words.")
        return False
    return ((parsed or {}).get("intent") or {}).get("name") == RED_FLAG_INTENT


MAX_UNDERSTAND_CHARS = 2000
