"""The production profile, started once for these tests: two Rasa servers and two action
servers behind nginx, on their own ports, their own PostgreSQL database (dropped afterwards)
and their own Redis server (started here, so that the tests may stop it without touching
anyone else's). Skipped, saying why, when PostgreSQL, redis-server or nginx is missing."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest
import redis

from tests.server.fake_platforms import FakePlatforms
from tests.spasm_aid.session_log.conftest import _admin_engine, postgres_available
from tools.production import Profile, ProfileConfig

REDIS_PORT = 6391
SALT = "production-test-salt"
FAKE_PLATFORMS_PORT = 5189
# Slack and a household alert, pointed at a local stand-in for Slack's API and Home Assistant
MESSAGING = {
    "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "slack-production-secret",
    "SLACK_API_URL": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}/api/",
    "SPASM_AID_ALERT_HOME_ASSISTANT_WEBHOOK": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}/api/webhook/production-test",
}
# A follow-up check-in 20 seconds after it is asked for (the next morning's an hour after that),
# looked for every half second by each Rasa server (tests/production/test_check_ins.py)
CHECK_INS = {"SPASM_AID_CHECK_IN_MINUTES": "0.33", "SPASM_AID_CHECK_IN_SECOND_MINUTES": "60",
             "SPASM_AID_CHECK_IN_POLL_SECONDS": "0.5"}


class PrivateRedis:
    def __init__(self, port: int, workdir) -> None:
        self.port, self.workdir, self.process = port, workdir, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                redis.Redis(port=self.port, socket_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def why_not() -> str:
    missing = [tool for tool in ("redis-server", "nginx") if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}")]
    if missing:
        return f"{' and '.join(missing)} not installed (make installs nginx; redis-server is the machine's)"
    return postgres_available()


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    reason = why_not()
    if reason:
        pytest.skip(reason)
    server = PrivateRedis(REDIS_PORT, tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def platforms():
    fake = FakePlatforms(FAKE_PLATFORMS_PORT)
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def profile(private_redis, platforms, tmp_path_factory):
    database = f"spasm_aid_test_{uuid.uuid4().hex[:10]}"
    config = ProfileConfig(
        public_port=8181, action_port=8156, rasa_base_port=5111, action_base_port=5161,
        pg_database=database, redis_port=REDIS_PORT, redis_prefix=f"test{uuid.uuid4().hex[:8]}",
        var_dir=tmp_path_factory.mktemp("production"),
        extra_env={"SPASM_AID_SENDER_SALT": SALT, "SPASM_AID_API_TOKEN": "test-token", **MESSAGING, **CHECK_INS},
    )
    profile = Profile(config)
    profile.start()
    yield profile
    profile.stop()
    admin = _admin_engine()
    with admin.connect() as conn:
        from sqlalchemy import text

        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()
