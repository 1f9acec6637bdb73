"""make fuzz: hostile and random input against every endpoint of the assistant (issue 14).

    python -m tools.fuzz [--target serve|production|both] [--examples 300] [--out reports/fuzz.json]

`serve` starts the Rasa and action servers as `make serve` runs them (Telegram and Slack
configured, their API unreachable); `production` starts the production profile (nginx, two Rasa
and two action servers, PostgreSQL and Redis) on its own ports, database and Redis prefix.
Every endpoint gets `--examples` requests drawn by Hypothesis (tools/fuzz/requests.py; the same ones on
every run), checked as tools/fuzz/run.py says. Prints the figures, writes the report, exits 1 when a
problem was found. The short form runs in `make test` (tests/server/test_fuzz.py).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

from tools.fuzz.run import Target, run
from tools.report import write_report
from tools.servers import ROOT, endpoints_file, server_env, start_action_server, start_rasa

SERVE_PORTS = (5405, 5455)
CONCURRENT_SENDERS = 10  # long messages, accepted and refused each, beside one red flag (tools/fuzz/concurrency.py)
MESSAGING = {"TELEGRAM_BOT_TOKEN": "123:FUZZ", "TELEGRAM_WEBHOOK_SECRET": "fuzz-telegram-secret",
             "TELEGRAM_API_URL": "http://127.0.0.1:9", "SLACK_BOT_TOKEN": "xoxb-fuzz",
             "SLACK_SIGNING_SECRET": "fuzz-slack-secret", "SLACK_API_URL": "http://127.0.0.1:9/api/"}


def fuzz_serve(examples: int, workdir: Path) -> dict:
    rasa_port, action_port = SERVE_PORTS
    env = server_env(workdir / "serve", f"sqlite:///{workdir / 'serve' / 'sessions.db'}", MESSAGING)
    servers = [start_action_server(action_port, env, workdir / "actions.log"),
               start_rasa(rasa_port, endpoints_file(workdir / "endpoints.yml", action_port), env, workdir / "rasa.log")]
    try:
        for server in servers:
            server.wait_ready()
        target = Target("serve", rasa_port, [servers[1].process.pid],
                        telegram_secret=MESSAGING["TELEGRAM_WEBHOOK_SECRET"], slack_secret=MESSAGING["SLACK_SIGNING_SECRET"])
        print(f"make serve's servers on {rasa_port} ({examples} requests per endpoint):", flush=True)
        return run(target, examples, concurrent_senders=CONCURRENT_SENDERS).as_dict()
    finally:
        for server in servers:
            server.stop()


def fuzz_production(examples: int, workdir: Path) -> dict:
    from tools.production import Profile, ProfileConfig, ProfileError

    config = ProfileConfig(public_port=8282, action_port=8257, rasa_base_port=5411, action_base_port=5461,
                           pg_database="spasm_aid_fuzz", redis_prefix=f"fuzz{uuid.uuid4().hex[:8]}",
                           var_dir=workdir / "production", extra_env={"SPASM_AID_SENDER_SALT": "fuzz-salt"})
    profile = Profile(config)
    try:
        profile.start()
    except ProfileError as error:
        return {"target": "production", "skipped": str(error)}
    try:
        target = Target("production", config.public_port, [s.process.pid for s in profile.rasa if s is not None],
                        origin=config.allowed_origins[0])
        print(f"the production profile behind nginx on {config.public_port} ({examples} requests per endpoint):", flush=True)
        return run(target, examples, concurrent_senders=CONCURRENT_SENDERS).as_dict()
    finally:
        profile.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["serve", "production", "both"], default="both")
    parser.add_argument("--examples", type=int, default=300, help="requests per endpoint")
    parser.add_argument("--out", default=str(ROOT / "reports" / "fuzz.json"))
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="spasm-aid-fuzz-") as tmp:
        if args.target in ("serve", "both"):
            results.append(fuzz_serve(args.examples, Path(tmp)))
        if args.target in ("production", "both"):
            results.append(fuzz_production(args.examples, Path(tmp)))
    problems = 0
    for result in results:
        if "skipped" in result:
            print(f"{result['target']}: skipped: {result['skipped']}")
            continue
        problems += result["problem_count"]
        print(f"{result['target']}: {result['requests']} requests in {result['seconds']:.0f} s, statuses {result['statuses']}, "
              f"failure replies {result['failure_replies']}, RSS {result['rss_mb_start']:.0f} -> max {result['rss_mb_max']:.0f} MB "
              f"(+{result['rss_growth_mb']} MB), problems {result['problem_count']}")
        for problem in result["problems"][:20]:
            print(f"    {problem}")
    out = write_report(Path(args.out), {"examples_per_endpoint": args.examples, "results": results})
    print(f"Written: {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
