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


def red_flag_wait(port: int, long_messages: int) -> Dict[str, float]:
    """Seconds a red flag takes alone, and while `long_messages` accepted and as many refused long
    messages from other senders are in flight."""
    alone = min(post(port, f"alone-{uuid.uuid4().hex[:8]}", RED_FLAG)[0] for _ in range(3))
    texts = [(RAMBLE * (ACCEPTED_CHARS // len(RAMBLE)))[:ACCEPTED_CHARS]] * long_messages
    texts += [(RAMBLE * (REFUSED_CHARS // len(RAMBLE)))[:REFUSED_CHARS]] * long_messages
    with ThreadPoolExecutor(max_workers=len(texts) + 1) as pool:
        started = time.monotonic()
        burst = [pool.submit(post, port, f"long-{uuid.uuid4().hex[:8]}", text) for text in texts]
        time.sleep(0.3)  # the long messages are being read
        took, replies = post(port, f"flag-{uuid.uuid4().hex[:8]}", RED_FLAG)
        longest = max(f.result()[0] for f in burst)
        total = time.monotonic() - started
    return {"red_flag_alone_s": round(alone, 3), "red_flag_among_long_messages_s": round(took, 3),
            "red_flag_routed_up": routes_to_emergency(replies), "long_messages": 2 * long_messages,
            "slowest_long_message_s": round(longest, 3), "burst_s": round(total, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--long", type=int, default=10, help="accepted and refused long messages, each")
    args = parser.parse_args()
    for key, value in red_flag_wait(args.port, args.long).items():
        print(f"{key:36} {value}")


if __name__ == "__main__":
    main()
