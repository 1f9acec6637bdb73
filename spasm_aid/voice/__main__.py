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
import uuid
from pathlib import Path
from typing import List, Optional

from spasm_aid.paths import ROOT
from spasm_aid.voice import tts
from spasm_aid.voice.asr import Recognizer
from spasm_aid.voice.audio import RecognitionError, read_wav
from spasm_aid.voice.session import VoiceClient, VoiceSession


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
        later = session.pushed(wait_for_pushes)
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
    chat = VoiceClient(args.server, args.sender or f"voice-{uuid.uuid4().hex[:10]}")
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
