"""What every channel checks at its edge, before anything reaches the tracker (issue 14).

- `harden_http()`: the HTTP server (Sanic 21.12, pinned by Rasa 3.6) spins at 100% CPU for ever
  after a request with `Content-Length: -1`, and answers 500 to a body without a length
  (`Transfer-Encoding: gzip`). No Sanic release Rasa 3.6 accepts fixes this (21.12.2 is the
  last), so the request head is checked right after Sanic parses it and refused with 400 before
  Sanic reads any body. Installed by every channel and by the action server.
- `load_json()`: JSON with a size and nesting limit (Python's parser fails with RecursionError,
  a 500, at about 990 levels).
- `check_metadata()`: a message's metadata is a small, shallow JSON object or it is refused;
  nothing deeper ever reaches the tracker (a 900-level object broke every later action call).
- `clean_text()`: message text without lone surrogates, NUL and other control characters, so
  that it can be stored, logged and sent to the action server.
- `Refusals`: what a person reads when their message is refused: the reason, and the emergency
  number; if the refused text names a red flag, the emergency message itself (rendered by the
  assistant's own response generator from domain.yml, as in a conversation).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from spasm_aid import replies, settings
from spasm_aid.paths import SPACY_MODEL
from spasm_aid.text_limit import MAX_CHARS, MAX_SCANNED_CHARS, WINDOW_CHARS, _windows

if TYPE_CHECKING:  # loaded on first use: importing Rasa's NLG and spaCy costs seconds
    from rasa.shared.core.domain import Domain

    from spasm_aid.rasa_components.nlg import SpasmAidNaturalLanguageGenerator
    from spasm_aid.red_flags.guard import RedFlagGuard

logger = logging.getLogger(__name__)

MAX_JSON_DEPTH = 32  # a Telegram update or Slack event is about 6 deep
MAX_METADATA_BYTES = 4096
MAX_METADATA_DEPTH = 4
MAX_MESSAGE_CHARS = 10_000  # longer text is refused (scanned for red flags first)
_CONTENT_LENGTH = re.compile(r"[0-9]{1,15}")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(ValueError):
    """Input a channel refuses; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400, scan_text: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.scan_text = scan_text  # the refused text, scanned for red flags before answering


# --- the HTTP server ---------------------------------------------------------------------------
_installed = False
_install_lock = threading.Lock()


def head_problem(headers) -> Optional[str]:
    """Why a request head must be refused before its body is read, or None (pure).
    `headers`: a Sanic Header (getall) or any mapping of lower-case names to lists of values."""
    encodings = [v.strip().lower() for v in _all(headers, "transfer-encoding")]
    lengths = [v.strip() for v in _all(headers, "content-length")]
    if encodings and encodings != ["chunked"]:
        return f"Transfer-Encoding {', '.join(encodings)} is not accepted; send the body as it is, with a Content-Length."
    if encodings and lengths:
        return "A request may not have both Transfer-Encoding and Content-Length."
    if len(lengths) > 1 or any(not _CONTENT_LENGTH.fullmatch(v) for v in lengths):
        return "Content-Length must be one whole number of bytes."
    return None


def _all(headers, name: str) -> List[str]:
    if hasattr(headers, "getall"):
        return list(headers.getall(name, []))
    return list(headers.get(name, []))


