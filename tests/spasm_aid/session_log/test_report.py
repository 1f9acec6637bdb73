"""The report command."""
from spasm_aid.session_log import report
from spasm_aid.session_log.aggregation import SessionAggregator
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.writer import flush

from .test_writer import SALT, bot, self_care_conversation, user


def fill(url):
    agg = SessionAggregator(SALT)
    for event in self_care_conversation("a"):
        agg.handle(event)
    for sender, reason in (("b", "chest"), ("c", "chest"), ("d", "trauma")):
        agg.handle(user(sender, "red_flag"))
        agg.handle(bot(sender, "utter_emergency", triage="emergency", reason=reason))
    engine = make_engine(url)
    migrate(engine)
    flush(agg, engine)
    engine.dispose()


def test_report_counts_triage_levels_flags_and_median_turns(sqlite_url, capsys):
    fill(sqlite_url)
    summary = report.summarise(sqlite_url)
    assert summary["sessions"] == 4
    assert summary["by_triage"] == {"emergency": 3, "self_care": 1}
    assert summary["red_flags"] == {"chest": 2, "trauma": 1}
    assert summary["median_turns_to_first_advice"] == 9
    assert report.main(["--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "emergency  3" in out and "chest" in out and "Median user turns to first advice: 9" in out


def test_report_on_an_empty_database(sqlite_url):
    assert report.summarise(sqlite_url)["sessions"] == 0


def test_report_on_an_unreachable_database_is_a_clear_error(capsys):
    assert report.main(["--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    assert "Cannot read the session log" in capsys.readouterr().err


def test_the_html_page_charts_the_triage_mix_where_conversations_stop_and_red_flags(sqlite_url, tmp_path):
    fill(sqlite_url)
    page_path = tmp_path / "out" / "session-log.html"
    assert report.main(["--db", sqlite_url, "--html", str(page_path)]) == 0
    page = page_path.read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert page.count("<svg") == 4
    assert "Triage mix by day" in page and ": 3 emergency</title>" in page and ": 1 self_care</title>" in page
    assert "utter_emergency" in page  # the last reply of the three emergency sessions
    assert ">chest</text>" in page and ">2</text>" in page


def test_the_html_page_of_an_empty_log_says_so(sqlite_url, tmp_path):
    assert report.main(["--db", sqlite_url, "--html", str(tmp_path / "page.html")]) == 0
    assert (tmp_path / "page.html").read_text().count("No data yet.") == 4


def test_labels_are_escaped_in_the_page():
    assert "&lt;b&gt;" in report.bar_chart("t", [("<b>", 1)]) and "<b>" not in report.bar_chart("t", [("<b>", 1)])
