"""The terminal chat's printing: replies line by line, quick replies as a hint to type."""
import io

from spasm_aid.terminal import chat, hint_line, render

BUTTONS = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}, {"title": "Not sure", "payload": "not sure"}]


def test_quick_replies_are_a_hint_line_not_a_menu():
    assert hint_line(BUTTONS) == "(yes / no / not sure)"
    assert hint_line([]) is None and hint_line(None) is None


def test_replies_print_line_by_line_with_the_hint_under_the_question():
    lines = render([{"text": "Call 911 now.\nWait for the ambulance."}, {"text": "Any chest pain?", "buttons": BUTTONS}])
    assert lines == [
        "Spasm Aid: Call 911 now.",
        "           Wait for the ambulance.",
        "Spasm Aid: Any chest pain?",
        "           (yes / no / not sure)",
    ]


class Recorder:
    def __init__(self, replies):
        self.sent, self.replies = [], replies

    def send(self, text):
        self.sent.append(text)
        return self.replies


def test_what_is_typed_is_sent_as_typed_and_quit_leaves():
    conversation = Recorder([{"text": "ok"}])
    out = io.StringIO()
    assert chat(conversation, io.StringIO("no\n\n  not sure \n/quit\nyes\n"), out) == 0
    assert conversation.sent == ["no", "not sure"]  # blank lines skipped; nothing after /quit


def test_a_server_that_does_not_answer_gets_a_clear_line_and_the_chat_goes_on():
    class Down:
        def send(self, text):
            raise ConnectionError("connection refused")

    out = io.StringIO()
    assert chat(Down(), io.StringIO("hello\n"), out) == 0  # Ctrl-D (end of input) leaves
    assert "did not answer: connection refused" in out.getvalue()
