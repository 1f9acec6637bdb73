"""End to end over REST against the real servers: what a user of any client would see."""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from spasm_aid.client import Chat, texts, triage_of
from spasm_aid.session_log.database import make_engine
from spasm_aid.session_log.models import SessionRecord
from spasm_aid.session_log.privacy import hash_sender
from spasm_aid.triage import EMERGENCY, load_table

pytestmark = pytest.mark.server

TABLE = load_table()
SLOTS = TABLE.slots_asked_when_all_no  # every answer no: the age's no skips the first episode
EMERGENCY_QUESTIONS = [q for q in TABLE.questions if q.level == EMERGENCY]
FLAG_PHRASES = {
    "bladder_bowel": "i think i wet myself",
    "saddle_numbness": "my bum feels numb",
    "leg_weakness": "is it bad that I can't feel my legs?",
    "trauma": "I slipped on the stairs and fell",
    "chest": "my chest feels really tight",
    "stroke": "my speech is slurred",
}
OPENING = "my back just spasmed"


def chat(servers, which="served"):
    return Chat(servers[which], f"test-{uuid.uuid4().hex[:12]}")


def session_row(servers, sender, timeout=10.0, until=lambda row: bool(row.final_triage)):
    """The sender's session rows once the newest satisfies `until` (the log is written in the
    background), or as they are when time runs out."""
    engine = make_engine(servers["db"])
    wanted = hash_sender(sender, b"end-to-end-test-salt")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with Session(engine, future=True) as session:
                rows = list(session.execute(select(SessionRecord).where(SessionRecord.sender_hash == wanted)).scalars())
            if rows and until(rows[-1]):
                return rows
            time.sleep(0.2)
        return rows
    finally:
        engine.dispose()


def assert_emergency(replies, reason, number="911"):
    payload = triage_of(replies)
    assert payload == {"triage": "emergency", "reason": reason, "call": number}, texts(replies)
    assert f"Call {number} now" in texts(replies)


def screen_to(c, question_index):
    """Open and answer no up to (not including) question `question_index`; returns the last replies."""
    replies = c.say(OPENING)
    for _ in range(question_index):
        replies = c.say("no")
    return replies


def test_all_clear_reaches_self_care_advice_and_leaves_one_session_row(servers):
    c = chat(servers)
    replies = c.say(OPENING)
    assert "not a diagnosis" in texts(replies) and "call 911" in texts(replies)
    answers = ["no", "nope", "nah", "not really", "no thanks", "I don't think so", "nope none of that",
               "no", "nope", "nah", "no", "not really", "no", "nope", "nah", "no"]
    assert len(answers) == len(SLOTS)
    for answer in answers:
        replies = c.say(answer)
    assert triage_of(replies) == {"triage": "self_care", "reason": None, "call": "911"}
    assert "Here's the plan" in texts(replies) and "or get chest pain or sudden severe pain." in texts(replies)
    assert "15-20 minutes" in texts(c.say("ice or heat?"))
    assert "Take care" in texts(c.say("bye"))
    [row] = session_row(servers, c.sender, until=lambda row: row.end_reason == "goodbye")
    # first advice (the position) with the 10th turn's reply (the nine emergency questions), before
    # the urgent questions
    assert row.final_triage == "self_care" and row.first_advice_turn == 10 and row.turns == 19
    assert row.topics == "first_aid_now,self_care_plan,ice_heat" and row.end_reason == "goodbye" and row.channel == "rest"


@pytest.mark.parametrize("flag", list(FLAG_PHRASES))
def test_each_red_flag_as_the_first_message(servers, flag):
    c = chat(servers)
    assert_emergency(c.say(FLAG_PHRASES[flag]), flag)
    [row] = session_row(servers, c.sender)
    assert (row.final_triage, row.red_flag) == ("emergency", flag)


@pytest.mark.parametrize("text", ["help", "HELP!", "call an ambulance", "emergency"])
def test_asking_for_help_is_an_emergency(servers, text):
    assert_emergency(chat(servers).say(text), None)


