"""Send the fuzz strategies' requests to a running assistant and check every answer.

Rules, for every request:
- an answer comes (within REQUEST_TIMEOUT): no hang;
- no 5xx, except the documented failure reply, which carries the emergency number; a channel a
  platform calls may answer 503 "not configured";
- a refusal a person can read (4xx on REST and voice) carries the emergency number;
- a message naming a red flag gets the emergency message (in the reply, or in the refusal).
After each batch (one endpoint's requests) the assistant must still answer a plain "hello", and
the resident memory of its Rasa servers is recorded: growth over the run must stay under
MAX_RSS_GROWTH_MB.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Sequence

from hypothesis import HealthCheck, Phase, given, settings

from spasm_aid.contract import routes_to_emergency
from tools.fuzz.requests import (
    Probe,
    alexa_requests,
    raw_heads,
    red_flag_messages,
    rest_messages,
    slack_requests,
    spoken_red_flags,
    telegram_updates,
    voice_audio,
    voice_pending,
    web_page,
)
from tools.servers import rss_mb

REQUEST_TIMEOUT = 60  # seconds; Sanic answers or times out a request within 60
MAX_RSS_GROWTH_MB = 50
PERSON_FACING = ("rest", "rest-red-flag", "voice", "voice-red-flag", "voice-audio", "voice-pending")


@dataclass
class Target:
    name: str
    port: int
    pids: Sequence[int]  # the Rasa servers' processes, for memory
    number: str = "911"
    telegram_secret: str = ""
    slack_secret: str = ""
    origin: str = "http://localhost:5005"  # a web page origin the target allows (socket.io)


@dataclass
class Report:
    target: str
    requests: int = 0
    statuses: Dict[str, int] = field(default_factory=dict)
    failure_replies: int = 0
    problems: List[str] = field(default_factory=list)
    rss_mb: List[float] = field(default_factory=list)
    seconds: float = 0.0
    # a red flag's wait among other senders' long messages (tools/fuzz/concurrency.py): a figure,
    # not a pass/fail check (timings are measured, never asserted)
    concurrency: Dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict:
        growth = (max(self.rss_mb) - self.rss_mb[0]) if self.rss_mb else None
        return {"target": self.target, "requests": self.requests, "statuses": self.statuses,
                "failure_replies": self.failure_replies, "problems": self.problems[:50], "problem_count": len(self.problems),
                "rss_mb_start": self.rss_mb[0] if self.rss_mb else None, "rss_mb_max": max(self.rss_mb) if self.rss_mb else None,
                "rss_growth_mb": round(growth, 1) if growth is not None else None, "seconds": round(self.seconds, 1),
                "concurrency": self.concurrency}


def send(target: Target, probe: Probe):
    """(status, body bytes); status 0 for a socket answer that is not HTTP, -1 for a hang."""
    if probe.raw is not None:
        try:
            with socket.create_connection(("127.0.0.1", target.port), timeout=REQUEST_TIMEOUT) as conn:
                conn.sendall(probe.raw)
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
        except socket.timeout:
            return -1, b""
        except ConnectionError:
            return 0, b""  # the server closed the connection on a request it would not read
        if not answer:
            return 0, b""
        try:
            return int(answer.split(b" ", 2)[1]), answer
        except (IndexError, ValueError):
            return 0, answer
    request = urllib.request.Request(f"http://127.0.0.1:{target.port}{probe.path}", data=probe.body if probe.method == "POST" else None,
                                     headers=probe.headers, method=probe.method)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (socket.timeout, TimeoutError):
        return -1, b""
    except (urllib.error.URLError, ConnectionError) as error:
        return -2, str(error).encode()


def routed_up(body: bytes) -> bool:
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    messages = payload if isinstance(payload, list) else payload.get("messages", []) if isinstance(payload, dict) else []
    return routes_to_emergency(messages)


def check(target: Target, probe: Probe, status: int, body: bytes, report: Report) -> None:
    report.requests += 1
    report.statuses[str(status)] = report.statuses.get(str(status), 0) + 1
    number = target.number.encode()
    if status == -1:
        report.problems.append(f"no answer within {REQUEST_TIMEOUT} s: {probe.describe()}")
    elif status == -2:
        report.problems.append(f"connection failed ({body[:100]!r}): {probe.describe()}")
    elif status >= 500:
        if b"not configured" in body and status == 503:
            pass
        elif number in body:
            report.failure_replies += 1
        else:
            report.problems.append(f"{status} without the number: {probe.describe()} -> {body[:200]!r}")
    elif 400 <= status < 500 and probe.endpoint in PERSON_FACING and number not in body:
        report.problems.append(f"{status} refusal without the number: {probe.describe()} -> {body[:200]!r}")
    if probe.must_give_number and status == 200 and number not in body:
        report.problems.append(f"spoken red flag without the number: {probe.describe()} -> {body[:200]!r}")
    if probe.must_route_up and not routed_up(body):
        report.problems.append(f"red flag without the emergency message ({status}): {probe.describe()} -> {body[:200]!r}")


def socketio_batch(target: Target, examples: int, report: Report) -> None:
    """The web page's socket.io channel: every event gets an answer (a polite refusal with the
    number, or the assistant's reply); a red flag gets the emergency message."""
    import queue

    import socketio

    from tools.fuzz.requests import socketio_messages

    replies: "queue.Queue" = queue.Queue()
    client = socketio.Client()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", lambda data: replies.put({"session": data}))
    client.connect(f"http://127.0.0.1:{target.port}", transports=["polling"], headers={"Origin": target.origin})
    try:
        client.emit("session_request", {"session_id": f"fuzz-{uuid.uuid4().hex[:8]}"})
        session = replies.get(timeout=REQUEST_TIMEOUT)["session"]

        @fuzz_settings(examples)
        @given(socketio_messages())
        def batch(drawn) -> None:
            data, must_route_up = drawn
            if isinstance(data, dict) and "session_id" in data:
                data = dict(data, session_id=session)
            client.emit("user_uttered", data)
            got = []
            try:
                got.append(replies.get(timeout=REQUEST_TIMEOUT))
                while True:  # the rest of this answer
                    got.append(replies.get(timeout=1.5))
            except queue.Empty:
                pass
            report.requests += 1
            description = f"socketio {json.dumps(data, ensure_ascii=False)[:150]!r}"
            if not got:
                report.problems.append(f"no answer within {REQUEST_TIMEOUT} s: {description}")
            elif must_route_up and not routes_to_emergency(got):
                report.problems.append(f"red flag without the emergency message: {description} -> {got[:2]}")

        batch()
    finally:
        client.eio.disconnect(abort=True)


