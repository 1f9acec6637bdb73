"""The Alexa skill end to end: signed requests (by a test CA that the served assistant trusts as
its root) through a whole conversation; tampered, stale and unsigned requests refused."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from spasm_aid.triage import load_table
from tests.alexa_ca import FakeAmazonCA, alexa_request, alexa_says
from tests.server.test_hostile_input import raw

SCREENING_QUESTIONS = len(load_table().slots_asked_when_all_no)  # all answered no: self-care

pytestmark = pytest.mark.server


def post(servers, body, headers=None):
    ca = servers["alexa_ca"]
    status, payload = raw(servers["served"], "/webhooks/alexa/webhook", body,
                          {"Content-Type": "application/json", **(headers if headers is not None else ca.headers(body))})
    return status, json.loads(payload) if payload else None


def say(servers, session, utterance, **options):
    """Say `utterance` to the skill: sent as Alexa would, under the interaction model."""
    status, payload = post(servers, alexa_says(utterance, session_id=session, **options))
    assert status == 200, payload
    return payload["response"]


def session():
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


def test_launch_then_a_conversation_to_self_care(servers):
    s = session()
    status, launch = post(servers, alexa_request(kind="LaunchRequest", session_id=s, new=True))
    assert status == 200 and launch["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    first = say(servers, s, "my back just spasmed")
    assert "hard to pee" in first["outputSpeech"]["ssml"]
    assert first["shouldEndSession"] is False
    assert "yes or no" in first["reprompt"]["outputSpeech"]["ssml"]  # a question: reprompted
    for _ in range(SCREENING_QUESTIONS):
        answer = say(servers, s, "no")
    assert "Nothing you told me needs a doctor right now" in answer["outputSpeech"]["ssml"]
    stop = say(servers, s, "stop")
    assert stop["shouldEndSession"] is True and "Take care" in stop["outputSpeech"]["ssml"]


def test_an_emergency_is_spoken_slowly_with_the_number_and_keeps_the_session(servers):
    s = session()
    say(servers, s, "my back just spasmed")
    reply = say(servers, s, "I can't feel my legs")
    ssml = reply["outputSpeech"]["ssml"]
    assert '<prosody rate="slow">' in ssml and "Call 9 1 1 now" in ssml and "<break" in ssml
    assert reply["shouldEndSession"] is False and "repeat" in reply["reprompt"]["outputSpeech"]["ssml"]


def test_help_means_help_now(servers):
    reply = say(servers, session(), "help")
    assert "9 1 1" in reply["outputSpeech"]["ssml"]


def test_session_ended_gets_an_empty_response(servers):
    status, payload = post(servers, alexa_request(kind="SessionEndedRequest", session_id=session(), reason="USER_INITIATED"))
    assert status == 200 and payload == {"version": "1.0", "response": {}}


def test_ssml_is_escaped(servers):
    # markup in a slot value (Alexa would not send it; a forged but signed request might)
    status, payload = post(servers, alexa_request(intent="Carrier_my_Intent", slots={"utterance": "<audio src='x'/> & more"},
                                                  session_id=session()))
    assert status == 200 and "<audio" not in payload["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("case", ["tampered", "stale", "unsigned", "foreign_ca", "bad_url", "other_skill"])
def test_refused_requests_get_400(servers, case):
    ca = servers["alexa_ca"]
    body = alexa_says("i fell", session_id=session())
    headers = ca.headers(body)
    if case == "tampered":
        body = body.replace(b"fell", b"sat")
        assert b"sat" in body
    elif case == "stale":
        body = alexa_request(when=datetime.now(timezone.utc) - timedelta(minutes=5))
        headers = ca.headers(body)
    elif case == "unsigned":
        headers = {"SignatureCertChainUrl": headers["SignatureCertChainUrl"]}
    elif case == "foreign_ca":
        headers = FakeAmazonCA().headers(body)  # the signature fits its own key, not the trusted chain
    elif case == "bad_url":
        headers["SignatureCertChainUrl"] = "https://evil.example/echo.api/cert.pem"
    elif case == "other_skill":
        body = alexa_request(skill_id="amzn1.ask.skill.other")
        headers = ca.headers(body)
    status, payload = post(servers, body, headers)
    assert status == 400 and "verification failed" in payload["error"]


def test_alexa_promises_no_timer_it_cannot_deliver(servers):
    s = session()
    reply = say(servers, s, "my back just spasmed")
    for _ in range(SCREENING_QUESTIONS):
        reply = say(servers, s, "no")
    reply = say(servers, s, "set an ice timer")
    spoken = reply["outputSpeech"]["ssml"]
    assert "phone or speaker" in spoken and "tell you when" not in spoken
