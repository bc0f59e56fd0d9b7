"""The JSON Schema (draft 2020-12) of a framework document, kept as a Python dict.

It checks the structure only (fields, types, ranges); the rules that span several
places (unique keys, references, orderings, upward-closed ``show_if``) live in
``semantics.py``. FORMAT.md is the prose version of both.
"""

from __future__ import annotations

from typing import Any

QUESTION_TYPES = ("single", "multi", "number", "scene_level", "boolean", "text")
GATE_TYPES = (
    "total_at_least",
    "dimension_at_least",
    "dimension_percent_at_least",
    "area_at_least",
    "answer_at_least",
    "answer_equals",
    "scenes_at_least",
    "tagged_share_at_least",
    "all_of",
    "any_of",
)

KEY_PATTERN = r"^[a-z0-9_]+$"
CODE_PATTERN = r"^[a-z0-9-]+$"
LEVEL_CODE_PATTERN = r"^[A-Za-z0-9_-]+$"

PATTERN_HINTS = {
    KEY_PATTERN: "only lowercase letters, digits and _",
    CODE_PATTERN: "only lowercase letters, digits and -",
    LEVEL_CODE_PATTERN: "only letters, digits, _ and -",
}

_TEXT: dict[str, Any] = {"$ref": "#/$defs/text"}
_KEY: dict[str, Any] = {"type": "string", "pattern": KEY_PATTERN}
_SCORE: dict[str, Any] = {"type": "number", "minimum": 0}
_SCENE_LEVEL: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 4}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}

_QUESTION_COMMON: dict[str, Any] = {
    "key": _KEY,
    "type": {"enum": list(QUESTION_TYPES)},
    "text": _TEXT,
    "help": _TEXT,
    "evidence_hint": _TEXT,
    "required": {"type": "boolean"},
    "tags": {"type": "array", "items": _KEY, "uniqueItems": True},
    "weight": {"type": "number", "minimum": 0},
    "show_if": {"$ref": "#/$defs/show_if"},
    "evidence_fields": {"type": "array", "items": {"$ref": "#/$defs/evidence_field"}},
}

_QUESTION_TYPE_FIELDS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "single": ({"options": {"$ref": "#/$defs/options"}}, ["options"]),
    "multi": (
        {
            "options": {"$ref": "#/$defs/options"},
            "max_score": {"type": "number", "exclusiveMinimum": 0},
        },
        ["options"],
    ),
    "number": (
        {
            "min": {"type": "number"},
            "max": {"type": "number"},
            "unit": _TEXT,
            "bands": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/band"}},
        },
        [],
    ),
    "scene_level": (
        {
            "descriptors": {
                "type": "object",
                "required": ["1", "2", "3", "4"],
                "properties": {str(level): _TEXT for level in range(1, 5)},
                "additionalProperties": False,
            },
            "scores": {"type": "array", "items": _SCORE, "minItems": 5, "maxItems": 5},
            "recommendations": {
                "type": "object",
                "properties": {str(level): _TEXT for level in range(5)},
                "additionalProperties": False,
            },
        },
        ["descriptors"],
    ),
    "boolean": (
        {"score_true": _SCORE, "score_false": _SCORE, "recommendation": _TEXT},
        [],
    ),
    "text": ({}, []),
}


def _question_schema() -> dict[str, Any]:
    branches = []
    for type_name, (fields, required) in _QUESTION_TYPE_FIELDS.items():
        branches.append(
            {
                "if": {"properties": {"type": {"const": type_name}}, "required": ["type"]},
                "then": {
                    "properties": {**_QUESTION_COMMON, **fields},
                    "required": required,
                    "additionalProperties": False,
                },
            }
        )
    return {
        "type": "object",
        "required": ["key", "type", "text"],
        "properties": _QUESTION_COMMON,
        "allOf": branches,
    }