@pytest.mark.parametrize("index", range(len(SLOTS)), ids=SLOTS)
def test_a_red_flag_at_any_screening_question(servers, index):
    c = chat(servers)
    screen_to(c, index)
    assert_emergency(c.say("no, but I can't feel my legs"), "leg_weakness")
    # the screening is over: the next message is not taken as an answer
    assert "while you wait" in texts(c.say("what do I do while I wait")).lower()


@pytest.mark.parametrize("question", EMERGENCY_QUESTIONS, ids=lambda q: q.slot)
def test_yes_to_an_emergency_question(servers, question):
    c = chat(servers)
    screen_to(c, SLOTS.index(question.slot))
    assert_emergency(c.say("yeah"), question.reason)


def test_not_sure_is_asked_again_simply_then_routes_up(servers):
    c = chat(servers)
    c.say(OPENING)
    replies = c.say("not sure")
    assert "Let me put it simply" in texts(replies) and triage_of(replies) is None
    assert_emergency(c.say("I don't know"), EMERGENCY_QUESTIONS[0].reason)


@pytest.mark.parametrize("text", ["no numbness", "I can pee fine", "nope, legs are fine", "I didn't fall"])
def test_negations_never_trigger(servers, text):
    c = chat(servers)
    c.say(OPENING)
    replies = c.say(text)
    assert triage_of(replies) is None and "?" in texts(replies)


def test_red_flag_after_the_advice(servers):
    c = chat(servers)
    screen_to(c, len(SLOTS))
    c.say("should I walk")
    assert_emergency(c.say("my legs keep giving way"), "leg_weakness")
    assert "repeat" in texts(c.say("repeat")).lower()


def test_urgent_flag_told_in_the_answer_gives_its_reason(servers):
    c = chat(servers)
    screen_to(c, SLOTS.index("screen_pregnancy"))
    replies = c.say("yes I'm pregnant")
    assert triage_of(replies) == {"triage": "urgent", "reason": "pregnancy", "call": "911"}
    assert "midwife" in texts(replies)


def test_urgent_answer_sends_to_a_doctor_today(servers):
    c = chat(servers)
    screen_to(c, SLOTS.index("screen_fever"))
    replies = c.say("yes")
    assert triage_of(replies) == {"triage": "urgent", "reason": "fever", "call": "911"}
    assert "urgent care or a nurse line today" in texts(replies)
    assert "Call 911 if your legs get weak, you go numb around your bottom" in texts(replies)  # the safety net closes the route


def test_first_aid_comes_right_after_the_emergency_questions(servers):
    # clinical-guidance section 3: the first piece of first aid before the urgent questions
    c = chat(servers)
    emergency_questions = SLOTS.index("screen_fever")
    replies = screen_to(c, emergency_questions)
    said = texts(replies)
    assert "no emergency signs" in said and "pillows under your knees" in said
    assert said.rstrip().endswith("Do you have a fever, or feel hot and shivery?")


def test_each_urgent_question_asks_at_most_two_things_and_not_sure_keeps_them(servers):
    c = chat(servers)
    screen_to(c, SLOTS.index("screen_cancer"))
    again = texts(c.say("not sure"))
    assert "cancer" in again and "thinner" in again  # both conditions, in simpler words


def test_pain_relief_asks_the_cautions_first(servers):
    c = chat(servers)
    screen_to(c, len(SLOTS))
    assert "quick checks" in texts(c.say("can I take ibuprofen"))
    replies = c.say("yes")
    assert "pharmacist" in texts(replies) and "ibuprofen or naproxen" not in texts(replies)


def test_the_medicine_asked_about_is_answered_with_its_key_caution_first(servers):
    # clinical-guidance section 4: aspirin's age limit before the questions and in the answer
    c = chat(servers)
    screen_to(c, len(SLOTS))
    first = texts(c.say("can I take aspirin"))
    assert "under 16" in first and "Have you had a stomach ulcer" in first
    replies = None
    for _ in load_table().caution_slots:
        replies = c.say("no")
    assert "Never give aspirin to anyone under 16" in texts(replies)
    relaxant = texts(c.say("what about muscle relaxants"))
    assert relaxant.startswith("Muscle relaxants make you drowsy: no driving")


