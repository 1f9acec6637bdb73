"""Run a command while the action server (and, with --rasa-model, the Rasa server) is up,
then stop them.

    python -m tools.with_action_server [--port 5055] [--rasa-model M] -- COMMAND [ARGS...]

Used by `make run`, `make serve` and `make test`, so that nobody has to start two processes
by hand. Exits with the command's exit code; fails clearly if the server does not come up.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from spasm_aid import settings
from spasm_aid.paths import ROOT
from tools.servers import stop_process as stop
from tools.servers import wait_until_answering


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> bool:
    return wait_until_answering(url, process, timeout, interval=0.3) is not None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=settings.action_port())
    parser.add_argument("--log", default=str(ROOT / "var" / "action-server.log"))
    parser.add_argument("--rasa-model", help="also start the Rasa server with this model on --rasa-port")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--rasa-endpoints", default="endpoints.yml", help="endpoints file of the Rasa server")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    Path(args.log).parent.mkdir(parents=True, exist_ok=True)
    rasa = str(Path(sys.executable).with_name("rasa"))
    with open(args.log, "ab") as log:
        server = subprocess.Popen(
            [rasa, "run", "actions", "--port", str(args.port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={"SANIC_HOST": "127.0.0.1", **os.environ},  # loopback unless SANIC_HOST says otherwise
        )
        try:
            if not wait_for(f"http://127.0.0.1:{args.port}/health", server, 60):
                print(
                    f"The action server did not start on port {args.port}; see {args.log}. "
                    f"Is another one already running there?",
                    file=sys.stderr,
                )
                return 1
            rasa_server = None
            if args.rasa_model:
                rasa_server = subprocess.Popen(
                    # loopback only: the terminal chat and the voice loop talk to it on this machine
                    [rasa, "run", "-m", args.rasa_model, "--port", str(args.rasa_port), "--interface", "127.0.0.1",
                     "--endpoints", args.rasa_endpoints],
                    cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                )
                print(f"Starting the assistant on port {args.rasa_port} (about 15 s)...", file=sys.stderr)
                if not wait_for(f"http://127.0.0.1:{args.rasa_port}/", rasa_server, 180):
                    print(f"The Rasa server did not start; see {args.log}.", file=sys.stderr)
                    stop(rasa_server)
                    return 1
            try:
                return subprocess.call(command, cwd=ROOT)
            finally:
                if rasa_server is not None:
                    stop(rasa_server)
        finally:
            stop(server)


if __name__ == "__main__":
    sys.exit(main())
