"""Print what the session log shows: sessions per triage level, red flags seen, and the
median number of user turns before the first advice; with --html, also a page with charts for
whoever reviews outcomes: the triage mix day by day, where conversations stop, red flags seen.

    python -m spasm_aid.session_log.report [--db URL] [--json] [--html reports/session-log.html]

The charts are plain SVG written here (no plotting library in the runtime; the page has no
scripts and loads nothing)."""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spasm_aid import settings
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import SessionRecord, TurnRecord


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


def outcomes(url: Optional[str] = None) -> Dict[str, Any]:
    """What the charts show: sessions per day and triage level, where conversations stopped
    (the last thing the assistant said, and why the session ended), red flags seen."""
    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(engine, future=True) as session:
            sessions = session.execute(
                select(SessionRecord.id, SessionRecord.started_at, SessionRecord.final_triage, SessionRecord.red_flag,
                       SessionRecord.end_reason)
            ).all()
            last_bot = select(TurnRecord.session_id, func.max(TurnRecord.id).label("last")).where(
                TurnRecord.who == "bot").group_by(TurnRecord.session_id).subquery()
            last_actions = session.execute(
                select(TurnRecord.action).join(last_bot, TurnRecord.id == last_bot.c.last)
            ).scalars().all()
    finally:
        engine.dispose()
    by_day: Dict[str, Counter] = defaultdict(Counter)
    for row in sessions:
        by_day[row.started_at.strftime("%Y-%m-%d")][row.final_triage or "none"] += 1
    return {
        "by_day": {day: dict(counts) for day, counts in sorted(by_day.items())},
        "last_reply": dict(Counter(action or "(none)" for action in last_actions).most_common(12)),
        "end_reason": dict(Counter(row.end_reason or "still open" for row in sessions).most_common()),
        "red_flags": dict(Counter(row.red_flag for row in sessions if row.red_flag).most_common()),
    }


LEVEL_COLOURS = {"emergency": "#b00020", "urgent": "#d97706", "self_care": "#15803d", "none": "#6b7280"}


def bar_chart(title: str, bars: Sequence[Tuple[str, int]], colour: str = "#1d4ed8") -> str:
    """A horizontal bar chart as inline SVG, one bar per (label, count)."""
    if not bars:
        return f"<h2>{escape(title)}</h2><p>No data yet.</p>"
    height, top = 22, max(count for _, count in bars) or 1
    rows = []
    for index, (label, count) in enumerate(bars):
        y, width = index * height, 380 * count / top
        rows.append(f'<text x="0" y="{y + 15}">{escape(str(label))}</text>'
                    f'<rect x="230" y="{y + 3}" width="{width:.1f}" height="16" fill="{colour}"/>'
                    f'<text x="{236 + width:.1f}" y="{y + 15}">{count}</text>')
    svg = (f'<svg role="img" aria-label="{escape(title)}" width="680" height="{len(bars) * height + 4}" '
           f'font-family="sans-serif" font-size="13">{"".join(rows)}</svg>')
    return f"<h2>{escape(title)}</h2>{svg}"


def stacked_days(by_day: Dict[str, Dict[str, int]]) -> str:
    """Sessions per day, one stacked bar per day, coloured by triage level."""
    title = "Triage mix by day (sessions started)"
    if not by_day:
        return f"<h2>{title}</h2><p>No data yet.</p>"
    days = list(by_day)[-60:]  # the last 60 days with sessions
    top = max(sum(by_day[d].values()) for d in days) or 1
    width = max(8, min(28, 640 // len(days)))
    parts: List[str] = []
    for index, day in enumerate(days):
        y: float = 200
        for level, colour in LEVEL_COLOURS.items():
            count = by_day[day].get(level, 0)
            if count:
                h = 180 * count / top
                y -= h
                parts.append(f'<rect x="{index * width}" y="{y:.1f}" width="{width - 2}" height="{h:.1f}" fill="{colour}">'
                             f"<title>{escape(day)}: {count} {level}</title></rect>")
    legend = " ".join(f'<span style="color:{c}">&#9632; {escape(level)}</span>' for level, c in LEVEL_COLOURS.items())
    svg = (f'<svg role="img" aria-label="{title}" width="{len(days) * width}" height="204">{"".join(parts)}</svg>')
    return f"<h2>{title}</h2>{svg}<p>{escape(days[0])} to {escape(days[-1])}, up to {top} a day. {legend}</p>"


def render_html(summary: Dict[str, Any], charts: Dict[str, Any]) -> str:
    median = summary["median_turns_to_first_advice"]
    facts = (f"<p>{summary['sessions']} sessions; median user turns to first advice: "
             f"{escape(format(median, 'g')) if median is not None else 'n/a'}.</p>")
    body = "".join([
        facts,
        stacked_days(charts["by_day"]),
        bar_chart("Where conversations stop: the assistant's last reply", list(charts["last_reply"].items())),
        bar_chart("How sessions ended", list(charts["end_reason"].items()), "#6b7280"),
        bar_chart("Red flags seen (sessions routed to emergency or urgent care)", list(charts["red_flags"].items()),
                  LEVEL_COLOURS["emergency"]),
    ])
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Spasm Aid: session log</title>'
            '<style>body{font-family:sans-serif;max-width:760px;margin:2em auto;color:#111}h2{font-size:1.1em;margin-top:2em}</style>'
            f"</head><body><h1>Spasm Aid: session log</h1>{body}</body></html>\n")


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
    parser.add_argument("--html", type=Path, help="also write a page with charts to this file")
    args = parser.parse_args(argv)
    url = args.db or settings.database_url()
    try:
        summary = summarise(url)
        charts = outcomes(url) if args.html else None
    except SQLAlchemyError as error:
        print(f"Cannot read the session log at {url}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    if args.html and charts is not None:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(summary, charts), encoding="utf-8")
        print(f"Written: {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
