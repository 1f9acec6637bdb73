"""A small client of the assistant's REST channel: the voice loop and the Home Assistant service
talk to the assistant through it, and so do the tests and the evaluation tools."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import List, Optional


def request_json(url: str, body: Optional[bytes] = None, content_type: str = "application/json", timeout: float = 60):
    """(HTTP status, decoded JSON body) of a GET (no body) or POST; an error status is returned,
    not raised; a server that cannot be reached raises OSError."""
    headers = {"Content-Type": content_type} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Chat:
    """One conversation over the REST channel."""

    def __init__(self, port: int, sender: str) -> None:
        self.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        self.sender = sender

    def post(self, body: bytes):
        return request_json(self.url, body)

    def send(self, text: str):
        """(status, replies); (0, None) when the server cannot be reached."""
        try:
            return self.post(json.dumps({"sender": self.sender, "message": text}).encode())
        except (OSError, ValueError):
            return 0, None

    def say(self, text: str) -> List[dict]:
        status, replies = self.post(json.dumps({"sender": self.sender, "message": text}).encode())
        assert status == 200, (status, replies)
        return replies


def texts(replies: List[dict]) -> str:
    """The texts of reply messages (messages with only a payload are left out)."""
    return " | ".join(r["text"] for r in replies if r.get("text"))


def triage_of(replies: List[dict]) -> Optional[dict]:
    return next((r["custom"] for r in replies if isinstance(r.get("custom"), dict) and "triage" in r["custom"]), None)
