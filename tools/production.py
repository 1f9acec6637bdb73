"""The production profile on one machine: Rasa's documented way to scale, on loopback.

    python -m tools.production            (make production)

- two (or more) Rasa servers, interchangeable: conversations in PostgreSQL
  (spasm_aid.tracker_store, no sender ids or text), one message at a time per conversation
  through a Redis lock store, the session log in PostgreSQL;
- two (or more) action servers;
- nginx in front of both (deploy/nginx.conf.template): one public port for REST, socketio and
  the voice connector, one internal port for the actions;
- the HTTP API of Rasa only with a token (SPASM_AID_API_TOKEN, or one generated into
  var/production/api_token), CORS only for SPASM_AID_ALLOWED_ORIGINS.
A server that dies is started again (the others carry its conversations meanwhile). Ctrl-C
stops everything. Settings come from the environment (docs/production.md).
"""
from __future__ import annotations

import argparse
import getpass
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import quote

from spasm_aid import replies, settings
from tools.servers import BIN, MODEL, ROOT, Server, stop_process

DEPLOY = ROOT / "deploy"


# nginx's reason for a body in a transfer encoding it does not support (its own 501 page says
# nothing to a person); the renderer adds the number.
UNSUPPORTED_ENCODING = "Transfer-Encoding other than chunked is not accepted; send the body as it is."


class ProfileError(RuntimeError):
    """Something the operator must fix before the profile can start; the message says what."""


def _from_env(name: str):
    """A field whose default is the environment's value (read when the config is made)."""
    return field(default_factory=lambda: getattr(settings.ProductionSettings.from_env(), name))


def _origins() -> List[str]:
    allowed = settings.allowed_origins()
    return ["*"] if allowed == "*" else list(allowed)


