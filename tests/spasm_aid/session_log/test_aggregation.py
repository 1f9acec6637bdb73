"""The aggregation is plain logic: rows shaped by the model, and a merge that needs no database."""
from datetime import datetime, timedelta, timezone

import pytest

from spasm_aid.session_log.aggregation import SessionAggregator, new_session_row
from spasm_aid.session_log.models import SessionRecord
from spasm_aid.session_log.privacy import redact

WHEN = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def test_a_session_row_has_exactly_the_columns_of_the_model():
    row = new_session_row(id="x", turns=0)
    assert list(row) == [column.name for column in SessionRecord.__table__.columns]
    assert row["final_triage"] is None
    with pytest.raises(KeyError, match="not columns"):
        new_session_row(id="x", sender_id="never stored")


def test_merging_with_what_another_server_stored_keeps_the_most_severe_route_and_all_turns():
    aggregator = SessionAggregator(b"salt")
    ours = new_session_row(id="s", sender_hash="h", started_at=WHEN, ended_at=WHEN + timedelta(minutes=2), topics="ice_heat",
                           turns=3, final_triage="self_care")
    stored = new_session_row(id="s", sender_hash="h", started_at=WHEN - timedelta(minutes=1), ended_at=WHEN, topics="rest",
                             turns=2, final_triage="emergency", red_flag="leg_weakness")
    merged = aggregator.merged(ours, stored)
    assert merged["turns"] == 5  # nothing of ours was written before: all three are added
    assert merged["final_triage"] == "emergency" and merged["red_flag"] == "leg_weakness"
    assert merged["topics"] == "rest,ice_heat"
    assert merged["started_at"] == WHEN - timedelta(minutes=1) and merged["ended_at"] == WHEN + timedelta(minutes=2)
    assert aggregator.merged(ours, None) == ours and aggregator.merged(ours, None) is not ours


@pytest.mark.parametrize("url, shown", [
    ("postgresql://aid:s3cret@db:5432/log", "postgresql://aid:***@db:5432/log"),
    ("sqlite:///var/sessions.db", "sqlite:///var/sessions.db"),
])
def test_database_urls_are_logged_without_their_password(url, shown):
    assert redact(url) == shown
