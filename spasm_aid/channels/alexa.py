"""Alexa custom skill (web service): POST /webhooks/alexa/webhook; set up as in the README
("Channels"; details in docs/channels.md), with the interaction model in
deploy/alexa/interaction-model.json.

Every request is verified as Amazon requires (spasm_aid/channels/alexa_verify.py); any failure
is answered 400. Settings: ALEXA_SKILL_ID (the skill's id: requests for other skills are
refused), ALEXA_TRUST_ROOTS (a PEM file of trusted roots; default: certifi's bundle, which holds
the roots Amazon's signing certificate chains to), ALEXA_CERT_MIRROR (tests only: fetch the
certificate chain from this base URL instead of s3.amazonaws.com, after the URL checks).

Replies are SSML: breath-sized parts with short pauses, the emergency message slower, a
reprompt whenever the session stays open, and the session closed only after stop or cancel.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import replies, settings
from spasm_aid.channels.alexa_verify import RequestVerifier, VerificationError, load_roots
from spasm_aid.channels.common import EnvironmentChannel, collect_replies, reading_long_text_aside, too_large
from spasm_aid.channels.edge import MAX_MESSAGE_CHARS, REFUSALS, clean_text
from spasm_aid.contract import VOICE_UNCLEAR_MESSAGE, expects_yes_no, routes_to_emergency

logger = logging.getLogger(__name__)

# What each built-in intent means to the assistant. Help is an emergency request here, as
# "help" is everywhere in this assistant: when in doubt, route up.
BUILT_IN = {
    "AMAZON.HelpIntent": "help",
    "AMAZON.StopIntent": "stop",
    "AMAZON.CancelIntent": "stop",
    "AMAZON.RepeatIntent": "repeat",
    "AMAZON.YesIntent": "yes",
    "AMAZON.NoIntent": "no",
    # Alexa heard something that matches no sample: answered as unclear speech (call now if it
    # is serious, else say it again), never sent on as an empty message
    "AMAZON.FallbackIntent": VOICE_UNCLEAR_MESSAGE,
    "AMAZON.NavigateHomeIntent": "start over",
}
# The interaction model (tools/make_alexa_model.py) carries the phrase's first word in the
# intent's name, because Alexa passes an AMAZON.SearchQuery slot without the words around it:
# Carrier_<word>_Intent + slot "feel my legs" is "<word> feel my legs"; Say_<word>_Intent is
# the one word.
CARRIER = re.compile(r"Carrier_([a-z]+)_Intent")
SAY = re.compile(r"Say_([a-z]+)_Intent")
ENDS_SESSION = {"AMAZON.StopIntent", "AMAZON.CancelIntent"}
MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KiB
REPROMPT_YES_NO = "Please answer yes or no, or say not sure."
REPROMPT_OPEN = "What would you like to know? You can ask about ice or heat, rest, walking or pain relief."
REPROMPT_EMERGENCY = "Say repeat to hear the emergency advice again."


def ssml(texts: List[str], slow: bool = False) -> str:
    from spasm_aid.voice.speakable import breath_parts

    parts = [escape(p) for t in texts for p in breath_parts(t)]
    body = '<break time="300ms"/>'.join(parts)
    if slow:
        body = f'<prosody rate="slow">{body}</prosody>'
    return f"<speak>{body}</speak>"


def alexa_response(messages: List[Dict[str, Any]], end_session: bool) -> Dict[str, Any]:
    texts = [m["text"] for m in messages if m.get("text")]
    emergency = routes_to_emergency(messages)
    result: Dict[str, Any] = {"outputSpeech": {"type": "SSML", "ssml": ssml(texts, slow=emergency)},
                              "shouldEndSession": end_session}
    if not end_session:
        asks_yes_no = expects_yes_no(messages)
        again = REPROMPT_EMERGENCY if emergency else REPROMPT_YES_NO if asks_yes_no else REPROMPT_OPEN
        result["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": ssml([again])}}
    return {"version": "1.0", "response": result}


def what_was_said(request: Dict[str, Any]) -> Optional[str]:
    """The text for the assistant, or None for a request with nothing to say."""
    kind = request.get("type")
    if kind == "LaunchRequest":
        return "hello"
    if kind != "IntentRequest":
        return None
    intent = request.get("intent") or {}
    name = intent.get("name")
    if not isinstance(name, str):
        return ""
    carrier, say = CARRIER.fullmatch(name), SAY.fullmatch(name)
    if carrier:
        slot = ((intent.get("slots") or {}).get("utterance") or {}).get("value")
        return f"{carrier.group(1)} {slot}" if isinstance(slot, str) and slot.strip() else carrier.group(1)
    if say:
        return say.group(1)
    # an intent this model does not have (an old model still deployed): as if nothing matched
    return BUILT_IN.get(name, VOICE_UNCLEAR_MESSAGE)


class AlexaChannel(EnvironmentChannel):
    CAN_PUSH = False  # answers the request only (no proactive events here)

    @classmethod
    def name(cls) -> Text:
        return "alexa"

    def __init__(self) -> None:
        import certifi

        config = settings.AlexaSettings.from_env()
        self.skill_id = config.skill_id
        roots_path = config.trust_roots or certifi.where()
        self.mirror = config.cert_mirror
        with open(roots_path, "rb") as handle:
            roots = load_roots(handle.read())
        if self.skill_id is None:
            logger.warning("Alexa: ALEXA_SKILL_ID is not set; requests for any skill id are accepted.")
        self.verifier = RequestVerifier(roots, self._fetch, self.skill_id)

    async def _fetch(self, url: str) -> bytes:
        if self.mirror:
            url = self.mirror + urlsplit(url).path
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            async with session.get(url) as reply:
                if reply.status != 200:
                    raise VerificationError(f"HTTP {reply.status} fetching the certificate chain")
                return await reply.read()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        webhook = self.webhook_blueprint()

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return too_large(MAX_BODY_BYTES)
            try:
                envelope = await self.verifier.verify({k.lower(): v for k, v in request.headers.items()}, request.body or b"")
            except VerificationError as error:
                logger.warning("Alexa: refused a request: %s", error)
                return response.json({"error": f"Request verification failed: {error}"}, status=400)
            alexa_request = envelope.get("request") or {}
            session_id = str((envelope.get("session") or {}).get("sessionId") or "")[:100]
            if alexa_request.get("type") == "SessionEndedRequest":
                logger.info("Alexa: session ended (%s).", alexa_request.get("reason"))
                return response.json({"version": "1.0", "response": {}})
            text = what_was_said(alexa_request)
            if text is None or not session_id:
                return response.json({"version": "1.0", "response": {"shouldEndSession": True}})
            intent_name = (alexa_request.get("intent") or {}).get("name")
            sender = f"alexa-{session_id}"
            collector = CollectingOutputChannel()
            text = clean_text(text)
            if len(text) > MAX_MESSAGE_CHARS:
                messages = await REFUSALS.replies(sender, replies.text(replies.TOO_LONG), text, self.name())
                return response.json(alexa_response(messages, end_session=False))
            messages, _ = await collect_replies(on_new_message, UserMessage(text, collector, sender, input_channel=self.name()),
                                                collector)
            return response.json(alexa_response(messages, end_session=intent_name in ENDS_SESSION))

        return webhook
