"""Home Assistant Assist over the Wyoming protocol, as Home Assistant's own integration talks to
it: `describe` for the service info, then one connection per turn with a `transcript` whose
context carries the Assist conversation id, answered by `handled`."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from wyoming.asr import Transcript
from wyoming.client import AsyncTcpClient
from wyoming.handle import Handled
from wyoming.info import Describe, Info

from spasm_aid.channels.home_assistant import serve
from spasm_aid.triage import load_table
from tools.servers import stop_process

SCREENING_QUESTIONS = len(load_table().slots_asked_when_all_no)  # all answered no: self-care

pytestmark = pytest.mark.server
PORT = 10799
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def assist(servers, tmp_path_factory):
    # As it is run for Home Assistant: its own process (make assist).
    log = open(tmp_path_factory.mktemp("assist") / "assist.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "spasm_aid.channels.home_assistant", "--uri", f"tcp://127.0.0.1:{PORT}",
         "--assistant", f"http://127.0.0.1:{servers['served']}"],
        cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, f"the Wyoming service exited; see {log.name}"
            time.sleep(0.1)
    yield PORT
    stop_process(process, grace=5)
    log.close()


async def _turn(port, text, conversation_id, satellite_id=None):
    async with AsyncTcpClient("127.0.0.1", port) as client:
        # as Home Assistant's Wyoming integration builds it (homeassistant/components/wyoming/
        # conversation.py): conversation_id, and device_id / satellite_id when known; releases
        # before wyoming 1.7.0 send no context at all (conversation_id None here)
        context = {"conversation_id": conversation_id} if conversation_id else None
        if context is not None and satellite_id:
            context["satellite_id"] = satellite_id
        await client.write_event(Transcript(text, context=context, language="en").event())
        while True:
            event = await asyncio.wait_for(client.read_event(), 60)
            assert event is not None, "connection closed without an answer"
            if Handled.is_type(event.type):
                return Handled.from_event(event)


def say(port, text, conversation_id=None, satellite_id=None) -> Handled:
    return asyncio.run(_turn(port, text, conversation_id, satellite_id))


def test_the_service_advertises_handle_for_english(assist):
    async def describe():
        async with AsyncTcpClient("127.0.0.1", assist) as client:
            await client.write_event(Describe().event())
            return Info.from_event(await asyncio.wait_for(client.read_event(), 10))

    handle = asyncio.run(describe()).handle
    assert handle and handle[0].installed and handle[0].models[0].languages == ["en"]


def test_an_assist_conversation_to_self_care_keeps_its_conversation_id(assist):
    conversation = f"01HS{uuid.uuid4().hex[:20].upper()}"
    first = say(assist, "my back just spasmed", conversation)
    assert "hard to pee" in first.text and first.context["conversation_id"] == conversation
    for _ in range(SCREENING_QUESTIONS):
        answer = say(assist, "no", conversation)
    assert "Nothing you told me needs a doctor right now" in answer.text
    assert answer.context["triage"]["triage"] == "self_care"


def test_an_assist_emergency_is_spoken_with_the_number(assist):
    conversation = f"01HS{uuid.uuid4().hex[:20].upper()}"
    say(assist, "my back just spasmed", conversation)
    answer = say(assist, "I can't feel my legs", conversation)
    assert answer.context["triage"]["triage"] == "emergency"
    assert "Call 9 1 1 now" in answer.text  # speakable: the number digit by digit


def test_two_assist_conversations_do_not_mix(assist):
    one, two = (f"01HS{uuid.uuid4().hex[:20].upper()}" for _ in range(2))
    say(assist, "my back just spasmed", one)
    say(assist, "no", one)
    fresh = say(assist, "no", two)  # "no" out of the blue in another conversation
    assert "numbness or tingling" not in fresh.text  # not the second safety question of conversation one


def test_no_conversation_id_still_gets_an_answer_and_an_id(assist):
    answer = say(assist, "hello", None)
    assert answer.text and answer.context["conversation_id"]


def test_an_unreachable_assistant_still_gives_the_emergency_number():
    async def run():
        server = asyncio.ensure_future(serve("tcp://127.0.0.1:10798", "http://127.0.0.1:1"))
        await asyncio.sleep(0.3)
        try:
            return await _turn(10798, "I can't feel my legs", "x")
        finally:
            server.cancel()

    answer = asyncio.run(run())
    assert "call 911" in answer.text.lower()


def test_each_wake_word_a_new_assist_id_the_same_satellite_keeps_the_conversation(assist):
    satellite = f"assist_satellite.kitchen_{uuid.uuid4().hex[:6]}"
    first = say(assist, "my back just spasmed", f"01HS{uuid.uuid4().hex[:20].upper()}", satellite)
    assert "hard to pee" in first.text
    second = say(assist, "no", f"01HS{uuid.uuid4().hex[:20].upper()}", satellite)  # a new wake word
    assert "hard to pee" not in second.text and "?" in second.text  # the next safety question


def test_home_assistant_before_wyoming_1_7_sends_no_context_and_the_conversation_still_goes_on(assist):
    first = say(assist, "my back just spasmed")
    assert "hard to pee" in first.text
    second = say(assist, "no")
    assert "hard to pee" not in second.text and "?" in second.text
