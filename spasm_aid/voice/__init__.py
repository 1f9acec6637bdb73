"""Hands-free voice: offline speech in (pocketsphinx) and out (pyttsx3 on espeak-ng)."""