def test_the_age_comes_first_and_the_first_episode_only_after_a_yes(servers):
    # clinical-guidance section 3: one "yes" to a two-part question must not be read as both
    c = chat(servers)
    asked = texts(screen_to(c, SLOTS.index("screen_over_50")))
    assert asked.endswith("Are you over 50?")
    assert texts(c.say("yes")).endswith("Last one. Is this your first ever back spasm?")
    replies = c.say("yes")
    assert triage_of(replies)["triage"] == "self_care" and "see a doctor soon" in texts(replies).lower()
    c = chat(servers)
    screen_to(c, SLOTS.index("screen_over_50"))
    replies = c.say("no")  # under 50: the first-episode question is not asked
    assert triage_of(replies)["triage"] == "self_care" and "first ever" not in texts(replies)


def test_getting_up_is_guided_one_step_at_a_time(servers):
    c = chat(servers)
    screen_to(c, len(SLOTS))
    steps = [texts(c.say("how do I get up off the floor"))] + [texts(c.say("next")) for _ in range(3)]
    assert "roll onto your side" in steps[0] and "Push up with your arms" in steps[1]
    assert "Sit for a moment" in steps[2] and "If your legs won't hold you, call 911 now" in steps[3]


def test_a_topic_asked_first_is_answered_after_screening(servers):
    c = chat(servers)
    assert "safety questions" in texts(c.say("should I use ice or heat"))
    replies = None
    for _ in SLOTS:
        replies = c.say("no")
    assert "15-20 minutes" in texts(replies)


def test_repeat_during_screening_asks_the_question_again(servers):
    c = chat(servers)
    first = texts(c.say(OPENING)).split(" | ")[-1]
    assert texts(c.say("say that again")).endswith(first)


def test_stop_ends_with_a_safety_net(servers):
    c = chat(servers)
    c.say(OPENING)
    assert "call 911" in texts(c.say("stop")).lower()


def test_a_long_rambling_message_with_a_red_flag_buried_in_it(servers):
    text = "so I was gardening all morning and " * 80 + "now I can't feel my legs " + "and the dog needs feeding " * 80
    assert_emergency(chat(servers).say(text), "leg_weakness")


@pytest.mark.parametrize(
    "body,expected",
    [
        (b'{"sender": "x", "message": ', "not valid JSON"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b'["a list"]', "must be a JSON object"),
        (b'{"message": "hello"}', "'sender' must be"),
        (b'{"sender": 5, "message": "hello"}', "'sender' must be"),
        (b'{"sender": "x"}', "'message' must be a string"),
        (b'{"sender": "x", "message": ["a"]}', "'message' must be a string"),
        (b'{"sender": "x", "message": "hi", "metadata": 3}', "'metadata' must be"),
    ],
)
def test_malformed_requests_get_a_clear_400(servers, body, expected):
    status, payload = Chat(servers["served"], "x").post(body)
    assert status == 400 and expected in payload["error"] and "call 911" in payload["error"]


def test_an_empty_message_gets_a_polite_reply(servers):
    reply = texts(chat(servers).say(""))
    assert "didn't catch that" in reply and "call 911 now" in reply  # it may have been a red flag


# --- with the action server and the database down -------------------------------------------


@pytest.mark.parametrize("flag", list(FLAG_PHRASES))
def test_emergency_needs_neither_action_server_nor_database(servers, flag):
    assert_emergency(chat(servers, "degraded").say(FLAG_PHRASES[flag]), flag, number="999")


def test_emergency_mid_conversation_without_action_server_or_database(servers):
    c = chat(servers, "degraded")
    c.say(OPENING)  # the screening cannot run without the action server ...
    assert_emergency(c.say("I can't feel my legs"), "leg_weakness", number="999")  # ... the emergency can
    assert "Call 999 now" in texts(c.say("repeat"))
    assert_emergency(c.say("help"), None, number="999")


