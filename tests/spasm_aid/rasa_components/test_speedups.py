"""The cached jsonschema.validate behaves as the original, for valid and invalid documents."""
import jsonschema
import pytest

from spasm_aid.rasa_components import speedups

SCHEMA = {"type": "object", "properties": {"events": {"type": "array"}, "responses": {"type": "array"}}}


@pytest.mark.parametrize("document", [{"events": [], "responses": []}, {}, {"events": "no"}, [], {"responses": 5}])
def test_same_outcome_as_the_original(document):
    def outcome(validate):
        try:
            validate(document, SCHEMA)
            return None
        except jsonschema.ValidationError as error:
            return error.message

    assert outcome(speedups.cached_validate) == outcome(speedups._original_validate)
    assert outcome(speedups.cached_validate) == outcome(speedups.cached_validate)  # cached: same again


def test_a_broken_schema_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        speedups.cached_validate({}, {"type": "no-such-type"})


def test_installed_by_loading_the_rasa_components():
    import spasm_aid.rasa_components  # noqa: F401

    assert jsonschema.validate is speedups.cached_validate
