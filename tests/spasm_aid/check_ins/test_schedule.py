"""When the two check-ins fall due, and how that is said (clinical-guidance section 7)."""
from datetime import datetime, time, timedelta, timezone

from spasm_aid.check_ins.schedule import due_times, spoken_time

LONDON_WINTER = timezone.utc
NINE = time(9, 0)


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON_WINTER)


def test_a_few_hours_later_then_the_next_morning():
    assert due_times(at(6, 13), timedelta(hours=3), NINE) == [at(6, 16), at(7, 9)]


def test_asked_late_at_night_the_morning_one_is_the_day_after_the_first():
    # offered at 23:00: the first comes at 02:00 on the 7th, so "the next morning" is still the 7th at 9
    assert due_times(at(6, 23), timedelta(hours=3), NINE) == [at(7, 2), at(7, 9)]
    # offered at 7:30: the first at 10:30 today; the morning one is tomorrow's, never before it
    assert due_times(at(6, 7, 30), timedelta(hours=3), NINE) == [at(6, 10, 30), at(7, 9)]


def test_the_morning_one_is_never_within_two_hours_of_the_first():
    first, second = due_times(at(7, 5), timedelta(hours=3), NINE)  # first at 08:00
    assert first == at(7, 8) and second == at(8, 9)


def test_tests_may_set_the_gap_to_the_second():
    assert due_times(at(6, 13), timedelta(seconds=5), NINE, timedelta(seconds=4)) == [
        at(6, 13) + timedelta(seconds=5), at(6, 13) + timedelta(seconds=9)]


def test_said_as_a_person_would():
    now = at(6, 13)
    assert spoken_time(at(6, 16), now) == "at about 4 pm"
    assert spoken_time(at(6, 16, 30), now) == "at about 4:30 pm"
    assert spoken_time(at(7, 9), now) == "tomorrow at about 9 am"
    assert spoken_time(now + timedelta(minutes=10), now) == "in about 10 minutes"
    assert spoken_time(now + timedelta(seconds=20), now) == "in about 1 minute"
    assert spoken_time(at(7, 0, 15), now) == "tomorrow at about 12:15 am"
