"""The container image's servers start from the image's files alone (deploy/Dockerfile's COPY
lines, built into a folder: no Docker engine here) and answer an emergency."""
import subprocess
import sys
import uuid

import pytest

from spasm_aid.client import Chat, texts, triage_of
from tests.deploy_image import build_image_files
from tools.servers import MODEL, server_env, start_action_server, start_rasa

pytestmark = pytest.mark.server
RASA_PORT, ACTION_PORT = 5131, 5181


def test_the_image_files_start_both_servers_and_answer_an_emergency(tmp_path):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    app = build_image_files(tmp_path / "app")
    endpoints = app / "endpoints.yml"
    endpoints.write_text(endpoints.read_text().replace("http://localhost:5055/webhook", f"http://127.0.0.1:{ACTION_PORT}/webhook"))
    # the image's own copy of the code first on the path, as in the image (not this checkout's)
    env = server_env(tmp_path / "var", f"sqlite:///{tmp_path / 'sessions.db'}", {"PYTHONPATH": str(app)})
    # the servers below import the image's copy, not this checkout's
    root = subprocess.run([sys.executable, "-c", "import spasm_aid.paths as p; print(p.ROOT)"], cwd=app, env=env,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert root == str(app)
    servers = [start_action_server(ACTION_PORT, env, tmp_path / "actions.log", cwd=app),
               start_rasa(RASA_PORT, endpoints, env, tmp_path / "rasa.log", model=app / "models" / MODEL.name, cwd=app)]
    try:
        for server in servers:
            server.wait_ready()
        replies = Chat(RASA_PORT, f"image-{uuid.uuid4().hex[:6]}").say("I can't feel my legs")
        assert triage_of(replies)["triage"] == "emergency" and "Call 911 now" in texts(replies)
    finally:
        for server in servers:
            server.stop()
