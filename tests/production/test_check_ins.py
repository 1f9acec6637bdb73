"""A follow-up check-in survives the death of the server that set it and is sent once (issue 27
item 7): Rasa's own reminders live in one server's memory and would be lost here; check-ins are
rows in the profile's PostgreSQL, claimed with row locks by whichever server is up. The check-in
is due 20 seconds after it is set (tests/production/conftest.py, CHECK_INS); the server that set
it is killed at once, before it is due."""
from __future__ import annotations

import time
import uuid

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from spasm_aid.session_log.models import CheckInRecord
from tests.server.test_messaging import dm, slack_texts

from .test_once_across_servers import on_server, rasa_ports

INTRO = "checking in as you asked"


def posted(platforms, channel):
    return slack_texts(platforms.sent("slack", channel))


def say(platforms, port, channel, text, settle=1.5, timeout=30.0):
    """Send a DM to one server; the texts posted in reply (until they stop coming)."""
    before = len(posted(platforms, channel))
    assert dm(on_server(port), channel, text)[0] == 200
    deadline, last_change, count = time.monotonic() + timeout, time.monotonic(), before
    while time.monotonic() < deadline:
        now = len(posted(platforms, channel))
        if now != count:
            count, last_change = now, time.monotonic()
        elif count > before and time.monotonic() - last_change >= settle:
            break
        time.sleep(0.1)
    return " ".join(posted(platforms, channel)[before:])


def test_a_check_in_set_on_a_server_killed_before_it_is_due_is_sent_once_by_another(profile, platforms):
    first, second = rasa_ports(profile)[:2]
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    said = say(platforms, first, channel, "my back just spasmed")
    for _ in range(20):
        if "check in later today" in said:
            break
        said = say(platforms, first, channel, "no")
    assert "check in later today and tomorrow morning" in said, said
    assert "I'll check in" in say(platforms, first, channel, "yes")
    victim = profile.rasa[0]
    victim.process.kill()  # the server that set it dies well before it is due (20 s)
    victim.process.wait()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(INTRO in t for t in posted(platforms, channel)):
            time.sleep(0.2)
        time.sleep(5)  # anything sent twice would be here by now
        intros = [t for t in posted(platforms, channel) if INTRO in t]
        assert len(intros) == 1, posted(platforms, channel)
        assert "hard to pee" in say(platforms, second, channel, "no")  # the conversation goes on there
    finally:
        victim.stop()
        profile.start_rasa_server(0).wait_ready()
    time.sleep(3)  # the restarted server looks for due check-ins too: nothing is sent again
    assert len([t for t in posted(platforms, channel) if INTRO in t]) == 1
    engine = create_engine(profile.config.database_url, future=True)
    try:
        with Session(engine, future=True) as session:
            rows = list(session.execute(select(CheckInRecord).where(CheckInRecord.channel == "slack")
                                        .order_by(CheckInRecord.created_at.desc(), CheckInRecord.round).limit(2)).scalars())
    finally:
        engine.dispose()
    first_row = next(r for r in rows if r.round == 1)
    assert first_row.status == "sent" and first_row.attempts == 1 and first_row.sender_id is None
    assert str(victim.process.pid) not in (first_row.claimed_by or "")  # sent by the server that lived
