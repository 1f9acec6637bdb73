"""The short form of `make fuzz` (issue 14), in every test run: a few Hypothesis-drawn hostile
requests on every endpoint of the served assistant, checked as tools/fuzz/run.py says (no hang, no 5xx
but the failure reply with the number, every person-facing refusal with the number, every red
flag routed up, still answering after each batch). The long run and the production profile:
`make fuzz` (figures in docs/hardening.md)."""
import pytest

from tools.fuzz.run import Target, run

pytestmark = pytest.mark.server

EXAMPLES = 12  # per endpoint: about 150 requests, a minute


def test_a_short_fuzz_run_finds_no_problem(servers):
    target = Target("served", servers["served"], [servers["served_pid"]],
                    telegram_secret=servers["messaging"]["TELEGRAM_WEBHOOK_SECRET"],
                    slack_secret=servers["messaging"]["SLACK_SIGNING_SECRET"])
    report = run(target, EXAMPLES, log=lambda line: None, concurrent_senders=2, spoken=False).as_dict()
    assert report["requests"] >= 10 * EXAMPLES
    assert report["problems"] == []