_GATE_FIELDS: dict[str, dict[str, Any]] = {
    "total_at_least": {"value": _SCORE},
    "dimension_at_least": {"dimension": _KEY, "value": _SCORE},
    "dimension_percent_at_least": {
        "dimension": _KEY,
        "value": {"type": "number", "minimum": 0, "maximum": 100},
    },
    "area_at_least": {"area": _KEY, "value": _SCORE},
    "answer_at_least": {"question": _KEY, "value": {"type": "number"}},
    "answer_equals": {"question": _KEY, "value": {"type": ["string", "boolean"]}},
    "scenes_at_least": {
        "tag": _KEY,
        "level": _SCENE_LEVEL,
        "count": _COUNT,
        "mandatory_tag": _KEY,
        "mandatory_count": _COUNT,
    },
    "tagged_share_at_least": {
        "tag": _KEY,
        "of_tag": _KEY,
        "level": _SCENE_LEVEL,
        "share": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "all_of": {"gates": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/gate"}}},
    "any_of": {"gates": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/gate"}}},
}

_GATE_REQUIRED: dict[str, list[str]] = {
    "total_at_least": ["value"],
    "dimension_at_least": ["dimension", "value"],
    "dimension_percent_at_least": ["dimension", "value"],
    "area_at_least": ["area", "value"],
    "answer_at_least": ["question", "value"],
    "answer_equals": ["question", "value"],
    "scenes_at_least": ["tag", "level", "count"],
    "tagged_share_at_least": ["tag", "of_tag", "level", "share"],
    "all_of": ["gates"],
    "any_of": ["gates"],
}


def _gate_schema() -> dict[str, Any]:
    common = {"type": {"enum": list(GATE_TYPES)}, "description": _TEXT}
    branches = [
        {
            "if": {"properties": {"type": {"const": gate_type}}, "required": ["type"]},
            "then": {
                "properties": {**common, **fields},
                "required": _GATE_REQUIRED[gate_type],
                "additionalProperties": False,
            },
        }
        for gate_type, fields in _GATE_FIELDS.items()
    ]
    return {"type": "object", "required": ["type"], "properties": common, "allOf": branches}


DEFINITION_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Gradient framework definition, format 1",
    "type": "object",
    "required": ["format", "code", "version", "title", "levels", "dimensions"],
    "properties": {
        "format": {"const": 1},
        "code": {"type": "string", "pattern": CODE_PATTERN},
        "version": {"type": "string", "minLength": 1},
        "title": _TEXT,
        "description": _TEXT,
        "no_level_name": _TEXT,
        "tag_labels": {
            "type": "object",
            "propertyNames": {"pattern": KEY_PATTERN},
            "additionalProperties": _TEXT,
        },
        "levels": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/level"}},
        "dimensions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/dimension"}},
    },
    "additionalProperties": False,
    "$defs": {
        "text": {
            "type": "object",
            "required": ["zh-hans"],
            "properties": {
                "zh-hans": {"type": "string", "minLength": 1},
                "en": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "level": {
            "type": "object",
            "required": ["code", "name", "confirmation", "gates"],
            "properties": {
                "code": {"type": "string", "pattern": LEVEL_CODE_PATTERN},
                "name": _TEXT,
                "description": _TEXT,
                "confirmation": {"enum": ["self", "review"]},
                "gates": {"type": "array", "items": {"$ref": "#/$defs/gate"}},
            },
            "additionalProperties": False,
        },
        "dimension": {
            "type": "object",
            "required": ["key", "name"],
            "properties": {
                "key": _KEY,
                "name": _TEXT,
                "description": _TEXT,
                "areas": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/area"}},
                "questions": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/$defs/question"},
                },
            },
            "additionalProperties": False,
        },
        "area": {
            "type": "object",
            "required": ["key", "name", "questions"],
            "properties": {
                "key": _KEY,
                "name": _TEXT,
                "description": _TEXT,
                "questions": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/$defs/question"},
                },
            },
            "additionalProperties": False,
        },
        "question": _question_schema(),
        "options": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
        "option": {
            "type": "object",
            "required": ["value", "label", "score"],
            "properties": {
                "value": {"type": "string", "minLength": 1},
                "label": _TEXT,
                "score": _SCORE,
                "recommendation": _TEXT,
                "exclusive": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
        "band": {
            "type": "object",
            "required": ["upto", "score"],
            "properties": {
                "upto": {"type": ["number", "null"]},
                "score": _SCORE,
                "recommendation": _TEXT,
            },
            "additionalProperties": False,
        },
        "show_if": {
            "type": "object",
            "required": ["question"],
            "properties": {
                "question": _KEY,
                "equals": {"type": ["string", "boolean", "integer"]},
                "in": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": ["string", "boolean", "integer"]},
                },
                "at_least": {"type": "number"},
            },
            "additionalProperties": False,
        },
        "evidence_field": {
            "type": "object",
            "required": ["key", "label"],
            "properties": {"key": _KEY, "label": _TEXT, "unit": _TEXT},
            "additionalProperties": False,
        },
        "gate": _gate_schema(),
    },
}
