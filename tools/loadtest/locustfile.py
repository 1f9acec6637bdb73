"""Locust users that hold whole conversations with the assistant over REST.

    locust -f tools/loadtest/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8080

Each user thinks 2 to 4 seconds between messages (someone answering a spoken question). A red
flag must get the emergency reply in the very next answer, or the request counts as failed.
Every finished conversation is written to $LOAD_RECORD (JSON lines) so that the runner can check
the session log afterwards."""
from __future__ import annotations

import json
import os
import random
import threading
import uuid

from conversations import conversation
from locust import HttpUser, between, task

RECORD = os.environ.get("LOAD_RECORD", "")
_lock = threading.Lock()


def _record(line: dict) -> None:
    if RECORD:
        with _lock, open(RECORD, "a") as handle:
            handle.write(json.dumps(line) + "\n")


class Caller(HttpUser):
    wait_time = between(2, 4)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def one_conversation(self) -> None:
        sender = f"load-{uuid.uuid4().hex}"
        turns, emergency_expected = conversation(self.rng)
        answered, completed = False, True
        for number, turn in enumerate(turns):
            if number:
                self.wait()  # the user listens, thinks, answers
            with self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": turn.text},
                                  name=turn.kind, catch_response=True) as response:
                try:
                    replies = response.json()
                except ValueError:
                    replies = None
                if response.status_code != 200 or not replies:
                    response.failure(f"HTTP {response.status_code}: {response.text[:120]}")
                    completed = False
                    break
                triage = next((r["custom"].get("triage") for r in replies if isinstance(r.get("custom"), dict)), None)
                if turn.kind == "red_flag":
                    answered = triage == "emergency"
                    if not answered:
                        response.failure(f"red flag {turn.text!r} got {triage!r}, not the emergency reply")
        _record({"sender": sender, "emergency_expected": emergency_expected, "emergency_answered": answered,
                 "completed": completed, "turns": len(turns)})
