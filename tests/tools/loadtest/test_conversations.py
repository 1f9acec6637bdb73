"""The load test's scripted conversations follow the screening as it is now."""
from spasm_aid.triage import load_table
from tools.loadtest import conversations


def test_the_scripted_all_clear_answers_every_screening_question():
    # the load generator's environment cannot import the project, so it keeps its own count
    assert conversations.SCREENING_QUESTIONS == len(load_table().screening_slots)
