"""Tracker fixtures for the action tests, shaped like what the Rasa server sends."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import ROOT


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    intent: str = "deny",
    new_slots: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    latest_action: str = "action_listen",
    events: Optional[List[Dict[str, Any]]] = None,
    text: str = "...",
) -> Tracker:
    """A tracker whose latest user message has `intent`; `new_slots` were just extracted
    (they trail the events, as the FormAction sends them)."""
    new_slots = new_slots or {}
    current = {**(slots or {}), **new_slots}
    trail = [{"event": "slot", "name": k, "value": v} for k, v in new_slots.items()]
    history = (events or []) + [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}] + trail
    return Tracker(
        sender_id="test",
        slots=current,
        latest_message={"intent": {"name": intent, "confidence": 0.9}, "text": text, "entities": []},
        events=history,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name=latest_action,
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def on_channel(channel: Optional[str], intent: str = "affirm", **kwargs: Any) -> Tracker:
    """A tracker whose latest message came in on `channel` (what decides whether the assistant
    can reach the person later: timers, reminders, check-ins)."""
    tracker = make_tracker(intent=intent, **kwargs)
    for event in tracker.events:
        if event.get("event") == "user":
            event["input_channel"] = channel
    return tracker
