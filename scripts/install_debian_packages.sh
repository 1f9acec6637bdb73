#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing. Used by make.
#   espeak-ng, libespeak-ng1: speech output (pyttsx3) and test speech
#   sox: audio conversion and measurement;  alsa-utils: playback (aplay)
#   libportaudio2: microphone input (sounddevice);  nginx: load balancer of the production profile
#   chromium: headless browser for the web chat page test (driven by Playwright, no browser download)
#   flite: other voices for the tests and make voice-eval (speech the recogniser was not tuned on)
#   pulseaudio, pulseaudio-utils, libasound2-plugins: the virtual sound card the live-loop test
#     starts (null sinks, paplay/pactl), reached from PortAudio through ALSA's pulse plugin
set -euo pipefail
packages=(espeak-ng libespeak-ng1 sox alsa-utils libportaudio2 nginx chromium flite pulseaudio pulseaudio-utils libasound2-plugins)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Need root to install: ${missing[*]}. Run: apt-get install ${missing[*]}" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
