import pytest

from spasm_aid import settings


@pytest.mark.parametrize(
    "value,origin,allowed",
    [
        ("", "http://localhost:5005", True),  # the default: the project's own pages
        ("", "https://evil.example", False),
        ("https://clinic.example, https://app.clinic.example", "https://app.clinic.example", True),
        ("https://clinic.example/", "https://clinic.example", True),
        ("https://clinic.example", "https://clinic.example.evil.example", False),
        ("*", "https://anything.example", True),
        ("https://clinic.example", None, True),  # not a web page: no Origin header
    ],
)
def test_which_web_pages_may_talk_to_the_assistant(monkeypatch, value, origin, allowed):
    monkeypatch.setenv("SPASM_AID_ALLOWED_ORIGINS", value)
    assert settings.origin_allowed(origin) is allowed


@pytest.mark.parametrize("value", ["clinic.example", "https://clinic.example/chat", "ftp://x"])
def test_a_malformed_origin_setting_says_what_is_expected(monkeypatch, value):
    monkeypatch.setenv("SPASM_AID_ALLOWED_ORIGINS", value)
    with pytest.raises(settings.SettingsError, match="scheme://host"):
        settings.allowed_origins()


def test_emergency_number_must_be_dialable(monkeypatch):
    monkeypatch.setenv("SPASM_AID_EMERGENCY_NUMBER", "call me")
    with pytest.raises(settings.SettingsError):
        settings.emergency_number()
