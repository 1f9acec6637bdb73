"""The live microphone loop (`make voice` without --input), end to end on a virtual sound card:
a private PulseAudio server (Debian's, started here) whose null sink "air" is what the
assistant's microphone hears; a person's speech (Flite) is played into it, the assistant plays
into its own sink, and the loop runs as `python -m spasm_aid.voice` does, against the served
assistant.

- With the assistant's voice looped into the air at full level (no echo cancellation at all): a
  spoken turn is answered aloud, and its own voice never becomes a turn.
- With a microphone that does not hear the assistant (a speakerphone that cancels its own echo):
  "help me" said over a long reply stops it and gives the emergency message.
The time from the end of speech to the first reply audio is printed (a figure, not a check)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(shutil.which("pulseaudio") is None or shutil.which("paplay") is None or shutil.which("flite") is None,
                       reason="pulseaudio, pulseaudio-utils and flite make the virtual sound card and the speech: "
                              "run 'make test' (it installs them)"),
]


def start_pulseaudio(tmp_path, echo: bool):
    """A private PulseAudio server. "air" is what the assistant's microphone hears (its monitor);
    the assistant plays into "speaker". With `echo`, the speaker is heard in the air at full
    level (a loopback): no echo cancellation at all, the worst case. Without, the microphone does
    not hear the assistant, as with a speakerphone that cancels its own echo."""
    config = tmp_path / "default.pa"
    socket = tmp_path / "native"
    config.write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
        "load-module module-null-sink sink_name=air rate=16000 channels=1\n"
        "load-module module-null-sink sink_name=speaker rate=16000 channels=1\n"
        + ("load-module module-loopback source=speaker.monitor sink=air latency_msec=20\n" if echo else "")
        + "set-default-sink speaker\nset-default-source air.monitor\n"
        # new sources start at a third of full volume: the microphone at 100%
        "set-source-volume air.monitor 65536\n"
    )
    env = dict(os.environ, HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path), PULSE_SERVER=f"unix:{socket}")
    server = subprocess.Popen(["pulseaudio", "-n", "-F", str(config), "--daemonize=no", "--exit-idle-time=-1",
                               "--use-pid-file=no", "--system=false"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            return server, env
        time.sleep(0.1)
    server.kill()
    pytest.fail("the private PulseAudio server did not start")


@contextmanager
def room(tmp_path, echo):
    server, env = start_pulseaudio(tmp_path, echo)
    try:
        yield env
    finally:
        server.kill()
        server.wait()


@pytest.fixture
def echoing_room(tmp_path):
    with room(tmp_path, echo=True) as env:
        yield env


@pytest.fixture
def quiet_room(tmp_path):
    with room(tmp_path, echo=False) as env:
        yield env


def person_says(room_env, tmp_path, text):
    from tools.evaluation.synthesisers import speak_wav

    path = tmp_path / f"{re.sub(r'[^a-z]+', '-', text)}.wav"
    path.write_bytes(speak_wav("flite-slt", text))
    subprocess.run(["paplay", "--device=air", str(path)], env=room_env, check=True, timeout=30)


class Loop:
    """`python -m spasm_aid.voice` on the room's microphone, its output read line by line."""

    def __init__(self, room_env, port):
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "spasm_aid.voice", "--server", f"http://127.0.0.1:{port}"],
            cwd=ROOT, env=room_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, after=0, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index, line in enumerate(self.lines[after:], after):
                if re.search(pattern, line):
                    return index
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"the loop never printed {pattern!r}:\n" + "\n".join(self.lines))

    def stop(self):
        self.process.kill()
        self.process.wait()


@contextmanager
def live_loop(room_env, port):
    """The loop, once it listens; its timings printed when the test's steps pass."""
    loop = Loop(room_env, port)
    try:
        loop.wait_for(r"^Listening on", timeout=120)
        yield loop
        print_timings(loop)
    finally:
        loop.stop()


def test_the_live_loop_answers_aloud_and_never_takes_its_own_voice_for_a_turn(servers, echoing_room, tmp_path):
    with live_loop(echoing_room, servers["served"]) as loop:
        person_says(echoing_room, tmp_path, "my back just spasmed")
        first = loop.wait_for(r"^heard: ")
        loop.wait_for(r"^bot: .*hard to pee", after=first)
        # the reply (about 15 s of speech) is heard by the microphone as loud as the person
        ended = loop.wait_for(r"^\(reply ended", after=first)
        time.sleep(2)
        assert sum(line.startswith("heard: ") for line in loop.lines) == 1, "\n".join(loop.lines)
        person_says(echoing_room, tmp_path, "no")
        loop.wait_for(r"^bot: .*numbness", after=ended)
        loop.wait_for(r"^\(reply ended", after=ended + 1)
        time.sleep(2)
        assert sum(line.startswith("heard: ") for line in loop.lines) == 2, "\n".join(loop.lines)


def test_help_me_said_over_a_long_reply_stops_it_and_gives_the_emergency_message(servers, quiet_room, tmp_path):
    with live_loop(quiet_room, servers["served"]) as loop:
        person_says(quiet_room, tmp_path, "my back just spasmed")
        first = loop.wait_for(r"^bot: .*hard to pee")
        loop.wait_for(r"^\(first audio", after=first)
        time.sleep(3)  # well into the reply (about 15 s)
        person_says(quiet_room, tmp_path, "help me")
        barge = loop.wait_for(r"^\(barge-in\) heard: 'help'", after=first)
        loop.wait_for(r"^bot: .*Call 9 1 1 now", after=barge)


def print_timings(loop):
    timings = [float(m.group(1)) for m in (re.match(r"^\(first audio (\S+) s", line) for line in loop.lines) if m]
    print(f"end of speech to first reply audio in the live loop: {timings}")
