"""make voice: the hands-free loop. Speech in -> the assistant -> speech out.

    python -m spasm_aid.voice                       # microphone and speaker
    python -m spasm_aid.voice --input a.wav b.wav   # WAV files in, reply WAVs out (no audio hardware)
    python -m spasm_aid.voice --list-devices

It talks to a running assistant through its voice connector (--server, default
http://127.0.0.1:5005; `make voice` starts one), which also pushes timers and reminders.
Speech is recognised offline (pocketsphinx) and spoken with pyttsx3 (espeak-ng).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import List, Optional

from spasm_aid import replies as reply_texts
from spasm_aid.client import request_json, triage_of
from spasm_aid.contract import VOICE_UNCLEAR_MESSAGE
from spasm_aid.paths import ROOT
from spasm_aid.voice import tts
from spasm_aid.voice.asr import RecognitionError, Recognizer, read_wav
from spasm_aid.voice.dialogue import (
    VoiceState,
    confirmation_messages,
)
from spasm_aid.voice.service import VoiceService


class VoiceClient:
    """Talks to the assistant's voice connector (text in; reply messages, and pushed timers)."""

    def __init__(self, port: int, sender: str) -> None:
        self.base = f"http://127.0.0.1:{port}/webhooks/voice"
        self.sender = sender

    def _call(self, url: str, body: Optional[bytes] = None, timeout: float = 60):
        try:
            return request_json(url, body, timeout=timeout)
        except (OSError, ValueError):  # unreachable, or an answer that is not JSON
            return 0, None

    def send(self, text: str):
        """(status, messages); messages is None when the assistant cannot be reached."""
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        status, payload = self._call(f"{self.base}/webhook?audio=0", body)
        return status, (payload or {}).get("messages")

    def understands_as_red_flag(self, text: str) -> bool:
        """The assistant's NLU on words, as if typed (the connector's /understand); False when
        the assistant cannot be reached (the words are then judged by the guard alone)."""
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        status, payload = self._call(f"{self.base}/understand", body, timeout=10)
        return status == 200 and bool((payload or {}).get("red_flag"))

    def pending(self, wait: float = 0) -> List[dict]:
        status, payload = self._call(f"{self.base}/pending?sender={self.sender}&wait={wait}&audio=0", timeout=wait + 30)
        return (payload or {}).get("messages") or []


class VoiceSession:
    """One hands-free conversation: recognise, ask the assistant, speak the reply."""

    def __init__(self, chat, recognizer: Recognizer, speaker: Optional[tts.Speaker], names_emergency=None) -> None:
        self.chat = chat
        self.voice = VoiceService(recognizer, names_emergency, speaker,
                                  understood_as_red_flag=getattr(chat, "understands_as_red_flag", None))
        self.state = VoiceState()
        # Loaded now, not at the first unclear utterance: that reply must not wait for it.
        self.voice.load()

    def turn(self, pcm: bytes) -> dict:
        started = time.perf_counter()
        expect_yes_no = self.state.expects_yes_no
        confirming, self.state.confirming = self.state.confirming, None
        heard, decision = self.voice.hear(pcm, expect_yes_no, confirming)
        recognised = time.perf_counter()
        # unclear speech (not an emergency) is not acted on as words: the assistant is told it
        # could not be made out, and answers, logs and counts that turn like any other
        send = {"send": decision.text, "unclear": VOICE_UNCLEAR_MESSAGE}.get(decision.kind)
        if decision.kind == "ask_again":
            replies = [{"text": decision.ask_again_text(expect_yes_no)}]
        elif decision.kind == "confirm":  # one question, which gives the number itself
            self.state.confirming = decision
            replies = confirmation_messages(self.chat.sender, decision)
        elif decision.kind == "send" and self.state.local_command(decision.text) == "faster":
            replies = self.state.last_replies or [{"text": "Okay, faster."}]
        else:
            replies = self._ask_assistant(send)
        answered = time.perf_counter()
        return {
            "heard": heard.heard,
            "sent": send,
            "source": heard.source,
            "second_opinion": heard.second_opinion,
            "alternative": heard.alternative,
            "spotted": heard.spotted,
            "decision": decision.kind,
            "expect_yes_no": expect_yes_no,
            "replies": replies,
            "triage": triage_of(replies),
            "rate": self.state.speaking_rate(replies),
            "seconds": {"recognise": recognised - started, "assistant": answered - recognised},
        }

    def _ask_assistant(self, text: Optional[str]) -> List[dict]:
        status, replies = self.chat.send(text)
        if not isinstance(replies, list) or not replies:
            # The assistant cannot be reached: never leave the person with silence.
            replies = [{"text": reply_texts.text(reply_texts.UNREACHABLE)}]
        self.state.last_replies = replies
        return replies

    def say_text(self, text: str) -> dict:
        """A command heard over a reply (barge-in: "help", "stop", "repeat"), answered as if said alone."""
        self.state.confirming = None
        return self._sent_without_recognition(text, heard=text, source="barge_in")

    def silence(self) -> Optional[dict]:
        """Nothing said for a while. After a confirmation question ("Did you say ...? If you did,
        call ..."), silence leans up: its emergency words go to the assistant. Otherwise nothing."""
        if self.state.confirming is None:
            return None
        text, self.state.confirming = self.state.confirming.text, None
        return self._sent_without_recognition(text, heard=None, source="silence")

    def _sent_without_recognition(self, text: str, heard: Optional[str], source: str) -> dict:
        """A turn whose words are already known (a command over a reply, the emergency words after
        silence), in the shape `turn` returns."""
        replies = self._ask_assistant(text)
        return {"heard": heard, "sent": text, "source": source, "decision": "send", "replies": replies,
                "triage": triage_of(replies), "rate": self.state.speaking_rate(replies), "seconds": {}}

    def speech_text(self, replies: List[dict]) -> str:
        return self.voice.speech_text(replies)

    def speak_to_file(self, result: dict, path: Path) -> Path:
        started = time.perf_counter()
        self.voice.speak_to_file(self.speech_text(result["replies"]), path, result["rate"])
        result["seconds"]["synthesise"] = time.perf_counter() - started
        return path


