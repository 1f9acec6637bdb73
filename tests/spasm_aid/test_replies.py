"""The one renderer of replies given outside Rasa's normal path (spasm_aid/replies.py)."""
import json

import pytest
import yaml

from spasm_aid import replies
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.setattr(replies, "_responses", None)


def test_every_reply_it_renders_is_in_the_domain():
    responses = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
    assert set(replies.NAMES) <= set(responses)


@pytest.mark.parametrize("name", [replies.FAILURE, replies.UNREACHABLE, replies.NOT_TEXT, replies.CALL_NOW, replies.IN_AN_EMERGENCY])
def test_replies_that_route_up_give_the_configured_number(monkeypatch, name):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "999")
    assert "999" in replies.text(name) and "911" not in replies.text(name)


def test_a_refusal_is_the_reason_then_where_to_call(monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "112")
    assert replies.with_number(" Too big. ") == "Too big. If you need help now, call 112."


def test_a_broken_number_setting_still_gives_a_number(monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "nine one one")
    assert replies.with_number("Refused.").endswith("call 911.")


def test_without_a_readable_domain_the_number_is_still_given(monkeypatch, tmp_path):
    monkeypatch.setattr(replies, "DOMAIN", tmp_path / "missing.yml")
    assert replies.text(replies.FAILURE, "000") == "Sorry, something went wrong on my side. If you need help now, call 000."
    assert replies.with_number("Refused.") == "Refused. If you need help now, call 911."


def test_the_failure_reply_is_a_message_for_the_sender():
    [message] = replies.failure("someone")
    assert message["recipient_id"] == "someone" and message["text"] == replies.text(replies.FAILURE)


def test_nginx_strings_survive_single_quotes_and_parse_as_json():
    inside = replies.nginx_json_string(replies.UNREACHABLE, "999")  # "can't": an apostrophe
    assert "'" not in inside
    assert json.loads(f'"{inside}"') == replies.text(replies.UNREACHABLE, "999")


def test_nginx_strings_refuse_a_dollar_sign():
    with pytest.raises(ValueError, match="nginx"):
        replies.nginx_json_string(replies.REFUSED, "911", reason="costs $5")


def test_the_web_page_is_rendered_with_the_number_and_no_placeholder_left(monkeypatch):
    from spasm_aid.channels.web import render_page

    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "999")
    page = render_page((ROOT / "web" / "index.html").read_text())
    assert "{{" not in page
    assert 'href="tel:999"' in page and "Call 999 now" in page and "call 999." in page
    assert "I can&#x27;t reach the assistant" in page  # HTML-escaped
