"""make run, driven in a pseudo-terminal as a newcomer types: "no" answers no (rasa shell's
arrow-key menu turned a typed "no" into "yes" and gave the emergency message)."""
import re
import sys

import pexpect
import pytest

from tools.servers import MODEL, ROOT, endpoints_file, server_env

RASA_PORT, ACTION_PORT = 5205, 5255


def makefile_run_command():
    text = (ROOT / "Makefile").read_text()
    return re.search(r"^run:.*\n(?:\t.*\n)+", text, re.M).group(0)


def test_make_run_uses_the_terminal_chat_not_rasa_shell():
    recipe = makefile_run_command()
    assert "-m spasm_aid.terminal" in recipe and "rasa) shell" not in recipe and " shell " not in recipe


@pytest.fixture(scope="module")
def terminal(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run 'make test' (it trains first)")
    base = tmp_path_factory.mktemp("terminal")
    env = server_env(base, f"sqlite:///{base / 'sessions.db'}")
    command = [
        "-m", "tools.with_action_server", "--port", str(ACTION_PORT), "--rasa-model", str(MODEL),
        "--rasa-port", str(RASA_PORT), "--rasa-endpoints", str(endpoints_file(base / "endpoints.yml", ACTION_PORT)),
        "--log", str(base / "servers.log"), "--", sys.executable, "-m", "spasm_aid.terminal",
        "--url", f"http://127.0.0.1:{RASA_PORT}",
    ]
    child = pexpect.spawn(sys.executable, command, cwd=str(ROOT), env=env, encoding="utf-8", timeout=180)
    child.expect_exact("You: ")
    yield child
    if child.isalive():
        child.sendline("/quit")
        child.expect(pexpect.EOF, timeout=60)


def say(child, text):
    child.sendline(text)
    child.expect_exact("You: ", timeout=60)
    return child.before


def test_a_screening_typed_no_yes_and_not_sure(terminal):
    opened = say(terminal, "my back just spasmed")
    assert "hard to pee" in opened and "(yes / no / not sure)" in opened
    after_no = say(terminal, "no")
    assert "numbness or tingling around your bottom" in after_no  # the next question: no was no
    assert "Call 911" not in after_no and "help now" not in after_no
    after_not_sure = say(terminal, "not sure")
    assert "Let me put it simply" in after_not_sure and "(yes / no / not sure)" in after_not_sure
    assert "going down both legs" in say(terminal, "no")
    emergency = say(terminal, "yes")
    assert "Weak or numb legs" in emergency and "Call 911 now." in emergency
    terminal.sendline("/quit")
    terminal.expect(pexpect.EOF, timeout=60)  # the servers are stopped with it
    terminal.close()
    assert terminal.exitstatus == 0
