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


def test_all_settings_are_read_at_once_and_every_bad_one_is_named():
    environ = {"SPASM_AID_EMERGENCY_NUMBER": "nine", "SPASM_AID_PACK_MINUTES": "-3", "SPASM_AID_PG_PORT": "port",
               "SPASM_AID_MAX_BODY": "lots"}
    with pytest.raises(settings.SettingsError) as raised:
        settings.Settings.from_env(environ)
    message = str(raised.value)
    for name in environ:
        assert name in message


def test_defaults_when_nothing_is_set():
    config = settings.Settings.from_env({})
    assert config.emergency_number == "911"
    assert config.database_url.startswith("sqlite:///") and config.database_url.endswith("var/sessions.db")
    assert config.log_text is False and config.pack_minutes == 20.0
    assert "http://localhost:8080" in config.allowed_origins
    assert config.telegram.api_url == "https://api.telegram.org" and config.slack.api_url == "https://slack.com/api/"
    assert config.production.public_port == 8080 and config.production.max_body == "2200k"
    assert config.alexa.skill_id is None


def test_values_from_the_environment_are_used():
    config = settings.Settings.from_env({
        "SPASM_AID_EMERGENCY_NUMBER": "999", "SPASM_AID_VAR_DIR": "/srv/aid", "SPASM_AID_ALLOWED_ORIGINS": "*",
        "TELEGRAM_BOT_TOKEN": " t ", "SPASM_AID_PG_PASSWORD": " with spaces ", "SPASM_AID_REDIS_DB": "3",
        "ALEXA_CERT_MIRROR": "http://127.0.0.1:9/", "SPASM_AID_LOG_TEXT": "yes",
    })
    assert config.emergency_number == "999"
    assert config.database_url == "sqlite:////srv/aid/sessions.db"
    assert config.allowed_origins == "*"
    assert config.telegram.bot_token == "t"
    assert config.production.pg_password == " with spaces "  # a password is taken as given
    assert config.production.redis_db == 3
    assert config.alexa.cert_mirror == "http://127.0.0.1:9"
    assert config.log_text is True


def test_the_production_profile_takes_its_defaults_from_the_settings(monkeypatch):
    from tools.production import ProfileConfig

    monkeypatch.setenv("SPASM_AID_PUBLIC_PORT", "9090")
    monkeypatch.setenv("SPASM_AID_ALLOWED_ORIGINS", "https://clinic.example, https://other.example")
    config = ProfileConfig()
    assert config.public_port == 9090
    # the same parsing as every channel's origin check (it used to split on spaces only)
    assert config.allowed_origins == ["https://clinic.example", "https://other.example"]
