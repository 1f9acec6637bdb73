"""The generated conversation tests must match the triage table."""
import subprocess
import sys

from tests.conftest import ROOT


def test_generated_conversation_tests_are_up_to_date():
    result = subprocess.run(
        [sys.executable, "-m", "tools.make_conversation_tests", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
