"""One sender's long messages against another's red flag (issue 31): how long a red flag waits
while other people's long messages are being read. Prints numbers; used by `make fuzz` (its
report's "concurrency" figures) and on its own against a running server:

    python -m tools.fuzz.concurrency --port 5005 [--long 10]
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Dict

from spasm_aid.contract import routes_to_emergency

RAMBLE = "my back went when I was lifting the shopping and the pain goes round to my side and down my thigh "
ACCEPTED_CHARS = 9_900  # just under the channels' limit: read by the assistant
REFUSED_CHARS = 60_000  # over it: refused, but read for a red flag first
RED_FLAG = "I can't feel my legs"


def post(port: int, sender: str, message: str, timeout: float = 120.0):
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as error:
        payload = json.loads(error.read() or b"{}")
    replies = payload if isinstance(payload, list) else payload.get("messages", [])
    return time.monotonic() - started, replies


def _burst(port: int, texts, sender_of) -> Dict[str, float]:
    with ThreadPoolExecutor(max_workers=len(texts) + 1) as pool:
        started = time.monotonic()
        burst = [pool.submit(post, port, sender_of(i), text) for i, text in enumerate(texts)]
        time.sleep(0.3)  # the long messages are being read
        took, replies = post(port, f"flag-{uuid.uuid4().hex[:8]}", RED_FLAG)
        longest = max(f.result()[0] for f in burst)
        total = time.monotonic() - started
    return {"red_flag_s": round(took, 3), "red_flag_routed_up": routes_to_emergency(replies),
            "slowest_long_message_s": round(longest, 3), "burst_s": round(total, 3)}


def red_flag_wait(port: int, long_messages: int) -> Dict[str, object]:
    """Seconds a red flag takes alone, and while `long_messages` accepted and as many refused long
    messages are in flight: all from one other sender, and each from a sender of its own."""
    alone = min(post(port, f"alone-{uuid.uuid4().hex[:8]}", RED_FLAG)[0] for _ in range(3))
    texts = [(RAMBLE * (ACCEPTED_CHARS // len(RAMBLE)))[:ACCEPTED_CHARS] + f" {i}" for i in range(long_messages)]
    texts += [(RAMBLE * (REFUSED_CHARS // len(RAMBLE)))[:REFUSED_CHARS] + f" {i}" for i in range(long_messages)]
    one = f"long-{uuid.uuid4().hex[:8]}"
    one_sender = _burst(port, texts, lambda i: one)
    many_senders = _burst(port, texts, lambda i: f"long-{uuid.uuid4().hex[:8]}")
    return {"red_flag_alone_s": round(alone, 3), "long_messages": 2 * long_messages,
            "red_flag_among_one_senders_long_messages_s": one_sender["red_flag_s"],
            "red_flag_among_many_senders_long_messages_s": many_senders["red_flag_s"],
            "red_flag_routed_up": one_sender["red_flag_routed_up"] and many_senders["red_flag_routed_up"],
            "slowest_long_message_s": max(one_sender["slowest_long_message_s"], many_senders["slowest_long_message_s"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--long", type=int, default=10, help="accepted and refused long messages, each")
    args = parser.parse_args()
    for key, value in red_flag_wait(args.port, args.long).items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