@dataclass
class ProfileConfig:
    rasa_servers: int = 2
    action_servers: int = 2
    public_port: int = _from_env("public_port")
    action_port: int = _from_env("action_port")
    rasa_base_port: int = 5011
    action_base_port: int = 5061
    sanic_workers: int = _from_env("sanic_workers")
    pg_host: str = _from_env("pg_host")
    pg_port: int = _from_env("pg_port")
    pg_user: str = _from_env("pg_user")
    pg_password: str = _from_env("pg_password")
    pg_database: str = _from_env("pg_database")
    redis_host: str = _from_env("redis_host")
    redis_port: int = _from_env("redis_port")
    redis_db: int = _from_env("redis_db")
    redis_prefix: str = _from_env("redis_prefix")
    allowed_origins: List[str] = field(default_factory=_origins)
    max_body: str = _from_env("max_body")  # why these sizes: spasm_aid.settings.ProductionSettings
    action_max_body: str = _from_env("action_max_body")
    var_dir: Path = ROOT / "var" / "production"
    model: Path = MODEL
    extra_env: Dict[str, str] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        password = f":{quote(self.pg_password, safe='')}" if self.pg_password else ""
        return f"postgresql://{quote(self.pg_user, safe='')}{password}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class Profile:
    def __init__(self, config: Optional[ProfileConfig] = None) -> None:
        self.config = config or ProfileConfig()
        self.logs = self.config.var_dir / "logs"
        self.rasa: List[Optional[Server]] = [None] * self.config.rasa_servers
        self.actions: List[Optional[Server]] = [None] * self.config.action_servers
        self.nginx: Optional[subprocess.Popen] = None
        self.api_token = ""

    # --- checks -------------------------------------------------------------------------------
    def preflight(self) -> None:
        c = self.config
        try:
            settings.Settings.from_env()
        except settings.SettingsError as error:
            raise ProfileError(f"Fix these settings first:\n{error}") from None
        if not c.model.exists():
            raise ProfileError(f"No trained model at {c.model}: run 'make model' first.")
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise ProfileError("nginx is not installed: run 'bash scripts/install_debian_packages.sh' (make does this).")
        ports = [c.public_port, c.action_port]
        ports += [c.rasa_base_port + i for i in range(c.rasa_servers)]
        ports += [c.action_base_port + i for i in range(c.action_servers)]
        busy = [p for p in ports if not _port_free(p)]
        if busy:
            raise ProfileError(f"Port(s) {busy} already in use on 127.0.0.1: is the profile already running?")
        self._check_redis()
        self._prepare_database()
        c.var_dir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.api_token = settings.ProductionSettings.from_env(self.env()).api_token or self._stored_token()

    def _check_redis(self) -> None:
        import redis

        c = self.config
        try:
            redis.Redis(host=c.redis_host, port=c.redis_port, db=c.redis_db, socket_timeout=3).ping()
        except redis.RedisError as error:
            raise ProfileError(
                f"Redis (the lock store) does not answer at {c.redis_host}:{c.redis_port}: {error}. "
                f"Start it, or set SPASM_AID_REDIS_HOST / SPASM_AID_REDIS_PORT."
            ) from error

    def _prepare_database(self) -> None:
        """Create the database if missing and bring the session log schema up to date."""
        import psycopg2
        from psycopg2 import sql

        from spasm_aid.session_log.database import make_engine, migrate

        c = self.config
        try:
            admin = psycopg2.connect(
                host=c.pg_host, port=c.pg_port, user=c.pg_user, password=c.pg_password or None,
                dbname="postgres", connect_timeout=3,
            )
        except psycopg2.Error as error:
            raise ProfileError(
                f"PostgreSQL does not answer at {c.pg_host}:{c.pg_port} as {c.pg_user}: {str(error).strip()}. "
                f"Start it, or set SPASM_AID_PG_HOST / _PORT / _USER / _PASSWORD."
            ) from error
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (c.pg_database,))
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(c.pg_database)))
        finally:
            admin.close()
        engine = make_engine(c.database_url)
        try:
            migrate(engine)
        finally:
            engine.dispose()

    def _stored_token(self) -> str:
        path = self.config.var_dir / "api_token"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(32))
        return path.read_text().strip()

    # --- processes ----------------------------------------------------------------------------
    def env(self) -> Dict[str, str]:
        c = self.config
        env = dict(os.environ)
        env.update(
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            SPASM_AID_VAR_DIR=str(c.var_dir),
            SPASM_AID_DB_URL=c.database_url,
            SPASM_AID_ACTION_URL=f"http://127.0.0.1:{c.action_port}/webhook",
            SPASM_AID_PG_HOST=c.pg_host,
            SPASM_AID_PG_PORT=str(c.pg_port),
            SPASM_AID_PG_USER=c.pg_user,
            SPASM_AID_PG_PASSWORD=c.pg_password,
            SPASM_AID_PG_DATABASE=c.pg_database,
            SPASM_AID_REDIS_HOST=c.redis_host,
            SPASM_AID_REDIS_PORT=str(c.redis_port),
            SPASM_AID_REDIS_DB=str(c.redis_db),
            SPASM_AID_REDIS_PREFIX=c.redis_prefix,
            # several servers: a Slack retry or a session's household alert is handled once in all
            SPASM_AID_SHARED_STATE="redis",
            SANIC_WORKERS=str(c.sanic_workers),
        )
        env.update(c.extra_env)
        return env

    def start_action_server(self, index: int) -> Server:
        port = self.config.action_base_port + index
        env = dict(self.env(), SANIC_HOST="127.0.0.1")  # rasa-sdk listens on all interfaces otherwise
        server = Server(
            [str(BIN / "rasa"), "run", "actions", "--port", str(port)],
            env, self.logs / f"actions-{index}.log", f"http://127.0.0.1:{port}/health",
        )
        self.actions[index] = server
        return server

    def start_rasa_server(self, index: int) -> Server:
        c = self.config
        port = c.rasa_base_port + index
        args = [
            str(BIN / "rasa"), "run", "-m", str(c.model), "--port", str(port), "--interface", "127.0.0.1",
            "--endpoints", str(DEPLOY / "endpoints.production.yml"), "--credentials", str(ROOT / "credentials.yml"),
            "--enable-api", "--auth-token", self.api_token, "--cors", *c.allowed_origins,
        ]
        server = Server(args, self.env(), self.logs / f"rasa-{index}.log", f"http://127.0.0.1:{port}/")
        self.rasa[index] = server
        return server

    def write_nginx_conf(self) -> Path:
        c = self.config
        template = string.Template((DEPLOY / "nginx.conf.template").read_text())
        number = settings.emergency_number()
        (c.var_dir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
        text = template.substitute(
            user=getpass.getuser(),
            var=str(c.var_dir),
            max_body=c.max_body,
            action_max_body=c.action_max_body,
            listen=f"127.0.0.1:{c.public_port}",
            action_listen=f"127.0.0.1:{c.action_port}",
            rasa_servers="\n        ".join(
                f"server 127.0.0.1:{c.rasa_base_port + i} max_fails=1 fail_timeout=5s;" for i in range(c.rasa_servers)
            ),
            action_servers="\n        ".join(
                f"server 127.0.0.1:{c.action_base_port + i} max_fails=1 fail_timeout=5s;"
                for i in range(c.action_servers)
            ),
            emergency_number=number,
            # nginx's own pages, in the words of domain.yml (spasm_aid/replies.py)
            unavailable_text=replies.nginx_json_string(replies.FAILURE, number),
            unsupported_text=replies.nginx_json_string(replies.REFUSED, number, reason=UNSUPPORTED_ENCODING),
            too_large_text=replies.nginx_json_string(
                replies.REFUSED, number, reason=replies.text(replies.TOO_LARGE, number, max_body=c.max_body)),
        )
        path = c.var_dir / "nginx.conf"
        path.write_text(text)
        return path

    def start_nginx(self) -> None:
        conf = self.write_nginx_conf()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(self.config.var_dir)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ProfileError(f"nginx refused {conf}: {check.stderr.strip()}")
        log = open(self.logs / "nginx.log", "ab")
        self.nginx = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.config.var_dir), "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
        )

    def start(self, timeout: float = 180) -> None:
        self.preflight()
        from spasm_aid.session_log.privacy import sender_salt

        if not self.env().get("SPASM_AID_SENDER_SALT"):
            sender_salt(self.config.var_dir)  # created once here, not raced by the servers
        try:
            for i in range(self.config.action_servers):
                self.start_action_server(i)
            self.start_nginx()
            for i in range(self.config.rasa_servers):
                self.start_rasa_server(i)
            for server in self.actions + self.rasa:
                assert server is not None  # each was just started
                server.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self.rasa + self.actions:
            if server is not None:
                server.stop()
        if self.nginx is not None:
            stop_process(self.nginx, grace=5)
            self.nginx = None

    def watch(self) -> None:
        """Start again any server that exited, until interrupted."""
        while True:
            time.sleep(1)
            for kind, servers, start in (("Rasa", self.rasa, self.start_rasa_server), ("action", self.actions, self.start_action_server)):
                for i, server in enumerate(servers):
                    if server is not None and server.process.poll() is not None:
                        print(f"{kind} server {i} exited ({server.process.returncode}); starting it again. Log: {server.log}", flush=True)
                        server.stop()
                        start(i)
            if self.nginx is not None and self.nginx.poll() is not None:
                raise ProfileError(f"nginx exited; see {self.logs / 'nginx.log'} and {self.config.var_dir / 'nginx-error.log'}")

    def __enter__(self) -> "Profile":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the profile as Ctrl-C does


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-servers", type=int, default=2)
    parser.add_argument("--action-servers", type=int, default=2)
    parser.add_argument("--port", type=int, default=ProfileConfig.public_port, help="public port (nginx)")
    args = parser.parse_args(argv)
    if args.rasa_servers < 1 or args.action_servers < 1:
        parser.error("at least one Rasa server and one action server are needed")
    profile = Profile(ProfileConfig(rasa_servers=args.rasa_servers, action_servers=args.action_servers, public_port=args.port))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        started = time.perf_counter()
        profile.start()
        c = profile.config
        print(
            f"Spasm Aid production profile ready after {time.perf_counter() - started:.1f} s:\n"
            f"  REST      POST {c.public_url}/webhooks/rest/webhook\n"
            f"  socketio  {c.public_url}/socket.io/\n"
            f"  voice     {c.public_url}/webhooks/voice/webhook\n"
            f"  Rasa API  {c.public_url}/status?token=... (token in SPASM_AID_API_TOKEN or {c.var_dir / 'api_token'})\n"
            f"  {c.rasa_servers} Rasa server(s), {c.action_servers} action server(s); PostgreSQL "
            f"{c.pg_host}:{c.pg_port}/{c.pg_database}, Redis {c.redis_host}:{c.redis_port}; logs in {profile.logs}\n"
            f"Ctrl-C stops it.",
            flush=True,
        )
        profile.watch()
    except ProfileError as error:
        print(f"Cannot start the production profile: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping...", flush=True)
    finally:
        profile.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
