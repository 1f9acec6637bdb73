"""Measure what a user and an operator feel: training time, time until the server is ready,
REST turn latency for one user and for 50 at once, and memory. Prints the numbers against the
targets and writes reports/bench.json.

    python -m tools.bench [--conversations 20] [--users 50] [--seconds 60] [--skip-training]

The 50 users each hold conversations and think 2 to 4 seconds between messages (someone
answering a spoken question); one Rasa server, one Sanic worker, as `make serve` runs it.

Everything runs on loopback ports 5205 (Rasa) and 5255 (actions), against a throw-away
SQLite session log. Training is measured cold (empty Rasa cache) into a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict

from spasm_aid.paths import ROOT
from tools.report import write_report
from tools.servers import endpoints_file, rss_mb, server_env, wait_until_answering
from tools.servers import stop_process as stop

BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "spasm-aid.tar.gz"
RASA_PORT, ACTION_PORT = 5205, 5255
TOKEN = uuid.uuid4().hex
ALL_CLEAR = ["my back just spasmed"] + ["no"] * 12 + ["should I use ice or heat", "bye"]  # 12 questions


def env_for(tmp: Path) -> dict:
    return server_env(tmp, f"sqlite:///{tmp / 'sessions.db'}", {"RASA_CACHE_DIRECTORY": str(tmp / "rasa-cache")})


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def post(text: str, sender: str) -> float:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def concurrent_users(users: int, seconds: float):
    """(latencies in ms, errors, turns per second) of `users` simultaneous conversations."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(number: int) -> None:
        rng = random.Random(number)
        time.sleep(rng.uniform(0, 4))  # users arrive over the first seconds, not all at once
        conversation = 0
        while time.perf_counter() < deadline:
            sender = f"bench-many-{number}-{conversation}"
            for text in ALL_CLEAR:
                if time.perf_counter() >= deadline:
                    return
                try:
                    ms = post(text, sender)
                    with lock:
                        latencies.append(ms)
                except OSError:
                    with lock:
                        errors[0] += 1
                time.sleep(rng.uniform(2, 4))
            conversation += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], len(latencies) / (time.perf_counter() - started)


def wait_http(url: str, process: subprocess.Popen, timeout: float) -> float:
    seconds = wait_until_answering(url, process, timeout)
    if seconds is None:
        raise RuntimeError(f"{url} did not answer within {timeout}s (exit code {process.poll()})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--users", type=int, default=50, help="simultaneous users in the second phase")
    parser.add_argument("--seconds", type=float, default=60, help="length of the second phase")
    parser.add_argument("--skip-training", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="spasm-aid-bench-"))
    env = env_for(tmp)
    results: Dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    try:
        if not args.skip_training:
            started = time.perf_counter()
            subprocess.run(
                [str(BIN / "rasa"), "train", "--out", str(tmp / "models"), "--fixed-model-name", "bench"],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            results["training_seconds"] = round(time.perf_counter() - started, 1)
            print(f"training (cold cache):       {results['training_seconds']} s")
        model = tmp / "models" / "bench.tar.gz" if not args.skip_training else MODEL
        endpoints = endpoints_file(tmp / "endpoints.yml", ACTION_PORT)
        log = open(tmp / "servers.log", "wb")
        actions = subprocess.Popen([str(BIN / "rasa"), "run", "actions", "--port", str(ACTION_PORT)], cwd=ROOT, env=env, stdout=log, stderr=log)
        rasa = subprocess.Popen(
            [str(BIN / "rasa"), "run", "-m", str(model), "--port", str(RASA_PORT), "--endpoints", str(endpoints),
             "--enable-api", "--auth-token", TOKEN],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )
        try:
            ready = wait_http(f"http://127.0.0.1:{RASA_PORT}/status?token={TOKEN}", rasa, 300)
            results["ready_seconds"] = round(ready, 1)
            print(f"rasa run -> /status answers: {results['ready_seconds']} s")
            wait_http(f"http://127.0.0.1:{ACTION_PORT}/health", actions, 60)
            results["rss_mb_idle"] = round(rss_mb(rasa.pid))
            first = post("hello", "warm-up")
            latencies = []
            for n in range(args.conversations):
                sender = f"bench-{n}"
                latencies += [post(text, sender) for text in ALL_CLEAR]
            red_flag = [post("I can't feel my legs", f"bench-flag-{n}") for n in range(args.conversations)]
            results.update(
                first_reply_ms=round(first, 1),
                turns=len(latencies),
                turn_ms_p50=round(statistics.median(latencies), 1),
                turn_ms_p95=round(percentile(latencies, 95), 1),
                turn_ms_max=round(max(latencies), 1),
                emergency_turn_ms_p50=round(statistics.median(red_flag), 1),
                emergency_turn_ms_p95=round(percentile(red_flag, 95), 1),
                rss_mb_rasa=round(rss_mb(rasa.pid)),
                rss_mb_actions=round(rss_mb(actions.pid)),
            )
            print(f"first reply:                 {results['first_reply_ms']} ms")
            print(f"REST turn latency ({len(latencies)} turns, one user): p50 {results['turn_ms_p50']} ms, "
                  f"p95 {results['turn_ms_p95']} ms, max {results['turn_ms_max']} ms")
            print(f"emergency reply latency:     p50 {results['emergency_turn_ms_p50']} ms, p95 {results['emergency_turn_ms_p95']} ms")
            many, errors, rate = concurrent_users(args.users, args.seconds)
            results.update(
                concurrent_users=args.users,
                concurrent_turns=len(many),
                concurrent_errors=errors,
                concurrent_turns_per_second=round(rate, 1),
                concurrent_turn_ms_p50=round(statistics.median(many), 1),
                concurrent_turn_ms_p95=round(percentile(many, 95), 1),
                concurrent_turn_ms_p99=round(percentile(many, 99), 1),
                rss_mb_rasa=round(rss_mb(rasa.pid)),
            )
            print(f"REST turn latency ({len(many)} turns, {args.users} users at once, {rate:.1f} turns/s): "
                  f"p50 {results['concurrent_turn_ms_p50']} ms, p95 {results['concurrent_turn_ms_p95']} ms, "
                  f"p99 {results['concurrent_turn_ms_p99']} ms, errors {errors}")
            print(f"resident memory: Rasa server {results['rss_mb_rasa']} MB (idle {results['rss_mb_idle']} MB), "
                  f"action server {results['rss_mb_actions']} MB")
        finally:
            stop(rasa)
            stop(actions)
            log.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    targets = [
        ("ready within 15 s", results.get("ready_seconds"), 15),
        ("p95 one user <= 100 ms", results.get("turn_ms_p95"), 100),
        (f"p95 {args.users} users <= 300 ms", results.get("concurrent_turn_ms_p95"), 300),
        ("Rasa server <= 800 MB", results.get("rss_mb_rasa"), 800),
    ]
    results["targets_met"] = {name: value is not None and value <= limit for name, value, limit in targets}
    print("targets: " + ", ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in results["targets_met"].items()))
    out = ROOT / "reports" / "bench.json"
    write_report(out, results)
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