def alive(target: Target) -> bool:
    probe = Probe("alive", "POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"},
                  json.dumps({"sender": f"alive-{uuid.uuid4().hex[:6]}", "message": "hello"}).encode())
    status, body = send(target, probe)
    return status == 200 and body.startswith(b"[{")


def batches(target: Target):
    """(name, strategy) per endpoint."""
    yield "rest", rest_messages()
    yield "rest-red-flag", red_flag_messages()
    yield "voice", rest_messages("/webhooks/voice/webhook?audio=0", "voice")
    yield "voice-red-flag", red_flag_messages("/webhooks/voice/webhook?audio=0", "voice-red-flag")
    yield "voice-audio", voice_audio()
    yield "voice-spoken", spoken_red_flags()
    yield "voice-pending", voice_pending()
    yield "web", web_page()
    yield "telegram", telegram_updates(target.telegram_secret or "unset")
    yield "slack", slack_requests(target.slack_secret or "unset")
    yield "alexa", alexa_requests()
    yield "raw-head", raw_heads()


def fuzz_settings(examples: int) -> settings:
    """Hypothesis as a generator: the same `examples` draws on every run, nothing shrunk or stored
    (problems are collected, not raised)."""
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True, phases=(Phase.generate,),
                    suppress_health_check=list(HealthCheck))