def test_over_rest_no_timer_is_promised_and_none_is_scheduled(servers):
    """REST only answers what was said: a timer that is up could never reach the person, so the
    assistant asks them to set one on their phone or speaker (issue 16). The timers of these
    servers last 3 seconds (conftest): nothing may be scheduled for the conversation either."""
    c = chat(servers)
    from tests.server.conftest import screen_all_clear

    screen_all_clear(c.say)
    said = texts(c.say("set an ice timer"))
    assert "phone or speaker" in said and "I'll tell you when" not in said
    said = texts(c.say("remind me to walk"))
    assert "phone or speaker" in said and "I'll remind you" not in said
    time.sleep(5)
    assert "Time's up" not in texts(c.say("thanks"))


def test_a_question_the_persons_own_words_answered_is_not_asked(servers):
    # clinical-guidance section 2: "my legs are fine" answers both leg questions
    c = chat(servers)
    c.say(OPENING)
    c.say("no")  # the bladder question
    replies = c.say("no, and my legs are fine")  # the numbness question, and both leg questions
    assert "bad fall" in texts(replies) and triage_of(replies) is None
    # "no chest pain" alone answers neither the chest question (breathing too) nor the tummy one
    replies = c.say("no, and no chest pain")  # the fall question
    assert "trouble breathing" in texts(replies)
    assert "tummy" in texts(c.say("no"))


# --- taking back a mistaken emergency (issue 27 item 2, clinical-guidance section 2) ---------
def test_a_mistaken_yes_is_named_taken_back_on_a_clear_yes_and_its_question_asked_again(servers):
    c = chat(servers)
    screen_to(c, SLOTS.index("screen_saddle_numbness"))
    assert_emergency(c.say("yes"), "saddle_numbness")
    said = texts(c.say("sorry, that's not what I meant"))
    assert "Call 911 now" in said and "You told me about numbness or changes down below. Is that wrong?" in said
    replies = c.say("yes")
    said = texts(replies)
    assert "taken that back" in said and "call 911" in said  # the number stays in the reply
    assert "around your bottom or genitals?" in said and triage_of(replies) is None  # the question it came from
    assert "down both legs?" in texts(c.say("no"))  # and the screening goes on from there, not from the start
    rows = session_row(servers, c.sender, until=lambda row: row.final_triage == EMERGENCY)
    assert rows and rows[-1].final_triage == EMERGENCY  # the log keeps that the emergency message was given


@pytest.mark.parametrize("answer", ["no", "not sure", "hmm"])
def test_start_over_after_an_emergency_asks_and_anything_but_yes_keeps_it(servers, answer):
    c = chat(servers)
    assert_emergency(c.say("I can't feel my legs"), "leg_weakness")
    said = texts(c.say("start over"))  # never a silent restart
    assert "Call 911 now" in said and "weak or numb legs" in said and "Is that wrong?" in said
    replies = c.say(answer)
    assert "Please call 911 now" in texts(replies) and triage_of(replies)["triage"] == "emergency"
    assert "call 911 first" in texts(c.say("should I use ice or heat"))  # still no first aid


# --- a minor slip over 50 (issue 27 item 4, clinical-guidance section 3) ---------------------
def test_a_minor_sit_down_on_the_level_is_noted_as_urgent_and_screened_not_an_emergency(servers):
    c = chat(servers)
    replies = c.say("I'm 72, I slipped on the kitchen floor and sat down hard, I didn't hit my back")
    said = texts(replies)
    assert triage_of(replies) is None and "contact a doctor today" in said and "?" in said  # noted, then the questions
    for _ in range(len(EMERGENCY_QUESTIONS) + 2):
        replies = c.say("no")
        if triage_of(replies):
            break
    assert triage_of(replies) == {"triage": "urgent", "reason": "minor_fall", "call": "911"}, texts(replies)


def test_a_fall_down_the_stairs_or_one_that_leaves_you_on_the_floor_is_still_an_emergency(servers):
    assert_emergency(chat(servers).say("I slipped down the stairs and landed on my bottom"), "trauma")
    assert_emergency(chat(servers).say("I sat down hard on the floor and now I can't get up"), "trauma")
