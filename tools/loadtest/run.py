"""make load: the production profile under 1, 50 and 200 simultaneous conversations.

    python -m tools.loadtest.run [--users 1 50 200] [--duration 60]

Starts the production profile (tools/production.py) on a fresh database, runs Locust
headless (tools/loadtest/locustfile.py, from its own environment .venv-load) once per stage, then checks
the record: every finished conversation has its session row, and every red flag got the
emergency reply (in the answer, and as the session's outcome). Prints the figures and writes
reports/load.json. Exits 1 if anything was lost or a red flag went unanswered.
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from spasm_aid.session_log.models import SessionRecord
from spasm_aid.session_log.privacy import hash_sender
from tools.production import Profile, ProfileConfig, ProfileError
from tools.report import write_report
from tools.servers import ROOT, rss_mb

LOCUST = ROOT / ".venv-load" / "bin" / "locust"
DATABASE = "spasm_aid_load"
SALT = "load-test-salt"


def run_stage(profile: Profile, users: int, duration: int, workdir: Path) -> Dict:
    prefix, record = workdir / f"u{users}", workdir / f"u{users}.jsonl"
    command = [
        str(LOCUST), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless", "-u", str(users),
        "-r", str(max(1, users // 10)), "-t", f"{duration}s", "--stop-timeout", "15",
        "--host", profile.config.public_url, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]
    print(f"-- {users} user(s) for {duration} s", flush=True)
    subprocess.run(command, env={"LOAD_RECORD": str(record), "PATH": "/usr/bin:/bin"}, check=False,
                   stdout=subprocess.DEVNULL, stderr=open(workdir / f"u{users}.log", "w"))
    stats = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = row
    total = stats.get("Aggregated") or {}
    conversations = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []

    def ms(row, key):
        return float(row[key]) if row and row.get(key) not in (None, "", "N/A") else None

    return {
        "users": users,
        "duration_s": duration,
        "requests": int(total.get("Request Count", 0)),
        "failures": int(total.get("Failure Count", 0)),
        "throughput_rps": round(float(total.get("Requests/s", 0)), 1),
        "latency_ms": {"p50": ms(total, "50%"), "p95": ms(total, "95%"), "p99": ms(total, "99%"), "max": ms(total, "100%")},
        "by_kind_p95_ms": {name: ms(row, "95%") for name, row in stats.items() if name != "Aggregated"},
        "conversations_finished": len(conversations),
        "rasa_rss_mb": [round(rss_mb(s.process.pid), 1) for s in profile.rasa if s is not None],
        "_conversations": conversations,
    }


def check_record(profile: Profile, stages: List[Dict], timeout: float = 60) -> Dict:
    """Every finished conversation has its session row; every red flag was answered."""
    conversations = [c for stage in stages for c in stage.pop("_conversations")]
    expected = {hash_sender(c["sender"], SALT.encode()): c for c in conversations}
    engine = create_engine(profile.config.database_url, future=True)
    deadline, rows = time.monotonic() + timeout, {}
    try:
        while time.monotonic() < deadline:
            with Session(engine) as session:
                rows = {r.sender_hash: r for r in session.execute(select(SessionRecord)).scalars()}
            if all(h in rows and rows[h].turns >= c["turns"] for h, c in expected.items()):
                break
            time.sleep(1)
        with engine.connect() as conn:
            duplicates = conn.execute(
                text("select count(*) from (select sender_hash from sessions group by sender_hash having count(*) > 1) d")
            ).scalar()
    finally:
        engine.dispose()
    red = [c for c in conversations if c["emergency_expected"]]
    return {
        "conversations_checked": len(expected),
        "missing_session_rows": sum(h not in rows for h in expected),
        "session_rows_short_of_turns": sum(h in rows and rows[h].turns < c["turns"] for h, c in expected.items()),
        "conversations_with_two_rows": duplicates,
        "red_flag_conversations": len(red),
        "red_flags_answered_with_emergency": sum(c["emergency_answered"] for c in red),
        "red_flag_sessions_recorded_as_emergency": sum(
            rows.get(hash_sender(c["sender"], SALT.encode())) is not None
            and rows[hash_sender(c["sender"], SALT.encode())].final_triage == "emergency"
            for c in red
        ),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--duration", type=int, default=60, help="seconds per stage")
    parser.add_argument("--out", default=str(ROOT / "reports" / "load.json"))
    args = parser.parse_args(argv)
    if not LOCUST.exists():
        print(f"Locust is not installed at {LOCUST}: run 'make load' (it installs tools/loadtest/requirements.lock).", file=sys.stderr)
        return 1
    config = ProfileConfig(
        pg_database=DATABASE, redis_prefix=f"load{uuid.uuid4().hex[:8]}", var_dir=ROOT / "var" / "load",
        extra_env={"SPASM_AID_SENDER_SALT": SALT},
    )
    admin = create_engine(config.database_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # a fresh database: the check below counts only this run
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    except Exception as error:
        print(f"PostgreSQL is needed at {config.pg_host}:{config.pg_port}: {error}", file=sys.stderr)
        return 1
    finally:
        admin.dispose()
    profile = Profile(config)
    try:
        started = time.perf_counter()
        profile.start()
        ready = time.perf_counter() - started
    except ProfileError as error:
        print(f"Cannot start the production profile: {error}", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="spasm-aid-load-") as tmp:
            stages = [run_stage(profile, users, args.duration, Path(tmp)) for users in args.users]
            record = check_record(profile, stages)
    finally:
        profile.stop()
    report = {
        "profile": {"rasa_servers": config.rasa_servers, "action_servers": config.action_servers,
                    "sanic_workers": config.sanic_workers, "ready_s": round(ready, 1)},
        "think_time_s": [2, 4],
        "stages": stages,
        "record": record,
    }
    write_report(Path(args.out), report)
    print(f"profile ready after {ready:.1f} s ({config.rasa_servers} Rasa + {config.action_servers} action servers)")
    print(f"{'users':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7} {'convs':>6}  Rasa RSS MB")
    for s in stages:
        lat = s["latency_ms"]
        print(f"{s['users']:>6} {s['throughput_rps']:>7} {lat['p50']:>7} {lat['p95']:>7} {lat['p99']:>7} "
              f"{s['failures']:>7} {s['conversations_finished']:>6}  {s['rasa_rss_mb']}")
    for key, value in record.items():
        print(f"  {key}: {value}")
    print(f"written to {args.out}")
    lost = record["missing_session_rows"] or record["session_rows_short_of_turns"] or record["conversations_with_two_rows"]
    unanswered = record["red_flags_answered_with_emergency"] < record["red_flag_conversations"]
    return 1 if lost or unanswered or any(s["failures"] for s in stages) else 0


if __name__ == "__main__":
    sys.exit(main())
