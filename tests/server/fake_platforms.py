"""A stand-in for the Telegram Bot API and the Slack Web API on loopback: it records every call
the assistant makes (what would have been sent to the user) and answers as the real APIs do.
It also serves files by path (GET), standing in for Amazon's certificate chain URL."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List
from urllib.parse import parse_qs


class FakePlatforms:
    def __init__(self, port: int) -> None:
        self.calls: List[Dict] = []
        self.files: Dict[str, bytes] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                data = fake.files.get(self.path)
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                if self.path.startswith("/bot"):
                    platform = "telegram"
                elif self.path.startswith("/api/webhook/"):  # Home Assistant's webhook trigger
                    platform = "home_assistant"
                else:
                    platform = "slack"
                with fake.lock:
                    fake.calls.append({"platform": platform, "method": method, "body": body,
                                       "auth": self.headers.get("authorization")})
                if platform == "telegram":
                    result = True if method == "answerCallbackQuery" else {
                        "message_id": len(fake.calls), "date": int(time.time()),
                        "chat": {"id": body.get("chat_id"), "type": "private"}}
                    reply = {"ok": True, "result": result}
                    with fake.lock:
                        fake.calls[-1]["result"] = result
                else:
                    reply = {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def sent(self, platform: str, to: str) -> List[Dict]:
        """Calls that sent something to one chat / channel, in order."""
        key = "chat_id" if platform == "telegram" else "channel"
        with self.lock:
            return [c for c in self.calls if c["platform"] == platform and str(c["body"].get(key)) == str(to)]

    def wait_for(self, platform: str, to: str, predicate, timeout: float = 30.0) -> List[Dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.sent(platform, to)
            if predicate(calls):
                return calls
            time.sleep(0.1)
        raise AssertionError(f"{platform} never got the expected calls for {to}: {self.sent(platform, to)}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
