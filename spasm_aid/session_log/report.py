"""Print what the session log shows: sessions per triage level, red flags seen, and the
median number of user turns before the first advice.

    python -m spasm_aid.session_log.report [--db URL] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from typing import Any, Dict, Optional

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spasm_aid import settings
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import SessionRecord


def summarise(url: Optional[str] = None) -> Dict[str, Any]:
    engine = make_engine(url)
    try:
        migrate(engine)  # an empty or old database reports zero rather than failing
        with Session(engine, future=True) as session:
            rows = session.execute(
                select(SessionRecord.final_triage, SessionRecord.red_flag, SessionRecord.first_advice_turn)
            ).all()
    finally:
        engine.dispose()
    by_triage = Counter(row.final_triage or "none" for row in rows)
    red_flags = Counter(row.red_flag for row in rows if row.red_flag)
    advice_turns = [row.first_advice_turn for row in rows if row.first_advice_turn is not None]
    return {
        "sessions": len(rows),
        "by_triage": dict(sorted(by_triage.items())),
        "red_flags": dict(red_flags.most_common()),
        "median_turns_to_first_advice": statistics.median(advice_turns) if advice_turns else None,
        "sessions_with_advice": len(advice_turns),
    }


def render(summary: Dict[str, Any]) -> str:
    lines = [f"Sessions: {summary['sessions']}", "By triage level:"]
    for level in ("emergency", "urgent", "self_care", "none"):
        lines.append(f"  {level:<10} {summary['by_triage'].get(level, 0)}")
    lines.append("Red flags seen:")
    if summary["red_flags"]:
        lines.extend(f"  {flag:<22} {count}" for flag, count in summary["red_flags"].items())
    else:
        lines.append("  (none)")
    median = summary["median_turns_to_first_advice"]
    lines.append(
        "Median user turns to first advice: "
        + (f"{median:g} (over {summary['sessions_with_advice']} sessions)" if median is not None else "n/a")
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Summarise the Spasm Aid session log.")
    parser.add_argument("--db", help="database URL (default: SPASM_AID_DB_URL or var/sessions.db)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    url = args.db or settings.database_url()
    try:
        summary = summarise(url)
    except SQLAlchemyError as error:
        print(f"Cannot read the session log at {url}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
