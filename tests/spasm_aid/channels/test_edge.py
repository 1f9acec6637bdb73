"""The checks every channel makes at its edge (spasm_aid.channels.edge, issue 14)."""
import asyncio
import json

import pytest

from spasm_aid.channels.edge import (
    MAX_METADATA_BYTES,
    InputError,
    Refusals,
    check_metadata,
    clean_sender,
    clean_text,
    head_problem,
    json_depth,
    load_json,
)


@pytest.mark.parametrize(
    "headers,problem",
    [
        ({"content-length": ["12"]}, None),
        ({"transfer-encoding": ["chunked"]}, None),
        ({}, None),
        ({"content-length": ["-1"]}, "whole number"),
        ({"content-length": ["1e3"]}, "whole number"),
        ({"content-length": ["+5"]}, "whole number"),
        ({"content-length": ["٥"]}, "whole number"),  # an Arabic-Indic five: int() reads it, HTTP does not
        ({"content-length": ["5", "5"]}, "whole number"),
        ({"content-length": ["9" * 16]}, "whole number"),
        ({"transfer-encoding": ["gzip"]}, "gzip is not accepted"),
        ({"transfer-encoding": ["chunked", "gzip"]}, "not accepted"),
        ({"transfer-encoding": ["chunked"], "content-length": ["2"]}, "both"),
    ],
)
def test_request_heads_sanic_cannot_handle_are_refused(headers, problem):
    found = head_problem(headers)
    assert (found is None) if problem is None else (problem in found)


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth('{"a": "[[[[{{{{", "b": [[1]]}') == 3
    assert json_depth('"\\"[[["') == 0
    assert json_depth("[" * 990 + "]" * 990) == 990


@pytest.mark.parametrize(
    "body,status,reason",
    [(b"x" * 2000, 413, "larger than 1 KiB"), (b"\xff\xfe", 400, "not UTF-8"), (b"[" * 40 + b"]" * 40, 400, "nests more than 32"),
     (b"{", 400, "not valid JSON")],
)
def test_load_json_refuses_with_the_status_and_what_was_expected(body, status, reason):
    with pytest.raises(InputError, match=reason) as refused:
        load_json(body, 1024, "a thing")
    assert refused.value.status == status and "Expected a thing" in str(refused.value)


def test_load_json_reads_what_is_within_the_limits():
    assert load_json(b'{"a": [[1]]}', 1024, "x") == {"a": [[1]]}


def test_metadata_must_be_a_small_shallow_object():
    assert check_metadata(None) is None
    assert check_metadata({"locale": "en", "client": {"name": "speaker", "version": 2}}) == {
        "locale": "en", "client": {"name": "speaker", "version": 2}}
    for bad, status in ([1, 400], ("x", 400), ({"a": "x" * MAX_METADATA_BYTES}, 413),
                        ({"a": {"b": {"c": {"d": {"e": 1}}}}}, 400)):
        with pytest.raises(InputError) as refused:
            check_metadata(bad)
        assert refused.value.status == status


def test_clean_text_keeps_words_emoji_and_right_to_left_text_and_drops_what_breaks_storage():
    assert clean_text("I can't feel my legs \ud800 \x00\x07ok\n😀 שלום") == "I can't feel my legs \ufffd ok\n😀 שלום"
    json.dumps(clean_text("\udfff")).encode("utf-8")  # storable and sendable


@pytest.mark.parametrize("sender", ["", "   ", "a" * 129, "tab\there", "nul\x00", 5, None, "\ud800"])
def test_clean_sender_refuses_ids_a_tracker_should_not_hold(sender):
    with pytest.raises(InputError):
        clean_sender(sender)


@pytest.fixture(scope="module")
def refusals(spacy_model_path):
    return Refusals(str(spacy_model_path))


def test_a_refusal_without_a_red_flag_gives_the_reason_and_the_number(refusals):
    [reply] = asyncio.run(refusals.replies("s1", "Too long.", "la " * 5000))
    assert reply == {"recipient_id": "s1", "text": "Too long. If you need help now, call 911."}


def test_a_refusal_whose_text_names_a_red_flag_is_the_emergency_message(refusals):
    [reply] = asyncio.run(refusals.replies("s2", "Too long.", "la " * 20000 + "my husband fell and can't feel his legs"))
    assert reply["custom"] == {"triage": "emergency", "reason": "trauma", "call": "911"}
    assert "Call 911 for them now" in reply["text"] and reply["recipient_id"] == "s2"


def test_the_refusal_gives_the_configured_number(refusals, monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "999")
    [reply] = asyncio.run(refusals.replies("s3", "Too long."))
    assert reply["text"].endswith("call 999.")


# --- issue 31: a red flag hidden by a repeated key or a message of the wrong type ------------
def test_a_repeated_key_is_refused_and_the_refusal_reads_every_value(refusals):
    from spasm_aid.channels.common import parse_payload

    body = b'{"sender": "s4", "message": "I can\'t feel my legs", "message": "hi"}'
    with pytest.raises(InputError, match="'message' appears more than once") as raised:
        parse_payload(body)
    assert raised.value.status == 400
    [reply] = asyncio.run(refusals.replies("s4", str(raised.value), raised.value.scan_text))
    assert reply["custom"]["triage"] == "emergency"
    assert load_json(b'{"a": {"b": 1}, "b": {"b": 2}}', 1000, "x") == {"a": {"b": 1}, "b": {"b": 2}}


@pytest.mark.parametrize("message", [["I can't feel my legs"], {"text": "I can't feel my legs"}, [[1, "my bum is numb"]]])
def test_a_message_of_the_wrong_type_is_refused_but_read_for_a_red_flag(refusals, message):
    from spasm_aid.channels.common import parse_payload

    with pytest.raises(InputError, match="'message' must be a string") as raised:
        parse_payload(json.dumps({"sender": "s5", "message": message}).encode())
    [reply] = asyncio.run(refusals.replies("s5", str(raised.value), raised.value.scan_text))
    assert reply["custom"]["triage"] == "emergency"


def test_strings_in_reads_nested_values_in_order_and_bounded():
    from spasm_aid.channels.edge import strings_in

    assert strings_in({"a": ["x", {"b": "y"}], "c": 3}) == "x\ny"
    assert strings_in(["s"] * 500).count("s") == 64
    assert strings_in(5) == ""
