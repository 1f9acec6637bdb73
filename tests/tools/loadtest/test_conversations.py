"""The load test's scripted conversations follow the screening as it is now."""
from spasm_aid.triage import questions_to_ask
from tools.loadtest import conversations


def questions_asked_when_every_answer_is_no():
    answers = {}
    while questions_to_ask(answers):
        answers[questions_to_ask(answers)[0]] = "no"
    return len(answers)


def test_the_scripted_all_clear_answers_every_screening_question():
    # the load generator's environment cannot import the project, so it keeps its own count
    # (a "no" to the age question skips the first-episode one)
    assert conversations.SCREENING_QUESTIONS == questions_asked_when_every_answer_is_no()
