"""When the two check-ins fall due, as pure functions (clinical-guidance section 7: "a few hours
later and the next morning")."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import List, Optional

# The morning check-in is at least this long after the first, or it moves to the day after.
MIN_GAP = timedelta(hours=2)
ROUNDS = 2  # they stop by themselves after the second


def due_times(
    now: datetime, first_after: timedelta, morning: time, second_after: Optional[timedelta] = None
) -> List[datetime]:
    """The due times of the two check-ins asked for at `now` (a time-zone-aware local time):
    `first_after` later, then the next morning at `morning` (or `second_after` after the first,
    when set: tests)."""
    first = now + first_after
    if second_after is not None:
        return [first, first + second_after]
    second = datetime.combine((now + timedelta(days=1)).date(), morning, tzinfo=now.tzinfo)
    while second - first < MIN_GAP:
        second += timedelta(days=1)
    return [first, second]


def spoken_time(when: datetime, now: datetime) -> str:
    """When a check-in comes, as said when it is set: "in about 10 minutes", "at about 4:30 pm",
    "tomorrow at about 9 am"."""
    if when - now < timedelta(hours=1):
        minutes = max(1, round((when - now).total_seconds() / 60))
        return f"in about {minutes} minute{'' if minutes == 1 else 's'}"
    hour = when.hour % 12 or 12
    clock = (f"{hour}:{when.minute:02d}" if when.minute else f"{hour}") + (" am" if when.hour < 12 else " pm")
    day = "tomorrow " if when.date() == (now + timedelta(days=1)).date() else ""
    return f"{day}at about {clock}"