def http_batch(target: Target, strategy, examples: int, report: Report) -> None:
    @fuzz_settings(examples)
    @given(strategy)
    def batch(probe: Probe) -> None:
        status, body = send(target, probe)
        check(target, probe, status, body, report)

    batch()


def warm_up(target: Target) -> None:
    """What loads lazily, loaded before memory is first measured: the speech recogniser (first
    recording), the refusal scanner (first refusal), a conversation; on every server behind the
    load balancer (round robin: twice as many rounds as servers)."""
    from tools.fuzz.requests import SPOKEN_RED_FLAGS, spoken, wav

    speech = spoken(SPOKEN_RED_FLAGS[0])  # both recognisers, the second on a whole window and on two
    long_speech = speech[:40] + (b"\x00\x00" * 16000 * 35 + speech[44:])
    long_speech = long_speech[:4] + (len(long_speech) - 8).to_bytes(4, "little") + long_speech[8:40] + \
        (len(long_speech) - 44).to_bytes(4, "little") + long_speech[44:]
    for probe in 2 * len(target.pids) * (
        Probe("warm-up", "POST", "/webhooks/voice/webhook?audio=0&sender=warm-up", {"Content-Type": "audio/wav"},
              wav(16000, 1, 2, 16000)),
        Probe("warm-up", "POST", "/webhooks/voice/webhook?audio=0&sender=warm-up", {"Content-Type": "audio/wav"}, speech),
        Probe("warm-up", "POST", "/webhooks/voice/webhook?audio=0&sender=warm-up", {"Content-Type": "audio/wav"}, long_speech),
        Probe("warm-up", "POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"}, b"{"),
        Probe("warm-up", "POST", "/webhooks/rest/webhook", {"Content-Type": "application/json"},
              json.dumps({"sender": "warm-up", "message": "my back just spasmed"}).encode()),
    ):
        send(target, probe)


def run(target: Target, examples: int, log: Callable[[str], None] = print, concurrent_senders: int = 0,
        spoken: bool = True) -> Report:
    """Every batch with `examples` requests (fewer if Hypothesis runs out of distinct ones); the
    same requests on every run (derandomised), so a finding can be reproduced."""
    report = Report(target.name)
    started = time.monotonic()
    warm_up(target)
    report.rss_mb.append(sum(rss_mb(pid) for pid in target.pids))
    for name, strategy in list(batches(target)) + [("socketio", None)]:
        if name == "voice-spoken" and not spoken:
            continue  # make test's short form: spoken red flags have tests of their own
        before = report.requests
        if strategy is None:
            socketio_batch(target, examples, report)
        else:
            http_batch(target, strategy, examples, report)
        if not alive(target):
            report.problems.append(f"the assistant stopped answering after the {name} batch")
            break
        report.rss_mb.append(sum(rss_mb(pid) for pid in target.pids))
        log(f"  {name:<15} {report.requests - before:>4} requests, RSS {report.rss_mb[-1]:.0f} MB, "
            f"problems so far {len(report.problems)}")
    if concurrent_senders:
        from tools.fuzz.concurrency import red_flag_wait

        report.concurrency = red_flag_wait(target.port, concurrent_senders)
        report.requests += 2 * concurrent_senders + 4
        if not report.concurrency["red_flag_routed_up"]:
            report.problems.append("a red flag among long messages got no emergency message")
        log(f"  concurrent      a red flag among {2 * concurrent_senders} long messages: "
            f"{report.concurrency['red_flag_among_one_senders_long_messages_s']} s from one sender, "
            f"{report.concurrency['red_flag_among_many_senders_long_messages_s']} s from many (alone {report.concurrency['red_flag_alone_s']} s)")
    report.seconds = time.monotonic() - started
    growth = max(report.rss_mb) - report.rss_mb[0]
    if growth > MAX_RSS_GROWTH_MB:
        report.problems.append(f"resident memory grew {growth:.0f} MB (limit {MAX_RSS_GROWTH_MB})")
    return report
