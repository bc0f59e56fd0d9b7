"""Turn framework documents and engine results into API/template data in one language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from .models import FrameworkVersion


def lang() -> str:
    return "en" if (get_language() or "zh-hans").startswith("en") else "zh-hans"


def tr(value: Any) -> str:
    """Pick the active language from a bilingual mapping, falling back to Chinese."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value.get(lang()) or value.get("zh-hans") or "")


def number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(round(value, 3))
    return value


def question_public(q: dict[str, Any]) -> dict[str, Any]:
    """A question as an enterprise sees it: no option scores."""
    out: dict[str, Any] = {
        "key": q["key"],
        "type": q["type"],
        "text": tr(q.get("text")),
        "help": tr(q.get("help")),
        "evidence_hint": tr(q.get("evidence_hint")),
        "required": q.get("required", True),
        "tags": list(q.get("tags", [])),
        "options": [
            {
                "value": o["value"],
                "label": tr(o.get("label")),
                "exclusive": o.get("exclusive", False),
            }
            for o in q.get("options", [])
        ],
    }
    if "show_if" in q:
        out["show_if"] = q["show_if"]
    if q["type"] == "number":
        out.update({"min": q.get("min"), "max": q.get("max"), "unit": tr(q.get("unit"))})
    if q["type"] == "scene_level":
        out["descriptors"] = {
            str(level): tr(text) for level, text in (q.get("descriptors") or {}).items()
        }
    if q.get("evidence_fields"):
        out["evidence_fields"] = [
            {"key": f["key"], "label": tr(f.get("label")), "unit": tr(f.get("unit"))}
            for f in q["evidence_fields"]
        ]
    return out


def framework_summary(version: FrameworkVersion) -> dict[str, Any]:
    """Code, version, title, status and levels, from the compiled form (cached per
    process), so that `version` may defer its document."""
    from .selectors import compiled_framework

    compiled = compiled_framework(version)
    return {
        "code": version.framework.code,
        "version": version.version,
        "title": tr(compiled.title),
        "status": version.status,
        "levels": [{"code": level.code, "name": tr(level.name)} for level in compiled.levels],
    }


# Presented published and retired versions, per process: (pk, version, publication,
# status, language) -> framework_full's document. They never change once published.
_presented: dict[tuple[int, str, Any, str, str], dict[str, Any]] = {}


def framework_full(version: FrameworkVersion) -> dict[str, Any]:
    """The whole version as an enterprise sees it (no scores), in the active language.

    Kept per process and language for published and retired versions, so that pages
    (the questionnaire first) neither read the document again nor present its hundred
    questions anew: callers must not change what this returns.
    """
    if version.status == FrameworkVersion.Status.DRAFT:
        return _framework_full(version)
    key = (version.pk, version.version, version.published_at, version.status, lang())
    found = _presented.get(key)
    if found is None:
        found = _presented[key] = _framework_full(version)
    return found


def _framework_full(version: FrameworkVersion) -> dict[str, Any]:
    doc = version.definition
    dimensions = []
    for dim in doc["dimensions"]:
        entry: dict[str, Any] = {
            "key": dim["key"],
            "name": tr(dim.get("name")),
            "description": tr(dim.get("description")),
        }
        if "areas" in dim:
            entry["areas"] = [
                {
                    "key": area["key"],
                    "name": tr(area.get("name")),
                    "questions": [question_public(q) for q in area.get("questions", [])],
                }
                for area in dim["areas"]
            ]
        else:
            entry["questions"] = [question_public(q) for q in dim.get("questions", [])]
        dimensions.append(entry)
    summary = framework_summary(version)
    summary["levels"] = [
        {
            "code": lv["code"],
            "name": tr(lv.get("name")),
            "confirmation": lv.get("confirmation", "self"),
        }
        for lv in doc["levels"]
    ]
    summary.update(
        {
            "description": tr(doc.get("description")),
            "no_level_name": tr(doc.get("no_level_name")),
            "dimensions": dimensions,
        }
    )
    return summary


def gate_public(gate: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": gate["type"],
        "met": gate["met"],
        "description": tr(gate["description"]),
        "actual": gate["actual"],
        "required": gate["required"],
    }
    if gate.get("children"):
        out["children"] = [gate_public(child) for child in gate["children"]]
    return out


def result_public(result: dict[str, Any]) -> dict[str, Any]:
    """A stored result (the engine's to_dict form) in API.md's score shape, localised."""
    next_level = result.get("next_level")
    level = result.get("level")
    return {
        "framework": result["framework_code"],
        "framework_version": result["framework_version"],
        "engine_version": result["engine_version"],
        "total": result["total"],
        "max_total": result["max_total"],
        "level": {"code": level["code"], "name": tr(level["name"])} if level else None,
        "dimensions": [
            {
                "key": d["key"],
                "name": tr(d["name"]),
                "score": d["score"],
                "max": d["max"],
                "areas": [
                    {"key": a["key"], "name": tr(a["name"]), "score": a["score"], "max": a["max"]}
                    for a in d.get("areas", [])
                ],
            }
            for d in result["dimensions"]
        ],
        "next_level": (
            {
                "code": next_level["code"],
                "name": tr(next_level["name"]),
                "gates": [gate_public(g) for g in next_level["gates"]],
            }
            if next_level
            else None
        ),
    }


def framework_full_questions(version: FrameworkVersion) -> list[dict[str, Any]]:
    """Every question of a version, localised, in document order."""
    out = []
    for dim in framework_full(version)["dimensions"]:
        for area in dim.get("areas", []):
            out.extend(area["questions"])
        out.extend(dim.get("questions", []))
    return out
