"""Long conversations and bursts through the production profile (issue 14): nginx, two Rasa and
two action servers, PostgreSQL and Redis.

- A 60-turn conversation (every topic twice, then the screening, then more questions) gets an
  answer to every turn: the action calls carry the whole conversation, and the internal hop in
  front of the action servers must let them through.
- 50 messages sent at once on one conversation are all answered, none with a 5xx, and the
  conversation is still usable afterwards.
"""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from spasm_aid.client import Chat, texts, triage_of

TOPICS = [
    "should I use ice or heat?", "should I stay in bed?", "can I walk?", "what painkillers can I take?",
    "what stretches can I do?", "when should I see a doctor?", "how long will this last?",
    "how do I stop this happening again?", "what are my options?",
]


def action_hop_sizes(profile):
    """(request bytes, status) of every call through nginx's internal hop to the action servers."""
    log = profile.config.var_dir / "nginx-action-hop.log"
    rows = [line.split() for line in log.read_text().splitlines() if line.strip()]
    return [(int(size), int(status)) for size, status, *_ in rows]


def test_a_60_turn_conversation_is_answered_at_every_turn(profile):
    user = Chat(profile.config.public_port, f"long-{uuid.uuid4().hex[:8]}")
    said, failures = [], []

    def turn(text):
        status, replies = user.send(text)
        said.append(text)
        if status != 200 or not replies:
            failures.append((len(said), text, status, replies))
        return replies or []

    for topic in TOPICS * 2:
        turn(topic)
    replies = turn("my back just spasmed")
    while triage_of(replies) is None and len(said) < 45:
        replies = turn("no")
    assert (triage_of(replies) or {}).get("triage") == "self_care", texts(replies)
    while len(said) < 60:
        turn(TOPICS[len(said) % len(TOPICS)])
    assert not failures, failures[:3]
    sizes = action_hop_sizes(profile)
    assert sizes and all(status == 200 for _, status in sizes), [s for s in sizes if s[1] != 200][:3]
    print(f"largest action call over 60 turns: {max(size for size, _ in sizes) / 1024:.0f} KiB")


def test_fifty_messages_at_once_on_one_conversation_are_all_answered(profile):
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    user = Chat(profile.config.public_port, sender)
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda i: user.send("hello" if i % 2 else "what are my options?"), range(50)))
    statuses = [status for status, _ in results]
    assert statuses.count(200) == 50, sorted(set(statuses))
    assert all(replies for _, replies in results)
    # the conversation is still in one piece: a red flag now gets the emergency message
    assert triage_of(user.say("I can't feel my legs"))["triage"] == "emergency"
    assert "numb" in json.dumps(user.say("repeat")).lower()
