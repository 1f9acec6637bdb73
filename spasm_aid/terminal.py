"""make run: chat with the assistant in the terminal, typing as on any messaging app.

    python -m spasm_aid.terminal [--url http://127.0.0.1:5005] [--sender NAME]

Why not `rasa shell`: it turns every question with quick replies into an arrow-key menu with
"Yes" highlighted, so a newcomer who types "no" and presses Enter answers yes (and gets the
emergency message). Here quick replies are only shown as a hint line, "(yes / no / not sure)",
and what you type is sent exactly as typed, through the same REST channel as every other text
channel. Type /quit or press Ctrl-D to leave.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import List, Optional, TextIO

PROMPT = "You: "
BOT = "Spasm Aid: "
QUIT_WORDS = frozenset({"/quit", "/exit", "/bye"})


def hint_line(buttons: Optional[List[dict]]) -> Optional[str]:
    """Quick replies as words you can type: "(yes / no / not sure)"."""
    titles = [str(b.get("title") or b.get("payload") or "").strip() for b in buttons or []]
    titles = [t.lower() for t in titles if t]
    return f"({' / '.join(titles)})" if titles else None


def render(messages: List[dict]) -> List[str]:
    """The lines printed for the assistant's replies."""
    lines: List[str] = []
    for message in messages:
        text = message.get("text")
        if text:
            first, *rest = str(text).splitlines()
            lines.append(BOT + first)
            lines += [" " * len(BOT) + line for line in rest]
        hint = hint_line(message.get("buttons"))
        if hint:
            lines.append(" " * len(BOT) + hint)
    return lines


class Conversation:
    """One conversation with the assistant over its REST channel."""

    def __init__(self, url: str, sender: str) -> None:
        self.webhook = url.rstrip("/") + "/webhooks/rest/webhook"
        self.sender = sender

    def send(self, text: str) -> List[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(self.webhook, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, replies = response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            status, replies = error.code, json.loads(error.read() or b"null")
        if isinstance(replies, list) and (status == 200 or replies):
            return replies  # a failure reply is shown too: it carries the emergency number
        raise ConnectionError(f"the assistant answered HTTP {status}")


def chat(conversation: Conversation, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    print("Spasm Aid in the terminal. Type a message and press Enter; /quit or Ctrl-D leaves.", file=stdout)
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:  # Ctrl-D
            print(file=stdout)
            return 0
        text = line.strip()
        if text.lower() in QUIT_WORDS:
            return 0
        if not text:
            continue
        try:
            replies = conversation.send(text)
        except (OSError, ValueError, ConnectionError) as error:
            print(f"(The assistant did not answer: {error}. Is it running? Try 'make run' again.)", file=stdout)
            continue
        for printed in render(replies):
            print(printed, file=stdout)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server (make run starts one)")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    try:
        return chat(Conversation(args.url, args.sender))
    except KeyboardInterrupt:
        print()
        return 0


if __name__ == "__main__":
    sys.exit(main())
