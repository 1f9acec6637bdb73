"""The session log: one row per conversation session and one per turn, without free text
unless SPASM_AID_LOG_TEXT=1. Written by an event broker inside the Rasa server."""
