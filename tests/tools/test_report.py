"""Every measuring tool writes the same shape: provenance first, then its figures."""
import json
import subprocess

from tools.report import provenance, write_report


def test_a_report_says_when_on_which_commit_and_where(tmp_path):
    path = write_report(tmp_path / "sub" / "figures.json", {"recall": 1.0, "measured_at": "stale"})
    report = json.loads(path.read_text())
    assert list(report)[:3] == ["measured_at", "commit", "machine"]
    assert report["recall"] == 1.0
    assert report["measured_at"] != "stale"  # the tool's own stamp is replaced by the real one
    assert report["machine"]["cpus"] >= 1


def test_the_commit_is_the_checked_out_one():
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert provenance()["commit"].split("+")[0] == head


def test_every_measuring_tool_writes_through_the_one_writer():
    from tests.conftest import ROOT

    tools = ["tools/evaluation/__main__.py", "tools/evaluation/voice.py", "tools/bench.py", "tools/mutation.py",
             "tools/loadtest/run.py", "tools/fuzz/__main__.py"]
    for name in tools:
        source = (ROOT / name).read_text()
        assert "write_report(" in source, name
        assert "json.dumps(report" not in source and "json.dumps(results" not in source, name
