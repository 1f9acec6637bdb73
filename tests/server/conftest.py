"""Two servers for the end-to-end tests:
- `served`: Rasa + action server + a SQLite session log, as `make serve` runs them;
- `degraded`: Rasa alone, with the action server and the database unreachable and the
  emergency number set to 999, to prove the emergency path needs neither."""
from __future__ import annotations

import pytest

from tests.alexa_ca import CERT_URL, SKILL_ID, FakeAmazonCA
from tests.server.fake_platforms import FakePlatforms
from tools.servers import MODEL, endpoints_file, server_env, start_action_server, start_rasa

RASA_PORT, ACTION_PORT = 5105, 5155
DEGRADED_PORT, DEAD_ACTION_PORT = 5106, 5199
FAKE_PLATFORMS_PORT = 5188
MESSAGING = {  # Telegram and Slack, pointed at the local stand-in for their APIs
    "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_WEBHOOK_SECRET": "telegram-test-secret",
    "TELEGRAM_API_URL": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}",
    "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "slack-test-secret",
    "SLACK_API_URL": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}/api/",
}


# The household alert's three targets: Home Assistant and Telegram stand-ins, and a webhook that
# is down (nothing listens on port 1), to show a dead target changes nothing for the person.
ALERT_CHAT = "-1001234567"
ALERTS = {
    "SPASM_AID_ALERT_HOME_ASSISTANT_WEBHOOK": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}/api/webhook/spasm-aid-test",
    "SPASM_AID_ALERT_TELEGRAM_CHAT": ALERT_CHAT,
    "SPASM_AID_ALERT_WEBHOOK": "http://127.0.0.1:1/down",
}


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    base = tmp_path_factory.mktemp("servers")
    alexa_ca = FakeAmazonCA()  # Amazon's signing certificate, as far as the served assistant knows
    (base / "alexa-roots.pem").write_bytes(alexa_ca.root_pem)
    alexa = {"ALEXA_TRUST_ROOTS": str(base / "alexa-roots.pem"), "ALEXA_SKILL_ID": SKILL_ID,
             "ALEXA_CERT_MIRROR": f"http://127.0.0.1:{FAKE_PLATFORMS_PORT}"}
    # timers of 3 seconds instead of 20 minutes and 2 hours, so pushed reminders can be tested
    served_env = server_env(
        base / "served",
        f"sqlite:///{base / 'served' / 'sessions.db'}",
        {"SPASM_AID_PACK_MINUTES": "0.05", "SPASM_AID_WALK_INTERVAL_MINUTES": "0.05",
         # follow-up check-ins 6 and 12 seconds after the offer, looked for twice a second
         "SPASM_AID_CHECK_IN_MINUTES": "0.1", "SPASM_AID_CHECK_IN_SECOND_MINUTES": "0.1",
         "SPASM_AID_CHECK_IN_POLL_SECONDS": "0.5",
         # the default origins, and this test server's own page (the web chat test)
         "SPASM_AID_ALLOWED_ORIGINS": f"http://localhost:5005 http://127.0.0.1:5005 http://127.0.0.1:{RASA_PORT}",
         **MESSAGING, **alexa, **ALERTS},
    )
    degraded_env = server_env(
        base / "degraded", "postgresql://nobody@127.0.0.1:1/unreachable",
        {"SPASM_AID_EMERGENCY_NUMBER": "999", **{name: "" for name in MESSAGING}},  # messaging not configured
    )
    platforms = FakePlatforms(FAKE_PLATFORMS_PORT)
    platforms.files[CERT_URL.split("amazonaws.com", 1)[1]] = alexa_ca.chain_pem
    started = [
        start_action_server(ACTION_PORT, served_env, base / "actions.log"),
        start_rasa(RASA_PORT, endpoints_file(base / "endpoints.yml", ACTION_PORT), served_env, base / "rasa.log"),
        start_rasa(
            DEGRADED_PORT, endpoints_file(base / "degraded-endpoints.yml", DEAD_ACTION_PORT), degraded_env, base / "degraded.log"
        ),
    ]
    try:
        for server in started:
            server.wait_ready()
        yield {"served": RASA_PORT, "degraded": DEGRADED_PORT, "db": served_env["SPASM_AID_DB_URL"], "logs": base,
               "served_pid": started[1].process.pid,
               "platforms": platforms, "messaging": MESSAGING, "alexa_ca": alexa_ca}
    finally:
        for server in started:
            server.stop()
        platforms.close()


def screen_all_clear(send) -> list:
    """Answer the safety questions "no" until the route is decided (first aid is given only
    after them). `send(text)` returns the reply messages; returns the last replies."""
    replies = send("my back just spasmed")
    for _ in range(20):
        if any((m.get("custom") or {}).get("triage") in ("self_care", "urgent") for m in replies or []):
            return replies
        replies = send("no")
    raise AssertionError(f"the screening did not end: {replies}")
