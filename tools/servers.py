"""Start the real Rasa and action servers (end-to-end tests, evaluation), on their own ports and with
their own session-log database, and stop them afterwards."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from spasm_aid.paths import ROOT

MODEL = ROOT / "models" / "spasm-aid.tar.gz"
BIN = Path(sys.executable).parent


class Server:
    def __init__(self, args: List[str], env: Dict[str, str], log: Path, ready_url: str, cwd: Path = ROOT) -> None:
        self.log = log
        self.ready_url = ready_url
        self.handle = open(log, "wb")
        self.process = subprocess.Popen(args, cwd=cwd, env=env, stdout=self.handle, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 180) -> None:
        if wait_until_answering(self.ready_url, self.process, timeout) is not None:
            return
        if self.process.poll() is not None:
            raise RuntimeError(f"server exited early; see {self.log}:\n{self.log.read_text()[-3000:]}")
        raise RuntimeError(f"server not ready after {timeout}s; see {self.log}")

    def stop(self) -> None:
        stop_process(self.process)
        self.handle.close()


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float, interval: float = 0.1) -> Optional[float]:
    """Seconds until `url` answers 200, or None when the process exits or time runs out."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(interval)
    return None


def stop_process(process: subprocess.Popen, grace: float = 20) -> None:
    """Ask a server to stop (SIGINT, as Ctrl-C), kill it if it has not after `grace` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()


def rss_mb(pid: int) -> float:
    """Resident memory of a running process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_env(var_dir: Path, db_url: str, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SPASM_AID_VAR_DIR=str(var_dir),
        SPASM_AID_DB_URL=db_url,
        SPASM_AID_SENDER_SALT="end-to-end-test-salt",
    )
    env.pop("SPASM_AID_EMERGENCY_NUMBER", None)
    env.pop("SPASM_AID_LOG_TEXT", None)
    env.update(extra or {})
    return env


def endpoints_file(path: Path, action_port: int) -> Path:
    text = (ROOT / "endpoints.yml").read_text()
    text = text.replace("http://localhost:5055/webhook", f"http://127.0.0.1:{action_port}/webhook")
    path.write_text(text)
    return path


def start_action_server(port: int, env: Dict[str, str], log: Path, cwd: Path = ROOT) -> Server:
    return Server([str(BIN / "rasa"), "run", "actions", "--port", str(port)], env, log, f"http://127.0.0.1:{port}/health", cwd)


def start_rasa(port: int, endpoints: Path, env: Dict[str, str], log: Path, model: Path = MODEL, cwd: Path = ROOT) -> Server:
    args = [str(BIN / "rasa"), "run", "-m", str(model), "--port", str(port), "--interface", "127.0.0.1",
            "--endpoints", str(endpoints)]
    return Server(args, env, log, f"http://127.0.0.1:{port}/", cwd)