def harden_http() -> None:
    """Check every request head Sanic parses (idempotent; see the module's docstring)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        from sanic.exceptions import InvalidUsage
        from sanic.http import Http
        from sanic.touchup import TouchUp

        # Sanic recompiles this method from its source at start-up ("touchup", which drops the
        # signal calls no handler listens to). The original is kept, under another name, for
        # that treatment; the check below stays as written.
        Http._parse_head_unchecked = Http.http1_request_header
        TouchUp._registry.discard((Http, "http1_request_header"))
        TouchUp.register(Http, "_parse_head_unchecked")

        def refuse(http: Http, reason: str) -> None:
            # nothing of the body is read, and the connection is closed after the answer
            http.request_body = None
            http.request_bytes_left = http.request_bytes = 0
            http.keep_alive = False
            raise InvalidUsage(replies.with_number(reason))

        async def checked_request_header(http: Http) -> None:
            try:
                await http._parse_head_unchecked()
            except (KeyError, ValueError):  # Sanic's own int(content-length), or a body without one
                refuse(http, "A request body needs a whole-number Content-Length or Transfer-Encoding chunked.")
            problem = head_problem(http.request.headers)
            if problem:
                refuse(http, problem)

        Http.http1_request_header = checked_request_header
        _refusals_with_the_number()
        _installed = True


def _refusals_with_the_number() -> None:
    """Every error the web server itself answers (an unknown path, a wrong method, a request it
    could not read) as JSON with the emergency number, on the Rasa and the action server alike:
    Sanic's default is an HTML page without it, and the action server's catch-all turned a
    refused request head into a 500 (issue 31)."""
    from sanic import response as sanic_response
    from sanic.exceptions import SanicException
    from sanic.handlers import ErrorHandler

    answer = ErrorHandler.response

    def with_the_number(handler: ErrorHandler, request: Any, exception: BaseException) -> Any:
        status = getattr(exception, "status_code", 500)
        if not isinstance(exception, SanicException) or not 400 <= status < 500:
            return answer(handler, request, exception)
        message = str(exception).strip() or "That request could not be handled."
        message = message if message.endswith((".", "!", "?")) else message + "."
        text = message if replies.number() in message else replies.with_number(message)
        return sanic_response.json({"error": text}, status=status, headers=dict(getattr(exception, "headers", None) or {}))

    ErrorHandler.response = with_the_number


# --- JSON and text -----------------------------------------------------------------------------
def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (strings are skipped; pure)."""
    depth = deepest = 0
    for char in _STRINGS.sub('""', text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(body: bytes, max_bytes: int, what: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The decoded body, or InputError (413 when too large, else 400) saying what is wrong."""
    if len(body) > max_bytes:
        raise InputError(f"The request is larger than {max_bytes // 1024} KiB. Expected {what}.", 413)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"The body is not UTF-8. Expected {what}.") from None
    if json_depth(text) > max_depth:
        raise InputError(f"The JSON nests more than {max_depth} levels deep. Expected {what}.")
    try:
        return json.loads(text, object_pairs_hook=_no_repeated_keys)
    except InputError as error:
        raise InputError(f"{error} Expected {what}.") from None
    except ValueError:
        raise InputError(f"The body is not valid JSON. Expected {what}.") from None


def _no_repeated_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    """A JSON object whose keys are all different: with {"message": "my legs are numb",
    "message": "hi"} Python keeps the last, so a red flag could be read past (issue 31)."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise InputError(f"The key {repeated[:40]!r} appears more than once in one object.")
    return dict(pairs)


def strings_in(value: Any, limit: int = 64) -> str:
    """The strings inside a JSON value, joined by newlines (at most `limit` of them): what a
    refused message of the wrong type ("message": ["my legs are numb"]) is scanned for."""
    found: List[str] = []
    stack = [value]
    while stack and len(found) < limit:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return "\n".join(found)


def check_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    """The metadata to keep with a message: None, or a small shallow object (else InputError)."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise InputError("'metadata' must be a JSON object when given.")
    try:
        text = json.dumps(metadata, ensure_ascii=False)
    except (ValueError, RecursionError):
        raise InputError("'metadata' could not be read as JSON.") from None
    if len(text.encode("utf-8", "surrogatepass")) > MAX_METADATA_BYTES:
        raise InputError(f"'metadata' must be at most {MAX_METADATA_BYTES} bytes of JSON.", 413)
    if json_depth(text) > MAX_METADATA_DEPTH:
        raise InputError(f"'metadata' may nest at most {MAX_METADATA_DEPTH} levels deep.")
    return metadata


def clean_text(text: str) -> str:
    """Text safe to store and pass on: lone surrogates become U+FFFD, control characters
    (except tab and newlines) are dropped. Words, emoji and right-to-left text are kept."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


def clean_sender(sender: Any, max_chars: int = 128) -> str:
    """A conversation id: a non-empty printable string of at most `max_chars`, or InputError."""
    if not isinstance(sender, str) or not sender.strip() or len(sender) > max_chars:
        raise InputError(f"'sender' must be a non-empty string of at most {max_chars} characters.")
    if not sender.isprintable() or clean_text(sender) != sender:
        raise InputError("'sender' must contain printable characters only.")
    return sender


# --- what a refused person reads ---------------------------------------------------------------
class Refusals:
    """Replies to refused messages, each with the emergency number; the emergency message when
    the refused text names a red flag. The guard and the response generator load on first use."""

    def __init__(self, spacy_model: str = SPACY_MODEL) -> None:
        self.spacy_model = spacy_model
        self._loaded: Optional[Tuple[RedFlagGuard, SpasmAidNaturalLanguageGenerator, Domain]] = None
        self._loading = threading.Lock()

    def _load(self) -> Tuple[RedFlagGuard, SpasmAidNaturalLanguageGenerator, Domain]:
        with self._loading:
            if self._loaded is None:
                from rasa.shared.core.domain import Domain

                from spasm_aid.rasa_components.nlg import SpasmAidNaturalLanguageGenerator
                from spasm_aid.red_flags.guard import guard_for

                domain = Domain.load(str(settings.PROJECT_ROOT / "domain.yml"))
                self._loaded = (guard_for(self.spacy_model), SpasmAidNaturalLanguageGenerator(domain=domain), domain)
            return self._loaded

    def scan(self, text: str):
        """The guard's reading of the piece of `text` that names an emergency, or None. The text is
        read in windows, as the length limiter inside the pipeline reads it."""
        guard, _, _ = self._load()
        for piece in _windows(text[:MAX_SCANNED_CHARS], WINDOW_CHARS):
            result = guard.detect(piece)
            if result.is_emergency:
                return result
        return None

    def refusal_text(self, reason: str) -> str:
        return replies.with_number(reason)

    async def replies(self, sender: str, reason: str, text: str = "", channel: str = "rest") -> List[Dict[str, Any]]:
        """The reply messages for a refused message: the emergency message if `text` names a red
        flag, else `reason` with the number."""
        found = None
        if text:  # the guard's work, in the long-text lane (up to a second or two for a long text)
            found = await asyncio.get_running_loop().run_in_executor(LONG_TEXT_LANE, self.scan, clean_text(text))
        if found is None:
            return [{"recipient_id": sender, "text": self.refusal_text(reason)}]
        return [dict(await self.emergency(found, channel), recipient_id=sender)]

    async def emergency(self, found, channel: str) -> Dict[str, Any]:
        from rasa.shared.core.events import SlotSet
        from rasa.shared.core.trackers import DialogueStateTracker

        from spasm_aid.emergency_message import HELPER

        _, nlg, domain = self._load()
        flag = next((f for f in found.flags("emergency") if f != "help_request"), None)
        events = [SlotSet("red_flag", flag), SlotSet("triage", "emergency")]
        if found.helper:
            events.append(SlotSet("speaker", HELPER))
        if found.fall:
            events.append(SlotSet("fall_reported", True))
        tracker = DialogueStateTracker.from_events("refused", events, slots=domain.slots)
        message = await nlg.generate("utter_emergency", tracker, channel)
        if message is None:  # only with a domain.yml that lost utter_emergency (a test checks it is there)
            raise RuntimeError("domain.yml has no utter_emergency response")
        return {key: message[key] for key in ("text", "custom") if key in message}


def message_only(reply: Dict[str, Any]) -> Dict[str, Any]:
    """A reply for an output channel's send_response (which takes the recipient separately)."""
    return {key: value for key, value in reply.items() if key != "recipient_id"}


REFUSALS = Refusals()

# Reading long text (a refused message scanned for red flags, an accepted one cut to what the
# classifier reads) is the only work per message that grows with its length: it runs here, one
# text at a time, off the event loop, so one sender's long messages queue behind each other
# instead of holding every other conversation (issue 31: ten held the loop 11 s).
LONG_TEXT_LANE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spasm-aid-long-text")


async def readable_text(text: str) -> None:
    """Cut a long message to what the classifier reads, in the long-text lane; the pipeline's
    limiter then finds the cut made (spasm_aid.text_limit.limit_text_once)."""
    if len(text) <= MAX_CHARS:
        return
    from spasm_aid.text_fold import fold_text
    from spasm_aid.text_limit import limit_text_once

    def cut() -> None:
        guard, _, _ = REFUSALS._load()
        limit_text_once(fold_text(text), guard, MAX_CHARS)  # folded first, as the pipeline reads it

    await asyncio.get_running_loop().run_in_executor(LONG_TEXT_LANE, cut)


def remember(store: "OrderedDict[str, Any]", key: str, value: Any, limit: int) -> None:
    """Memory of recent conversations kept at the edge (light: also used by the Wyoming service).
    Keep `value` under `key` as the newest entry; beyond `limit` entries the oldest is forgotten."""
    store[key] = value
    store.move_to_end(key)
    while len(store) > limit:
        store.popitem(last=False)
