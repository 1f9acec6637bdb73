"""Replies turned into speakable, breath-sized text."""
import pytest

from spasm_aid.voice.speakable import breath_parts, speakable


@pytest.mark.parametrize(
    "text,spoken",
    [
        ("15-20 minutes at a time", "15 to 20 minutes at a time"),
        ("1 – 2 weeks", "1 to 2 weeks"),
        ("an OTC NSAID", "an over the counter anti-inflammatory"),
        ("Call 911 now.", "Call 9 1 1 now."),
        ("Call 000 now.", "Call 0 0 0 now."),
        ("**Keep moving** 🙂 <b>gently</b>", "Keep moving gently"),
        ("see [the NHS page](https://example.org)", "see the NHS page"),
        ("50% better", "50 percent better"),
    ],
)
def test_speakable(text, spoken):
    assert speakable(text) == spoken


def test_long_replies_come_in_breath_sized_parts():
    reply = (
        "Use whichever feels better. Many people use cold in the first day or two, and warmth after.\n"
        "Either way, 15-20 minutes at a time, with a cloth or towel between the pack and your skin, "
        "and let your skin recover in between."
    )
    parts = breath_parts(reply)
    assert parts[0] == "Use whichever feels better."
    assert all(len(p.split()) <= 22 for p in parts)
    assert "15 to 20 minutes" in " ".join(parts)
    assert " ".join(parts).split() == speakable(reply.replace("\n", " ")).split()


def test_every_response_in_the_domain_is_speakable(tmp_path):
    import yaml

    from tests.conftest import ROOT

    domain = yaml.safe_load(open(ROOT / "domain.yml", encoding="utf-8"))
    for name, variations in domain["responses"].items():
        for variation in variations:
            text = variation.get("text", "").format(emergency_number="911", minutes="20", hours="2", first="at about 4 pm", second="tomorrow at about 9 am",
                                                    reason="That message is too long for me.", max_body="2200k",
                                                    time="14:05 UTC (27 Nov)", channel="rest",
                                                    heard="i can't feel my legs")
            for part in breath_parts(text):
                assert part and len(part.split()) <= 22, (name, part)
                assert not any(c in part for c in "*_<>{}#"), (name, part)


# --- the emergency message as it is spoken (clinical-guidance section 2) --------------------
EMERGENCY_VARIANTS = [
    (flag, speaker, fall)
    for flag in ("bladder_bowel", "saddle_numbness", "leg_weakness", "trauma", "chest", "stroke", None)
    for speaker in (None, "helper")
    for fall in (None, "yes")
]


@pytest.mark.parametrize("flag,speaker,fall", EMERGENCY_VARIANTS)
def test_every_emergency_variant_reads_cleanly_when_spoken(flag, speaker, fall, monkeypatch):
    from tests.spasm_aid.rasa_components.test_nlg import generate

    monkeypatch.delenv("SPASM_AID_EMERGENCY_NUMBER", raising=False)
    text = generate("utter_emergency", {"red_flag": flag, "speaker": speaker, "fall_reported": fall})["text"]
    parts = breath_parts(text)
    print(f"\n[{flag}, {speaker or 'person'}, fall={fall}]", *parts, sep="\n  ")
    assert all(len(p.split()) <= 12 for p in parts), "one idea per sentence, each short enough to follow"
    assert parts[1] == ("Call 9 1 1 for them now." if speaker else "Call 9 1 1 now.")  # the number, second
    assert parts[-1] == "Say repeat to hear this again."
    spoken = " ".join(parts)
    assert "get a lift" not in spoken and "ask someone" not in spoken
    assert "{" not in spoken and "None" not in spoken
    keep_still = "Keep still and don't try to get up."
    assert (keep_still in parts) == (speaker is None and (flag == "trauma" or fall == "yes"))
    if speaker:
        assert "Stay with them." in parts and "If they fell, don't move them." in parts
        assert "unlock the door" not in spoken
    else:
        assert "If you're alone and can do it safely, unlock the door." in parts


@pytest.mark.parametrize("number, said", [("15", "Call 1 5 now."), ("1122", "Call 1 1 2 2 now."), ("999", "Call 9 9 9 now.")])
def test_the_configured_emergency_number_is_said_digit_by_digit(monkeypatch, number, said):
    # issue 28: only five numbers were; a configured 15 or 1122 was read as a cardinal
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", number)
    assert speakable(f"Call {number} now.") == said
    assert speakable("Ice for 15-20 minutes.") == "Ice for 15 to 20 minutes."  # other numbers stay numbers