def pushed(session: VoiceSession, wait: float) -> Optional[dict]:
    """Messages the assistant pushed by itself (timers, reminders), ready to be spoken."""
    if not hasattr(session.chat, "pending"):
        return None
    messages = session.chat.pending(wait)
    if not messages:
        return None
    return {"heard": None, "sent": None, "source": "pushed", "replies": messages, "triage": None,
            "rate": session.state.speaking_rate(messages), "seconds": {}}


def run_files(session: VoiceSession, inputs: List[Path], out_dir: Path, wait_for_pushes: float = 0) -> List[dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for index, path in enumerate(inputs, 1):
        try:
            pcm = read_wav(path)
        except RecognitionError as error:
            print(f"{path}: {error}", file=sys.stderr)
            results.append({"input": str(path), "error": str(error)})
            continue
        result = session.turn(pcm)
        reply_path = session.speak_to_file(result, out_dir / f"reply-{index:02d}.wav")
        result.update(input=str(path), reply_wav=str(reply_path))
        print(f"[{path.name}] heard: {result['heard']!r} -> sent: {result['sent']!r}")
        for reply in result["replies"]:
            print(f"    bot: {reply.get('text', '').replace(chr(10), ' ')}")
        if result["triage"]:
            print(f"    triage: {json.dumps(result['triage'])}")
        results.append(result)
    if wait_for_pushes:
        later = pushed(session, wait_for_pushes)
        if later:
            reply_path = session.speak_to_file(later, out_dir / f"pushed-{len(results) + 1:02d}.wav")
            later["reply_wav"] = str(reply_path)
            for reply in later["replies"]:
                print(f"    pushed: {reply.get('text', '')}")
            results.append(later)
    return results


def list_devices() -> int:
    try:
        import sounddevice
    except OSError as error:
        print(f"No audio input possible: PortAudio is missing ({error}). apt-get install libportaudio2", file=sys.stderr)
        return 1
    devices = sounddevice.query_devices()
    if not len(devices):
        print("No audio devices found (no sound card, or ALSA sees none: check 'arecord -l').")
        return 1
    print(devices)
    return 0


def run_microphone(session: VoiceSession, device: Optional[str] = None) -> int:
    try:
        import sounddevice

        from spasm_aid.voice.live import LiveLoop, Player
    except OSError as error:
        print(f"No microphone support: PortAudio is missing ({error}). apt-get install libportaudio2", file=sys.stderr)
        return 1
    try:
        if device is not None:
            sounddevice.default.device = int(device) if device.isdigit() else device
        info = sounddevice.query_devices(kind="input")
    except Exception as error:  # no input device at all
        print(f"No microphone found ({error}). Use --input with WAV files, or plug in a USB speakerphone.", file=sys.stderr)
        return 1
    print(f"Listening on: {info['name']} (16 kHz mono). Say 'stop' to finish, 'help' for emergency help.")
    with sounddevice.RawInputStream(samplerate=16000, channels=1, dtype="int16", blocksize=480) as stream:
        return LiveLoop(session, stream, Player()).run()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", nargs="+", type=Path, help="WAV files to answer, in order, as one conversation")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "voice", help="where reply WAVs are written")
    parser.add_argument("--server", default="http://127.0.0.1:5005", help="the assistant's address")
    parser.add_argument("--sender", default=None, help="conversation id (default: a new one)")
    parser.add_argument("--list-devices", action="store_true")
    parser.add_argument("--device", help="input device name or number (see --list-devices)")
    parser.add_argument("--wait-for-pushes", type=float, default=0, metavar="SECONDS",
                        help="with --input: then wait this long for timers and reminders, and speak them")
    parser.add_argument("--json", type=Path, help="write the turns (heard, sent, replies, timings) here")
    args = parser.parse_args(argv)
    if args.list_devices:
        return list_devices()
    port = int(args.server.rsplit(":", 1)[1].split("/")[0])
    chat = VoiceClient(port, args.sender or f"voice-{uuid.uuid4().hex[:10]}")
    try:
        session = VoiceSession(chat, Recognizer(), tts.Speaker())
    except (RecognitionError, tts.SpeechError) as error:
        print(error, file=sys.stderr)
        return 1
    if session.voice.recognizer().degraded:
        print(f"WARNING: {session.voice.recognizer().degraded}", file=sys.stderr)
    if args.input:
        results = run_files(session, args.input, args.out, args.wait_for_pushes)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
        return 0 if all("error" not in r for r in results) else 1
    return run_microphone(session, args.device)


if __name__ == "__main__":
    sys.exit(main())
