"""Validation of a framework document: structure (JSON Schema) then meaning.

:func:`validate_definition` reports every problem at once, each prefixed by the
path of the offending place in the document, e.g.
``dimensions[2].questions[5].options: duplicate value "b"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from .definition_schema import DEFINITION_SCHEMA, PATTERN_HINTS
from .paths import format_path
from .semantics import check_semantics

_VALIDATOR = Draft202012Validator(DEFINITION_SCHEMA)

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


class DefinitionError(Exception):
    """A framework document is invalid; ``errors`` lists every problem with its path."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors: list[str] = list(errors)
        summary = "; ".join(self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"invalid framework definition: {summary}{more}")


def normalise_document(doc: Any) -> Any:
    """Return a JSON-shaped deep copy of ``doc``: integer mapping keys become strings
    (YAML reads ``descriptors: {1: ...}`` with integer keys, JSON with string keys)
    and tuples become lists. Everything else is copied as is."""
    if isinstance(doc, dict):
        return {
            (str(key) if isinstance(key, int) and not isinstance(key, bool) else key): (
                normalise_document(value)
            )
            for key, value in doc.items()
        }
    if isinstance(doc, list | tuple):
        return [normalise_document(item) for item in doc]
    return doc


def _describe_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


def _structural_messages(error: ValidationError) -> list[str]:
    path = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [f"{format_path([*path, missing])}: required"]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            f"{format_path([*path, str(key)])}: unknown field"
            for key in error.instance
            if key not in allowed
        ]
    where = format_path(path)
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
        return [f"{where}: must be {wanted}, not {_describe_value(error.instance)}"]
    if kind == "enum":
        options = ", ".join(str(option) for option in error.validator_value)
        return [f"{where}: must be one of {options}, not {_describe_value(error.instance)}"]
    if kind == "const":
        return [f"{where}: must be {_describe_value(error.validator_value)}"]
    if kind == "pattern":
        hint = PATTERN_HINTS.get(error.validator_value, f"the pattern {error.validator_value}")
        return [f"{where}: {_describe_value(error.instance)} may contain {hint}"]
    if kind == "minItems" and error.validator_value == 1:
        return [f"{where}: must not be empty"]
    if kind in ("minItems", "maxItems") and error.schema.get("minItems") == error.schema.get(
        "maxItems"
    ):
        return [f"{where}: must have exactly {error.validator_value} items"]
    if kind == "minLength" and error.validator_value == 1:
        return [f"{where}: must not be empty"]
    if kind == "minimum":
        return [f"{where}: must be at least {error.validator_value}"]
    if kind == "maximum":
        return [f"{where}: must be at most {error.validator_value}"]
    if kind == "exclusiveMinimum":
        return [f"{where}: must be greater than {error.validator_value}"]
    if kind == "uniqueItems":
        return [f"{where}: must not repeat an item"]
    if kind == "propertyNames":
        return [f"{where}: {_describe_value(error.instance)} is not a valid key"]
    return [f"{where}: {error.message}"]


def structural_errors(doc: Any) -> list[str]:
    """Check ``doc`` (already normalised) against the JSON Schema; one message per problem."""
    messages: list[str] = []
    for error in _VALIDATOR.iter_errors(doc):
        for problem in _structural_messages(error):
            if problem not in messages:
                messages.append(problem)
    return messages


def validate_definition(doc: dict[str, Any]) -> list[str]:
    """Return every problem of a framework document; an empty list means it is valid.

    Each message starts with the path of the offending place
    (``levels[1].gates[0].dimension: unknown dimension "netwrk"``). Structural
    problems come first, then the rules that span several places. ``doc`` is not
    modified. Any input is accepted: a non-mapping gives one message.
    """
    if not isinstance(doc, dict):
        return [f"(document): must be a mapping, not {_describe_value(doc)}"]
    normalised = normalise_document(doc)
    return structural_errors(normalised) + check_semantics(normalised)
