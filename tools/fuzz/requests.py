"""Hypothesis strategies for hostile and random requests, one per endpoint of the assistant.

Each strategy draws a `Probe`: an HTTP request (or raw bytes for the socket) and what the answer
must satisfy beyond the general rules (no hang, no 5xx except the failure reply with the number):
`must_route_up` when the message names a red flag, which must get the emergency message.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import json
import time
import wave
from dataclasses import dataclass, field
from typing import Dict, Optional
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from tools.fuzz.disguise import disguised

RED_FLAGS = [  # one wording per emergency flag, as a person might type it
    "I can't feel my legs", "I wet myself without noticing", "my bum is numb", "I fell down the stairs",
    "I have chest pain and can't breathe", "my face is drooping", "help",
]
JUNK_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
# text around a red flag that cannot change its meaning: no letters (so no "not", no "years ago")
NO_LETTERS = st.text(st.characters(blacklist_categories=("Cs", "Lu", "Ll", "Lt", "Lm", "Lo")), max_size=200)
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | JUNK_TEXT
ANY_JSON = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JUNK_TEXT, inner, max_size=4),
                        max_leaves=20)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=100)
SENDERS = st.one_of(st.text(max_size=200), st.integers(), st.none(), st.just("fuzz-sender"))


@dataclass
class Probe:
    endpoint: str
    method: str = "POST"
    path: str = "/"
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    raw: Optional[bytes] = None  # sent as it is on a socket instead of an HTTP request
    must_route_up: bool = False
    must_give_number: bool = False  # a spoken red flag: the emergency message, or one question with the number

    def describe(self) -> str:
        data = self.raw if self.raw is not None else self.body
        return f"{self.endpoint} {self.method} {self.path[:80]} {data[:120]!r}"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@st.composite
def rest_messages(draw, path="/webhooks/rest/webhook", endpoint="rest"):
    kind = draw(st.sampled_from(["payload", "json", "bytes", "deep", "huge"]))
    headers = {"Content-Type": draw(st.sampled_from(["application/json", "text/plain", "", "application/json; charset=latin-1"]))}
    if draw(st.integers(0, 4)) == 0:
        headers["Content-Encoding"] = draw(st.sampled_from(["gzip", "identity", "br", "x"]))
    if kind == "payload":
        payload = {"sender": draw(SENDERS), "message": draw(st.one_of(JUNK_TEXT, ANY_JSON))}
        if draw(st.booleans()):
            payload["metadata"] = draw(ANY_JSON)
        body = _json(payload)
    elif kind == "json":
        body = _json(draw(ANY_JSON))
    elif kind == "bytes":
        body = draw(st.binary(max_size=2000))
    elif kind == "deep":
        body = b'{"sender": "deep", "message": "hi", "metadata": ' + nested(draw(st.integers(30, 3000))) + b"}"
    else:
        body = _json({"sender": "huge", "message": "la " * draw(st.integers(20000, 40000))})
    return Probe(endpoint, "POST", path, headers, body)


@st.composite
def red_flag_messages(draw, path="/webhooks/rest/webhook", endpoint="rest-red-flag"):
    """A red flag with junk around it (no letters), odd case, sometimes over the size limit;
    sometimes typed in other letters (accents, invisible characters, fancy or look-alike letters:
    tools/fuzz/disguise.py), sometimes behind a slash command."""
    flag = draw(st.sampled_from(RED_FLAGS))
    flag = "".join(c.upper() if draw(st.booleans()) else c for c in flag) if draw(st.booleans()) else flag
    kind = draw(st.sampled_from(["plain", "plain", "disguised", "command"]))
    if kind == "command":
        text = draw(disguised(st.just(flag), command=True))
    else:
        flag = draw(disguised(st.just(flag), command=False)) if kind == "disguised" else flag
        padding = "la " * draw(st.sampled_from([0, 0, 0, 15000, 30000])) + ". "  # the flag in a sentence of its own
        text = draw(NO_LETTERS) + " . " + padding + flag + " . " + draw(NO_LETTERS)
    return Probe(endpoint, "POST", path, {"Content-Type": "application/json"},
                 _json({"sender": f"flag-{draw(st.integers(0, 10**9))}", "message": text}), must_route_up=True)


def wav(rate: int, channels: int, width: int, frames: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\x01" * width * channels * frames)
    return buffer.getvalue()


@st.composite
def voice_audio(draw):
    sender = draw(st.one_of(st.just("fuzz-voice"), st.text(max_size=150)))
    kind = draw(st.sampled_from(["header", "bytes", "truncated"]))
    if kind == "header":
        body = wav(draw(st.sampled_from([1, 2, 100, 8000, 16000, 44100, 10**6])), draw(st.integers(1, 8)),
                   draw(st.integers(1, 4)), draw(st.integers(0, 4000)))
    elif kind == "bytes":
        body = b"RIFF" + draw(st.binary(max_size=3000))
    else:
        body = wav(16000, 1, 2, 8000)[: draw(st.integers(0, 200))]
    content_type = draw(st.sampled_from(["audio/wav", "audio/x-wav", "audio/flac", "audio/ogg"]))
    return Probe("voice-audio", "POST", f"/webhooks/voice/webhook?audio=0&sender={quote(sender)}",
                 {"Content-Type": content_type}, body)


SPOKEN_RED_FLAGS = ["i can't feel my legs", "i wet myself", "help me i fell down the stairs", "my face is drooping"]
_SPOKEN: Dict[str, bytes] = {}


def spoken(text: str) -> bytes:
    """16 kHz mono WAV of `text` in espeak-ng's en-us voice (made once per run)."""
    if text not in _SPOKEN:
        import subprocess
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            raw, out = Path(tmp) / "raw.wav", Path(tmp) / "out.wav"
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), text], check=True)
            subprocess.run(["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
            _SPOKEN[text] = out.read_bytes()
    return _SPOKEN[text]


@st.composite
def spoken_red_flags(draw):
    """A red flag spoken in a recording (issue 31): after up to 40 s of near silence (Whisper
    hears 30 s at a time), or with the data size left unfilled, as a recorder streaming it writes."""
    import struct

    import numpy as np

    data = spoken(draw(st.sampled_from(SPOKEN_RED_FLAGS)))
    header, pcm = data[:44], data[44:]
    kind = draw(st.sampled_from(["plain", "late", "unfilled"]))
    if kind == "late":
        quiet = np.random.default_rng(draw(st.integers(0, 99))).normal(0, 30, 16000 * draw(st.sampled_from([20, 35, 40])))
        pcm = quiet.astype("<i2").tobytes() + pcm
        header = header[:4] + struct.pack("<I", 36 + len(pcm)) + header[8:40] + struct.pack("<I", len(pcm))
    elif kind == "unfilled":
        header = header[:40] + struct.pack("<I", 0)
    sender = f"fuzz-spoken-{draw(st.integers(0, 10**9))}"
    return Probe("voice-spoken", "POST", f"/webhooks/voice/webhook?audio=0&sender={sender}", {"Content-Type": "audio/wav"},
                 header + pcm, must_give_number=True)


@st.composite
def voice_pending(draw):
    # a long wait (capped at 30 s) now and then: each one holds the request for those 30 s
    wait = draw(st.sampled_from(["inf", "1e9"])) if draw(st.integers(0, 19)) == 0 else draw(
        st.sampled_from(["0", "-1", "nan", "x", "0.2", ""]))
    query = urlencode({"sender": draw(st.text(max_size=300)), "wait": wait, "audio": "0"})
    return Probe("voice-pending", "GET", f"/webhooks/voice/pending?{query}")


@st.composite
def web_page(draw):
    name = draw(st.one_of(st.sampled_from(["", "index.html", "chat.js", "../../etc/passwd", "..%2f..%2fetc%2fpasswd",
                                           "vendor/../../../README.md", "config.json"]), st.text(max_size=100)))
    return Probe("web", "GET", "/webhooks/chat/" + quote(name, safe="/%"))


@st.composite
def telegram_updates(draw, secret: str):
    update = draw(st.one_of(
        ANY_JSON,
        st.fixed_dictionaries({"update_id": st.integers(), "message": st.one_of(ANY_JSON, st.fixed_dictionaries(
            {"chat": st.one_of(ANY_JSON, st.fixed_dictionaries({"id": st.one_of(st.integers(), JUNK_TEXT)})),
             "text": st.one_of(JUNK_TEXT, ANY_JSON)}))}),
        st.fixed_dictionaries({"update_id": st.integers(), "callback_query": ANY_JSON}),
        # the other kinds with words in them (issue 31): edits, and captions of photos
        st.fixed_dictionaries({"update_id": st.integers(), "edited_message": st.fixed_dictionaries(
            {"chat": st.fixed_dictionaries({"id": st.integers()}), "text": st.one_of(JUNK_TEXT, st.sampled_from(RED_FLAGS)),
             "edit_date": st.integers()})}),
        st.fixed_dictionaries({"update_id": st.integers(), "message": st.fixed_dictionaries(
            {"chat": st.fixed_dictionaries({"id": st.integers()}), "photo": ANY_JSON,
             "caption": st.one_of(JUNK_TEXT, ANY_JSON, st.sampled_from(RED_FLAGS))})}),
    ))
    headers = {"Content-Type": "application/json",
               "X-Telegram-Bot-Api-Secret-Token": draw(st.sampled_from([secret, secret, "", "wrong", "\xff"]))}
    body = nested(draw(st.integers(100, 2000))) if draw(st.integers(0, 9)) == 0 else _json(update)
    return Probe("telegram", "POST", "/webhooks/telegram/webhook", headers, body)


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


@st.composite
def slack_requests(draw, secret: str):
    path = draw(st.sampled_from(["/webhooks/slack/events", "/webhooks/slack/interactive"]))
    if path.endswith("events"):
        body = _json(draw(st.one_of(ANY_JSON, st.fixed_dictionaries(
            {"type": st.just("event_callback"), "event_id": JUNK_TEXT, "event": st.one_of(ANY_JSON, st.fixed_dictionaries(
                {"type": st.just("message"), "channel_type": st.just("im"), "channel": JUNK_TEXT, "user": JUNK_TEXT,
                 "text": JUNK_TEXT}), st.fixed_dictionaries(
                # the message kinds with words in them (issue 31), with odd or missing parts
                {"type": st.just("message"), "channel_type": st.just("im"), "channel": st.just("D0FUZZ"), "user": st.just("U0FUZZ"),
                 "subtype": st.sampled_from(["file_share", "thread_broadcast", "me_message", "message_changed", "bot_message"]),
                 "text": st.one_of(JUNK_TEXT, st.sampled_from(RED_FLAGS), ANY_JSON), "files": ANY_JSON,
                 "message": st.one_of(ANY_JSON, st.fixed_dictionaries({"text": st.sampled_from(RED_FLAGS), "user": JUNK_TEXT})),
                 "previous_message": ANY_JSON}))}))))
    else:
        body = urlencode({"payload": draw(st.one_of(JUNK_TEXT, ANY_JSON.map(json.dumps)))}).encode()
    timestamp = draw(st.sampled_from([str(int(time.time())), "abc", "", "1.5", "9" * 5000, "-1"]))
    signature = draw(st.sampled_from(["good", "good", "v0=\xff", "", "v0=00"]))
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": slack_signature(secret, timestamp, body) if signature == "good" else signature}
    return Probe("slack", "POST", path, headers, body)


@st.composite
def alexa_requests(draw):
    url = draw(st.one_of(st.sampled_from([
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https://s3.amazonaws.com:abc/echo.api/c.pem",
        "https://s3.amazonaws.com:99999/echo.api/c.pem", "https://[s3.amazonaws.com/echo.api/c.pem",
        "http://s3.amazonaws.com/echo.api/c.pem", "https://s3.amazonaws.com/echo.api/../x.pem", ""]), HEADER_TEXT))
    headers = {"Content-Type": "application/json", "SignatureCertChainUrl": url,
               "Signature-256": draw(st.sampled_from(["", "AAAA", "!!notbase64"]))}
    return Probe("alexa", "POST", "/webhooks/alexa/webhook", headers, _json(draw(ANY_JSON)))


@st.composite
def raw_heads(draw):
    """Request heads as bytes on the socket: odd lengths and encodings, odd request lines."""
    length = draw(st.sampled_from(["-1", "1e3", "abc", "", "99999999999999999999", "5, 5", "+5", "0x10", "2"]))
    encoding = draw(st.sampled_from([None, "gzip", "chunked", "chunked, gzip", "identity", "\xff"]))
    lines = [draw(st.sampled_from(["POST /webhooks/rest/webhook HTTP/1.1", "GET / HTTP/1.1", "GET / HTTP/1.0",
                                   "POST /webhooks/voice/webhook HTTP/1.1", "BREW / HTTP/1.1"])), "Host: fuzz"]
    lines.append(f"Content-Length: {length}")
    if encoding is not None:
        lines.append(f"Transfer-Encoding: {encoding}")
    lines += [f"X-Fuzz: {v}" for v in draw(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=50),
                                                      max_size=3))]
    head = "\r\n".join(lines).encode("utf-8", "replace") + b"\r\nConnection: close\r\n\r\n"
    # at least the 2 bytes a valid length promises: a client that sends less is waited for (Sanic's
    # request timeout), which is not a hang
    return Probe("raw-head", raw=head + draw(st.binary(min_size=2, max_size=200)))


@st.composite
def socketio_messages(draw):
    """(data for the user_uttered event, whether it names a red flag); the session id is filled in."""
    kind = draw(st.sampled_from(["any", "text", "long", "flag", "metadata"]))
    if kind == "any":
        return draw(ANY_JSON), False
    if kind == "text":
        return {"message": draw(JUNK_TEXT), "session_id": None}, False
    if kind == "long":
        return {"message": "la " * draw(st.integers(3400, 40000)), "session_id": None}, False
    if kind == "metadata":
        return {"message": draw(JUNK_TEXT), "session_id": None, "customData": draw(ANY_JSON)}, False
    flag = draw(st.sampled_from(RED_FLAGS))
    if draw(st.booleans()):  # in other letters, often behind a command (a widget's or a typed one)
        return {"message": draw(disguised(st.just(flag), command=None)), "session_id": None}, True
    return {"message": draw(NO_LETTERS) + " . " + "la " * draw(st.sampled_from([0, 5000])) + ". " + flag, "session_id": None}, True
