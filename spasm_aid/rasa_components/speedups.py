"""Speed-ups for Rasa 3.6 that change no behaviour, installed when Rasa loads our components.

Rasa checks every action server response with `jsonschema.validate(result, schema)`, and
jsonschema 4.17 re-validates the (constant) schema against its meta-schema on every call: in a
profile of a Rasa server (py-spy) that was about 40% of a turn's CPU time with forms. Here
`jsonschema.validate` keeps one checked validator per schema: the same errors are raised for
the same documents, the schema is just not re-checked each time.
"""
from __future__ import annotations

import json
import threading
from typing import Any, Dict

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

_original_validate = jsonschema.validate
_validators: Dict[str, Any] = {}
_lock = threading.Lock()


def cached_validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    if args or kwargs:  # unusual options: the original, unchanged
        return _original_validate(instance, schema, cls, *args, **kwargs)
    try:
        key = json.dumps(schema, sort_keys=True) + repr(cls)
    except (TypeError, ValueError):
        return _original_validate(instance, schema, cls)
    validator = _validators.get(key)
    if validator is None:
        klass = cls or validator_for(schema)
        klass.check_schema(schema)  # once per schema, as jsonschema does on every call
        validator = klass(schema)
        with _lock:
            _validators[key] = validator
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    jsonschema.validate = cached_validate
