"""Telegram and Slack end to end: real-format webhook payloads in, and the calls the assistant
makes to the platforms' APIs out (to a local stand-in, tests/server/fake_platforms.py)."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from urllib.parse import urlencode

import pytest

from tests.server.test_hostile_input import raw

pytestmark = pytest.mark.server
# Telegram update ids are handled once each (a redelivery is dropped): every run starts its own
update_ids = itertools.count(uuid.uuid4().int % 10**12 + 10**6)
SELF_CARE = "Nothing you told me needs a doctor right now"
ANSWERS = len(__import__("spasm_aid.triage", fromlist=["load_table"]).load_table().slots_asked_when_all_no)  # all answered no


# --- Telegram -------------------------------------------------------------------------------
def telegram(servers, update, secret=None, port=None):
    secret = servers["messaging"]["TELEGRAM_WEBHOOK_SECRET"] if secret is None else secret
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return raw(port or servers["served"], "/webhooks/telegram/webhook", body, headers)


# Telegram Update objects with every field the Bot API reference gives a private text message
# and a callback query (https://core.telegram.org/bots/api#update), bot commands marked as entities.
PERSON = {"id": 0, "is_bot": False, "first_name": "Ann", "language_code": "en"}


def text_update(chat, text):
    message = {"message_id": next(update_ids), "from": dict(PERSON, id=chat),
               "chat": {"id": chat, "first_name": "Ann", "type": "private"}, "date": int(time.time()), "text": text}
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": next(update_ids), "message": message}


def button_update(chat, data, message_id):
    """A tap on a button of message `message_id` (as Telegram sends it: the callback query
    carries the message the keyboard is on)."""
    keyboard = {"inline_keyboard": [[{"text": t, "callback_data": d} for t, d in (("Yes", "yes"), ("No", "no"), ("Not sure", "not sure"))]]}
    return {"update_id": next(update_ids), "callback_query": {
        "id": f"{next(update_ids)}", "from": dict(PERSON, id=chat),
        "message": {"message_id": message_id, "from": {"id": 1, "is_bot": True, "first_name": "Spasm Aid", "username": "SpasmAidBot"},
                    "chat": {"id": chat, "first_name": "Ann", "type": "private"}, "date": int(time.time()), "text": "?",
                    "reply_markup": keyboard},
        "chat_instance": "-4520397650532471104", "data": data}}


def latest_question(servers, chat):
    """The message id of the last question sent with buttons."""
    asked = [c for c in servers["platforms"].sent("telegram", chat)
             if c["method"] == "sendMessage" and (c["body"].get("reply_markup") or {}).get("inline_keyboard")]
    return asked[-1]["result"]["message_id"]


def tap(servers, chat, data):
    return telegram(servers, button_update(chat, data, latest_question(servers, chat)))


def telegram_texts(servers, chat):
    return [c["body"].get("text", "") for c in servers["platforms"].sent("telegram", chat) if c["method"] == "sendMessage"]


def new_chat():
    return int(uuid.uuid4().int % 10**9)


def test_telegram_conversation_to_self_care_with_the_inline_keyboard(servers):
    chat = new_chat()
    assert telegram(servers, text_update(chat, "my back just spasmed"))[0] == 200
    question = servers["platforms"].sent("telegram", chat)[-1]["body"]
    assert "hard to pee" in question["text"]
    assert [b["text"] for b in question["reply_markup"]["inline_keyboard"][0]] == ["Yes", "No", "Not sure"]
    for _ in range(ANSWERS):
        assert tap(servers, chat, "no")[0] == 200
    assert any(SELF_CARE in t for t in telegram_texts(servers, chat))
    answered = [c for c in servers["platforms"].calls if c["method"] == "answerCallbackQuery"]
    assert len(answered) >= ANSWERS  # every tap is acknowledged (the spinner stops)


def test_telegram_start_opens_the_conversation(servers):
    chat = new_chat()
    assert telegram(servers, text_update(chat, "/start"))[0] == 200
    said = " ".join(telegram_texts(servers, chat))
    assert "/start" not in said and "back" in said.lower()  # the greeting, not "didn't understand"


def test_telegram_a_tapped_keyboard_is_removed_and_an_old_button_is_not_taken_as_an_answer(servers):
    chat, platforms = new_chat(), servers["platforms"]
    telegram(servers, text_update(chat, "my back just spasmed"))
    first = latest_question(servers, chat)
    assert tap(servers, chat, "no")[0] == 200
    removed = [c["body"] for c in platforms.sent("telegram", chat) if c["method"] == "editMessageReplyMarkup"]
    assert {"chat_id": chat, "message_id": first, "reply_markup": {"inline_keyboard": []}} in removed
    second = latest_question(servers, chat)
    assert second != first
    before = len(telegram_texts(servers, chat))
    # a "yes" on the first question, tapped late: not an answer to the second
    assert telegram(servers, button_update(chat, "yes", first))[0] == 200
    answer = [c["body"] for c in platforms.sent("telegram", chat) if c["method"] == "answerCallbackQuery"] or \
             [c["body"] for c in platforms.calls if c["method"] == "answerCallbackQuery"]
    assert any("has passed" in (b.get("text") or "") for b in answer)
    assert len(telegram_texts(servers, chat)) == before  # nothing sent to the assistant
    assert not any("Call 911" in t for t in telegram_texts(servers, chat))


def test_telegram_emergency_sends_the_number_as_a_contact_to_tap(servers):
    chat = new_chat()
    telegram(servers, text_update(chat, "I can't feel my legs"))
    calls = servers["platforms"].sent("telegram", chat)
    assert any("Weak or numb legs" in c["body"].get("text", "") for c in calls)
    contact = [c["body"] for c in calls if c["method"] == "sendContact"]
    assert contact and contact[0]["phone_number"] == "911"


@pytest.mark.parametrize("secret,status", [("", 403), ("wrong", 403)])
def test_telegram_refuses_posts_without_the_webhook_secret(servers, secret, status):
    chat = new_chat()
    assert telegram(servers, text_update(chat, "I can't feel my legs"), secret=secret)[0] == status
    assert servers["platforms"].sent("telegram", chat) == []


def test_telegram_bad_and_odd_updates(servers):
    assert telegram(servers, b"{not json")[0] == 400
    assert telegram(servers, {"update_id": 1, "edited_message": {"text": "x"}})[0] == 200  # acknowledged, ignored
    chat = new_chat()
    sticker = text_update(chat, "x")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "abc"}
    assert telegram(servers, sticker)[0] == 200
    assert "I can only read text" in telegram_texts(servers, chat)[-1]


def test_telegram_unconfigured_says_what_to_set(servers):
    status, payload = telegram(servers, text_update(1, "hi"), port=servers["degraded"])
    assert status == 503 and b"TELEGRAM_BOT_TOKEN" in payload


# --- Slack ----------------------------------------------------------------------------------
def slack_post(servers, path, body: bytes, content_type="application/json", timestamp=None, secret=None, retry=None):
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    secret = servers["messaging"]["SLACK_SIGNING_SECRET"] if secret is None else secret
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    if retry:
        headers["X-Slack-Retry-Num"] = retry
    return raw(servers["served"], f"/webhooks/slack/{path}", body, headers)


# Slack Events API envelopes with the fields of the reference (https://api.slack.com/apis/events-api
# "callback field overview"; https://api.slack.com/events/message.im and /events/app_mention).
def event_callback(event, event_id=None):
    ts = event["ts"]
    return {"token": "verification-token-unused", "team_id": "T1", "api_app_id": "A1",
            "event": dict(event, team="T1", event_ts=ts), "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(float(ts)),
            "authorizations": [{"enterprise_id": None, "team_id": "T1", "user_id": "UBOT", "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": f"4-{uuid.uuid4().hex}"}


def dm(servers, channel, text, event_id=None, **options):
    event = {"client_msg_id": str(uuid.uuid4()), "type": "message", "text": text, "user": "U123",
             "ts": f"{time.time():.6f}", "blocks": [], "channel": channel, "channel_type": "im"}
    return slack_post(servers, "events", json.dumps(event_callback(event, event_id)).encode(), **options)


def click(servers, channel, value):
    # a block_actions payload as the interactivity reference gives it (https://api.slack.com/reference/interaction-payloads/block-actions)
    ts = f"{time.time():.6f}"
    payload = {"type": "block_actions", "user": {"id": "U123", "username": "ann", "name": "ann", "team_id": "T1"},
               "api_app_id": "A1", "token": "verification-token-unused",
               "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
               "trigger_id": "1.2.3", "team": {"id": "T1", "domain": "example"}, "channel": {"id": channel, "name": "directmessage"},
               "message": {"type": "message", "user": "UBOT", "ts": ts, "text": "?"},
               "response_url": "https://hooks.slack.com/actions/T1/1/x",
               "actions": [{"action_id": "answer_1", "block_id": "b1", "text": {"type": "plain_text", "text": value},
                            "value": value, "type": "button", "action_ts": ts}]}
    return slack_post(servers, "interactive", urlencode({"payload": json.dumps(payload)}).encode(),
                      content_type="application/x-www-form-urlencoded")


def slack_texts(calls):
    return [c["body"].get("text", "") for c in calls]


def test_slack_url_verification(servers):
    status, payload = slack_post(servers, "events", json.dumps({"type": "url_verification", "challenge": "c-123"}).encode())
    assert status == 200 and json.loads(payload)["challenge"] == "c-123"


def test_slack_conversation_to_self_care_with_buttons(servers):
    channel, platforms = f"D{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    assert dm(servers, channel, "my back just spasmed")[0] == 200
    calls = platforms.wait_for("slack", channel, lambda calls: any("hard to pee" in t for t in slack_texts(calls)))
    question = next(c["body"] for c in calls if "hard to pee" in c["body"].get("text", ""))
    assert [e["value"] for e in question["blocks"][1]["elements"]] == ["yes", "no", "not sure"]
    for answered in range(1, ANSWERS + 1):
        assert click(servers, channel, "no")[0] == 200
        platforms.wait_for("slack", channel, lambda calls, n=answered: len(calls) >= 4 + n)
    platforms.wait_for("slack", channel, lambda calls: any(SELF_CARE in t for t in slack_texts(calls)))


def test_slack_emergency_gets_a_call_header(servers):
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    dm(servers, channel, "I can't feel my legs")
    calls = servers["platforms"].wait_for("slack", channel, lambda calls: any(
        b.get("type") == "header" for c in calls for b in (c["body"].get("blocks") or [])))
    assert any("Weak or numb legs" in t for t in slack_texts(calls))
    assert "Call 911 now" in slack_texts(calls)


@pytest.mark.parametrize("options", [{"secret": "wrong"}, {"timestamp": int(time.time()) - 3600}])
def test_slack_refuses_unsigned_or_stale_requests(servers, options):
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    assert dm(servers, channel, "I can't feel my legs", **options)[0] == 401
    time.sleep(1)
    assert servers["platforms"].sent("slack", channel) == []


def test_slack_a_retry_of_an_event_already_handled_is_not_answered_twice(servers):
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    event_id = f"Ev{uuid.uuid4().hex[:10]}"
    dm(servers, channel, "hello", event_id=event_id)
    # the whole reply (it ends with the first question), not its first message: the rest arriving
    # later was counted as a second answer (a race seen in CI)
    first = servers["platforms"].wait_for("slack", channel, lambda calls: any("hard to pee" in t for t in slack_texts(calls)))
    assert dm(servers, channel, "hello", event_id=event_id)[0] == 200  # the same event again
    assert dm(servers, channel, "hello", event_id=event_id, retry="1")[0] == 200  # and retried
    time.sleep(2)
    assert len(servers["platforms"].sent("slack", channel)) == len(first)


def test_slack_a_retry_of_an_event_never_received_is_answered(servers):
    # Slack retries after connection_failed, http_timeout or a 502 during a restart: the first
    # delivery never arrived, so this one must be handled (it used to be dropped: silence)
    channel = f"D{uuid.uuid4().hex[:8].upper()}"
    assert dm(servers, channel, "I can't feel my legs", retry="1")[0] == 200
    calls = servers["platforms"].wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
    assert any("Weak or numb legs" in t for t in slack_texts(calls))


def mention(servers, channel, text, ts, thread_ts=None):
    event = {"client_msg_id": str(uuid.uuid4()), "type": "app_mention", "text": f"<@UBOT> {text}", "user": "U123",
             "ts": ts, "blocks": [], "channel": channel}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return slack_post(servers, "events", json.dumps(event_callback(event)).encode())


def test_slack_a_mention_is_answered_in_a_thread_not_in_the_open_channel(servers):
    channel, platforms = f"C{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    ts = f"{time.time():.6f}"
    assert mention(servers, channel, "my back just spasmed", ts)[0] == 200
    calls = platforms.wait_for("slack", channel, lambda calls: any("hard to pee" in t for t in slack_texts(calls)))
    assert calls and all(c["body"].get("thread_ts") == ts for c in calls)
    # the answer, typed in the thread, continues that conversation (and stays in the thread)
    assert mention(servers, channel, "I can't feel my legs", f"{time.time():.6f}", thread_ts=ts)[0] == 200
    calls = platforms.wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
    assert all(c["body"].get("thread_ts") == ts for c in calls)


def test_slack_malformed_interactive_payload(servers):
    assert slack_post(servers, "interactive", b"payload=%7Bnot-json", content_type="application/x-www-form-urlencoded")[0] == 400


# --- message kinds with words in them (issue 31): read, or answered with the number ----------
def slack_event(servers, channel, **fields):
    event = {"type": "message", "user": "U123", "ts": f"{time.time():.6f}", "channel": channel, "channel_type": "im"}
    event.update(fields)
    return slack_post(servers, "events", json.dumps(event_callback(event)).encode())


def test_slack_a_file_shared_with_words_is_read_and_without_words_gets_the_number(servers):
    channel, platforms = f"D{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    files = [{"id": "F1", "name": "IMG_0001.jpg", "mimetype": "image/jpeg", "filetype": "jpg"}]
    assert slack_event(servers, channel, subtype="file_share", text="I can't feel my legs", files=files, upload=False)[0] == 200
    platforms.wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
    other = f"D{uuid.uuid4().hex[:8].upper()}"
    assert slack_event(servers, other, subtype="file_share", text="", files=files, upload=False)[0] == 200
    calls = platforms.wait_for("slack", other, lambda calls: len(calls) >= 1)
    assert "call 911" in slack_texts(calls)[0].lower() and "Weak" not in slack_texts(calls)[0]


def test_slack_a_thread_broadcast_is_read(servers):
    channel, platforms = f"D{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    assert slack_event(servers, channel, subtype="thread_broadcast", text="my bum is numb",
                       thread_ts=f"{time.time() - 60:.6f}")[0] == 200
    platforms.wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))


def test_slack_an_edit_is_read_for_a_red_flag_and_otherwise_answered_with_the_number(servers):
    channel, platforms = f"D{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    before = {"type": "message", "user": "U123", "text": "my back hurts", "ts": "1712345678.000100"}
    after = dict(before, text="my back hurts and I can't feel my legs", edited={"user": "U123", "ts": "1712345690.000000"})
    assert slack_event(servers, channel, subtype="message_changed", hidden=True, message=after, previous_message=before)[0] == 200
    platforms.wait_for("slack", channel, lambda calls: "Call 911 now" in slack_texts(calls))
    other = f"D{uuid.uuid4().hex[:8].upper()}"
    benign = dict(before, text="my back hurts a lot", edited={"user": "U123", "ts": "1712345690.000000"})
    assert slack_event(servers, other, subtype="message_changed", hidden=True, message=benign, previous_message=before)[0] == 200
    calls = platforms.wait_for("slack", other, lambda calls: len(calls) >= 1)
    assert "new message" in slack_texts(calls)[0] and "call 911" in slack_texts(calls)[0].lower()


def test_slack_a_link_preview_added_to_a_message_is_not_answered(servers):
    channel, platforms = f"D{uuid.uuid4().hex[:8].upper()}", servers["platforms"]
    before = {"type": "message", "user": "U123", "text": "see https://www.nhs.uk", "ts": "1712345678.000100"}
    after = dict(before, attachments=[{"title": "NHS"}])
    assert slack_event(servers, channel, subtype="message_changed", hidden=True, message=after, previous_message=before)[0] == 200
    assert slack_event(servers, channel, subtype="message_deleted", hidden=True, deleted_ts="1712345678.000100")[0] == 200
    time.sleep(1.5)
    assert platforms.sent("slack", channel) == []


def test_telegram_a_photo_caption_is_read(servers):
    chat = new_chat()
    update = text_update(chat, "x")
    message = update["message"]
    del message["text"]
    message.update(photo=[{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 90}],
                   caption="I wet myself without noticing")
    assert telegram(servers, update)[0] == 200
    assert any(c["method"] == "sendContact" for c in servers["platforms"].sent("telegram", chat))


def test_telegram_an_edited_message_is_read_for_a_red_flag_and_otherwise_answered_with_the_number(servers):
    chat = new_chat()
    edit = text_update(chat, "my back hurts and I can't feel my legs")
    edit = {"update_id": edit["update_id"], "edited_message": dict(edit["message"], edit_date=int(time.time()))}
    assert telegram(servers, edit)[0] == 200
    assert any("Weak or numb legs" in t for t in telegram_texts(servers, chat))
    other = new_chat()
    edit = text_update(other, "my back hurts a lot")
    edit = {"update_id": edit["update_id"], "edited_message": dict(edit["message"], edit_date=int(time.time()))}
    assert telegram(servers, edit)[0] == 200
    said = telegram_texts(servers, other)
    assert len(said) == 1 and "new message" in said[0] and "call 911" in said[0].lower()


def test_telegram_a_redelivered_update_is_handled_once(servers):
    # Telegram sends an update again after any non-2xx answer (a restart): a repeated "no" must
    # not answer the next question (issue 28)
    chat = new_chat()
    telegram(servers, text_update(chat, "my back just spasmed"))
    answer = text_update(chat, "no")  # typed: no keyboard guards it
    assert telegram(servers, answer)[0] == 200
    asked = len(telegram_texts(servers, chat))
    assert telegram(servers, answer)[0] == 200  # the same update again
    time.sleep(1.0)
    assert len(telegram_texts(servers, chat)) == asked
