"""The rules of a framework document that JSON Schema cannot express.

Run after the structural check, on the normalised document (string keys). Every
rule is written defensively: a part that is structurally broken (already reported
by the schema) is skipped, so that one run reports every problem at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .bilingual import format_number
from .definition_schema import QUESTION_TYPES
from .paths import format_path

Path = list[str | int]

SHOW_IF_SOURCE_TYPES = ("single", "number", "scene_level", "boolean")


def number_or_none(value: Any) -> Decimal | None:
    """Return ``value`` as a Decimal when it is a finite int or float (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(value) if isinstance(value, int) else Decimal(str(value))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _quote(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


@dataclass
class _Question:
    key: str
    path: Path
    node: dict[str, Any]
    order: int
    type: str | None
    maximum: Decimal | None = None
    option_scores: dict[str, Decimal] | None = None  # single/multi, when well-formed
    tags: list[str] = field(default_factory=list)

    def is_classification(self) -> bool:
        """True for a single or boolean question whose answers all score the same."""
        if self.type == "single" and self.option_scores:
            return len(set(self.option_scores.values())) == 1
        if self.type == "boolean":
            true_score, false_score = _boolean_scores(self.node)
            return true_score == false_score
        return False


def _boolean_scores(node: dict[str, Any]) -> tuple[Decimal, Decimal]:
    true_score = number_or_none(node.get("score_true", 0)) or Decimal(0)
    false_score = number_or_none(node.get("score_false", 0)) or Decimal(0)
    return true_score, false_score


@dataclass
class _Group:
    path: Path
    maximum: Decimal | None


class _Checker:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.errors: list[str] = []
        self.key_paths: dict[str, Path] = {}
        self.questions: dict[str, _Question] = {}
        self.dimensions: dict[str, _Group] = {}
        self.areas: dict[str, _Group] = {}
        self.tags: dict[str, list[_Question]] = {}
        self.max_total: Decimal | None = Decimal(0)

    def error(self, path: Path, problem: str) -> None:
        self.errors.append(f"{format_path(path)}: {problem}")

    # ---- walking the tree -------------------------------------------------------

    def run(self) -> list[str]:
        for index, dimension in enumerate(_list(self.doc.get("dimensions"))):
            if isinstance(dimension, dict):
                self.check_dimension(dimension, ["dimensions", index])
        for question in self.questions.values():
            self.check_show_if(question)
        self.check_levels()
        self.check_tag_labels()
        return self.errors

    def register_key(self, node: dict[str, Any], path: Path) -> str | None:
        key = node.get("key")
        if not isinstance(key, str):
            return None
        first = self.key_paths.get(key)
        if first is not None:
            self.error(
                [*path, "key"], f'duplicate key "{key}" (already used at {format_path(first)})'
            )
            return None
        self.key_paths[key] = path
        return key

    def check_dimension(self, dimension: dict[str, Any], path: Path) -> None:
        key = self.register_key(dimension, path)
        has_areas, has_questions = "areas" in dimension, "questions" in dimension
        if has_areas and has_questions:
            self.error(path, "has both areas and questions; use one of them")
        elif not has_areas and not has_questions:
            self.error(path, "needs areas or questions")
        maxima: list[Decimal | None] = []
        for index, area in enumerate(_list(dimension.get("areas"))):
            if not isinstance(area, dict):
                maxima.append(None)
                continue
            area_path: Path = [*path, "areas", index]
            area_key = self.register_key(area, area_path)
            area_maxima = [
                self.check_question(question, [*area_path, "questions", number])
                for number, question in enumerate(_list(area.get("questions")))
            ]
            area_max = _sum_or_none(area_maxima)
            if area_key is not None:
                self.areas[area_key] = _Group(area_path, area_max)
            maxima.append(area_max)
        for index, question in enumerate(_list(dimension.get("questions"))):
            maxima.append(self.check_question(question, [*path, "questions", index]))
        dimension_max = _sum_or_none(maxima)
        if key is not None:
            self.dimensions[key] = _Group(path, dimension_max)
        if dimension_max is None or self.max_total is None:
            self.max_total = None
        else:
            self.max_total += dimension_max

    # ---- questions ----------------------------------------------------------------

    def check_question(self, node: Any, path: Path) -> Decimal | None:
        """Check one question; return its maximum score, or None when unknown."""
        if not isinstance(node, dict):
            return None
        key = self.register_key(node, path)
        question_type = node.get("type") if node.get("type") in QUESTION_TYPES else None
        info = _Question(
            key=key or "", path=path, node=node, order=len(self.questions), type=question_type
        )
        if key is not None:
            self.questions[key] = info
            for tag in _list(node.get("tags")):
                if isinstance(tag, str) and tag not in info.tags:
                    info.tags.append(tag)
                    self.tags.setdefault(tag, []).append(info)
        self.check_evidence_fields(node, path)
        if question_type in ("single", "multi"):
            info.maximum = self.check_options(info)
        elif question_type == "number":
            info.maximum = self.check_number(node, path)
        elif question_type == "scene_level":
            info.maximum = self.check_scene(node, path)
        elif question_type == "boolean":
            info.maximum = self.check_boolean(node, path)
        elif question_type == "text":
            info.maximum = Decimal(0)
        return info.maximum

    def check_evidence_fields(self, node: dict[str, Any], path: Path) -> None:
        seen: set[str] = set()
        for index, evidence in enumerate(_list(node.get("evidence_fields"))):
            key = evidence.get("key") if isinstance(evidence, dict) else None
            if isinstance(key, str):
                if key in seen:
                    self.error([*path, "evidence_fields", index, "key"], f'duplicate key "{key}"')
                seen.add(key)

    def check_options(self, info: _Question) -> Decimal | None:
        node, path = info.node, info.path
        options = _list(node.get("options"))
        scored: list[tuple[int, dict[str, Any], Decimal]] = []  # (index, option, score)
        well_formed, unique = bool(options), True
        seen: set[str] = set()
        for index, option in enumerate(options):
            value = option.get("value") if isinstance(option, dict) else None
            score = number_or_none(option.get("score")) if isinstance(option, dict) else None
            if not isinstance(value, str) or score is None or score < 0:
                well_formed = False
                continue
            if value in seen:
                self.error([*path, "options"], f'duplicate value "{value}"')
                unique = False
            seen.add(value)
            scored.append((index, option, score))
            option_path: Path = [*path, "options", index]
            if info.type == "single" and "exclusive" in option:
                self.error([*option_path, "exclusive"], "applies only to multi questions")
            if info.type == "multi" and option.get("exclusive") is True and score > 0:
                self.error(
                    [*option_path, "score"],
                    "an exclusive option (such as 无 none) must score 0",
                )
        if not scored:
            return None
        best = max(score for _, _, score in scored)
        for index, option, score in scored:
            if "recommendation" in option:
                continue
            if info.type == "single" and score < best:
                self.error(
                    [*path, "options", index, "recommendation"],
                    "required: this option scores below the best option",
                )
            if info.type == "multi" and score > 0:
                self.error(
                    [*path, "options", index, "recommendation"],
                    "required: this option scores (it is recommended when not chosen)",
                )
        if not well_formed:
            return None
        if unique:
            info.option_scores = {option["value"]: score for _, option, score in scored}
        if info.type == "single":
            return best
        total = sum(
            (score for _, option, score in scored if option.get("exclusive") is not True),
            Decimal(0),
        )
        cap = number_or_none(node.get("max_score"))
        return min(total, cap) if cap is not None else total

    def check_number(self, node: dict[str, Any], path: Path) -> Decimal | None:
        low, high = number_or_none(node.get("min")), number_or_none(node.get("max"))
        if low is not None and high is not None and high < low:
            self.error([*path, "max"], f"must not be below min ({format_number(low)})")
        bands = _list(node.get("bands"))
        if not bands:
            return Decimal(0) if "bands" not in node else None
        previous_upto: Decimal | None = None
        previous_score: Decimal | None = None
        well_formed = True
        for index, band in enumerate(bands):
            if not isinstance(band, dict):
                well_formed = False
                continue
            band_path: Path = [*path, "bands", index]
            last = index == len(bands) - 1
            upto_raw = band.get("upto", "missing")
            upto = number_or_none(upto_raw)
            if upto_raw is None and not last:
                self.error([*band_path, "upto"], "only the last band may have upto: null")
            elif last and upto_raw is not None and "upto" in band:
                self.error([*band_path, "upto"], "the last band must have upto: null")
            if upto is not None:
                if previous_upto is not None and upto <= previous_upto:
                    self.error(
                        [*band_path, "upto"],
                        f"must be greater than the previous band's upto "
                        f"({format_number(previous_upto)})",
                    )
                previous_upto = upto
            score = number_or_none(band.get("score"))
            if score is None:
                well_formed = False
                continue
            if previous_score is not None and score < previous_score:
                self.error(
                    [*band_path, "score"],
                    f"must not be lower than the previous band's score "
                    f"({format_number(previous_score)})",
                )
            previous_score = score
        if not well_formed or previous_score is None:
            return None
        best = previous_score
        for index, band in enumerate(bands):
            score = number_or_none(band.get("score"))
            if score is not None and score < best and "recommendation" not in band:
                self.error(
                    [*path, "bands", index, "recommendation"],
                    "required: this band scores below the last band",
                )
        return best

    def check_scene(self, node: dict[str, Any], path: Path) -> Decimal | None:
        if "scores" not in node:
            return Decimal(0)
        scores = [number_or_none(score) for score in _list(node.get("scores"))]
        if len(scores) != 5 or any(score is None for score in scores):
            return None
        for level in range(1, 5):
            previous, current = scores[level - 1], scores[level]
            if previous is not None and current is not None and current < previous:
                self.error(
                    [*path, "scores", level],
                    f"must not be lower than the score of level {level - 1} "
                    f"({format_number(previous)})",
                )
        return scores[4]

    def check_boolean(self, node: dict[str, Any], path: Path) -> Decimal | None:
        true_score, false_score = _boolean_scores(node)
        if true_score != false_score and "recommendation" not in node:
            self.error(
                [*path, "recommendation"],
                "required: score_true and score_false differ",
            )
        return max(true_score, false_score)

    # ---- show_if ------------------------------------------------------------------

    def check_show_if(self, info: _Question) -> None:
        condition = info.node.get("show_if")
        if not isinstance(condition, dict):
            return
        path: Path = [*info.path, "show_if"]
        source_key = condition.get("question")
        if not isinstance(source_key, str):
            return
        source = self.questions.get(source_key)
        if source is None:
            self.error([*path, "question"], f'unknown question "{source_key}"')
            return
        if source.order >= info.order:
            where = "is this question itself" if source is info else "comes later"
            self.error(
                [*path, "question"], f'must refer to an earlier question; "{source_key}" {where}'
            )
            return
        tests = [name for name in ("equals", "in", "at_least") if name in condition]
        if len(tests) != 1:
            self.error(path, "give exactly one of equals, in or at_least")
            return
        test = tests[0]
        if source.type is None:
            return
        if source.type not in SHOW_IF_SOURCE_TYPES:
            self.error(
                [*path, "question"],
                f'"{source_key}" is a {source.type} question; show_if may refer only to '
                f"single, number, scene_level or boolean questions",
            )
            return
        if test == "at_least":
            self.check_show_if_at_least(source, condition["at_least"], path)
            return
        values: list[tuple[Path, Any]] = (
            [([*path, "equals"], condition["equals"])]
            if test == "equals"
            else [([*path, "in", index], item) for index, item in enumerate(_list(condition["in"]))]
        )
        if source.type == "number":
            self.error([*path, test], "a number question can be tested only with at_least")
        elif source.type == "single":
            self.check_show_if_single(source, values, path)
        elif source.type == "boolean":
            self.check_show_if_boolean(source, values, path)
        else:
            self.check_show_if_scene(source, values, path)

    def check_show_if_at_least(self, source: _Question, threshold: Any, path: Path) -> None:
        if source.type not in ("number", "scene_level"):
            self.error([*path, "at_least"], "applies only to number and scene_level questions")
            return
        value = number_or_none(threshold)
        if source.type == "scene_level" and value is not None and value > 4:
            self.error([*path, "at_least"], "can never be met: scene levels go up to 4")

    def check_show_if_single(
        self, source: _Question, values: list[tuple[Path, Any]], path: Path
    ) -> None:
        scores = source.option_scores
        if scores is None:
            return
        shown: set[str] = set()
        for value_path, value in values:
            if not isinstance(value, str) or value not in scores:
                self.error(value_path, f'{_quote(value)} is not an option of "{source.key}"')
            else:
                shown.add(value)
        if not shown or source.is_classification():
            return
        threshold = min(scores[value] for value in shown)
        lowest = next(value for value in shown if scores[value] == threshold)
        for value, score in scores.items():
            if score >= threshold and value not in shown:
                self.error(
                    path,
                    f'not upward-closed: option "{value}" of "{source.key}" scores at least '
                    f'as much as "{lowest}" but does not show this question',
                )

    def check_show_if_boolean(
        self, source: _Question, values: list[tuple[Path, Any]], path: Path
    ) -> None:
        shown: set[bool] = set()
        for value_path, value in values:
            if not isinstance(value, bool):
                self.error(value_path, f"must be true or false, not {_quote(value)}")
            else:
                shown.add(value)
        true_score, false_score = _boolean_scores(source.node)
        if true_score == false_score:
            return
        better = true_score > false_score
        if (not better) in shown and better not in shown:
            self.error(
                path,
                f'not upward-closed: "{source.key}" scores more when {_quote(better)}, '
                f"which does not show this question",
            )

    def check_show_if_scene(
        self, source: _Question, values: list[tuple[Path, Any]], path: Path
    ) -> None:
        shown: set[int] = set()
        for value_path, value in values:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
                self.error(value_path, f"must be a scene level from 0 to 4, not {_quote(value)}")
            else:
                shown.add(value)
        if not shown:
            return
        lowest = min(shown)
        for level in range(lowest + 1, 5):
            if level not in shown:
                self.error(
                    path,
                    f'not upward-closed: level {level} of "{source.key}" does not show this '
                    f"question although level {lowest} does",
                )

    # ---- levels and gates -------------------------------------------------------------

    def check_levels(self) -> None:
        seen: dict[str, int] = {}
        for index, level in enumerate(_list(self.doc.get("levels"))):
            if not isinstance(level, dict):
                continue
            code = level.get("code")
            if isinstance(code, str):
                if code in seen:
                    self.error(
                        ["levels", index, "code"],
                        f'duplicate code "{code}" (already used at levels[{seen[code]}])',
                    )
                else:
                    seen[code] = index
            for number, gate in enumerate(_list(level.get("gates"))):
                self.check_gate(gate, ["levels", index, "gates", number])

    def check_gate(self, gate: Any, path: Path) -> None:
        if not isinstance(gate, dict):
            return
        gate_type = gate.get("type")
        value = number_or_none(gate.get("value"))
        if gate_type in ("all_of", "any_of"):
            for index, child in enumerate(_list(gate.get("gates"))):
                self.check_gate(child, [*path, "gates", index])
        elif gate_type == "total_at_least":
            self.check_reachable(value, self.max_total, "the maximum total", path)
        elif gate_type in ("dimension_at_least", "dimension_percent_at_least"):
            group = self.group(gate.get("dimension"), "dimension", [*path, "dimension"])
            if group is None:
                return
            if gate_type == "dimension_at_least":
                self.check_reachable(value, group.maximum, "the dimension's maximum", path)
            elif group.maximum is not None and group.maximum == 0:
                self.error(
                    [*path, "dimension"],
                    f'"{gate["dimension"]}" has no points to take a percentage of',
                )
        elif gate_type == "area_at_least":
            group = self.group(gate.get("area"), "area", [*path, "area"])
            if group is not None:
                self.check_reachable(value, group.maximum, "the area's maximum", path)
        elif gate_type == "answer_at_least":
            self.check_answer_at_least(gate, value, path)
        elif gate_type == "answer_equals":
            self.check_answer_equals(gate, path)
        elif gate_type == "scenes_at_least":
            self.check_scenes_gate(gate, path)
        elif gate_type == "tagged_share_at_least":
            self.check_share_gate(gate, path)

    def check_reachable(
        self, value: Decimal | None, maximum: Decimal | None, what: str, path: Path
    ) -> None:
        if value is not None and maximum is not None and value > maximum:
            self.error(
                [*path, "value"],
                f"{format_number(value)} can never be reached: {what} is {format_number(maximum)}",
            )

    def group(self, key: Any, kind: str, path: Path) -> _Group | None:
        if not isinstance(key, str):
            return None
        groups = self.dimensions if kind == "dimension" else self.areas
        found = groups.get(key)
        if found is None:
            other_groups = self.areas if kind == "dimension" else self.dimensions
            if key in other_groups:
                described = (
                    "an area, not a dimension"
                    if kind == "dimension"
                    else ("a dimension, not an area")
                )
                self.error(path, f'"{key}" is {described}')
            else:
                self.error(path, f'unknown {kind} "{key}"')
        return found

    def gate_question(self, gate: dict[str, Any], path: Path) -> _Question | None:
        key = gate.get("question")
        if not isinstance(key, str):
            return None
        found = self.questions.get(key)
        if found is None:
            self.error([*path, "question"], f'unknown question "{key}"')
        return found

    def check_answer_at_least(
        self, gate: dict[str, Any], value: Decimal | None, path: Path
    ) -> None:
        question = self.gate_question(gate, path)
        if question is None or question.type is None:
            return
        if question.type not in ("number", "scene_level"):
            self.error(
                [*path, "question"],
                f'"{question.key}" is a {question.type} question; answer_at_least needs a '
                f"number or scene_level question",
            )
            return
        if value is None:
            return
        if question.type == "scene_level" and value > 4:
            self.error([*path, "value"], "can never be reached: scene levels go up to 4")
        high = number_or_none(question.node.get("max"))
        if question.type == "number" and high is not None and value > high:
            self.error(
                [*path, "value"],
                f'can never be reached: "{question.key}" allows at most {format_number(high)}',
            )

    def check_answer_equals(self, gate: dict[str, Any], path: Path) -> None:
        question = self.gate_question(gate, path)
        if question is None or question.type is None:
            return
        value = gate.get("value")
        if question.type == "single":
            scores = question.option_scores
            if scores is not None and (not isinstance(value, str) or value not in scores):
                self.error(
                    [*path, "value"], f'{_quote(value)} is not an option of "{question.key}"'
                )
        elif question.type == "boolean":
            if not isinstance(value, bool):
                self.error([*path, "value"], f"must be true or false, not {_quote(value)}")
                return
            true_score, false_score = _boolean_scores(question.node)
            if true_score != false_score and (true_score > false_score) != value:
                self.error(
                    [*path, "value"],
                    f"{_quote(value)} scores less than {_quote(not value)} on "
                    f'"{question.key}"; a gate must name the better answer',
                )
        else:
            self.error(
                [*path, "question"],
                f'"{question.key}" is a {question.type} question; answer_equals needs a '
                f"single or boolean question",
            )

    def scene_carriers(self, tag: Any, path: Path) -> list[_Question] | None:
        """The questions carrying ``tag``, which must all be scene_level questions."""
        if not isinstance(tag, str):
            return None
        carriers = self.tags.get(tag, [])
        if not carriers:
            self.error(path, f'no question carries the tag "{tag}"')
            return None
        for question in carriers:
            if question.type is not None and question.type != "scene_level":
                self.error(
                    path,
                    f'"{tag}" is carried by the {question.type} question "{question.key}"; '
                    f"only scene_level questions can be counted",
                )
        return carriers

    def check_scenes_gate(self, gate: dict[str, Any], path: Path) -> None:
        carriers = self.scene_carriers(gate.get("tag"), [*path, "tag"])
        count = gate.get("count")
        if carriers is not None and isinstance(count, int) and count > len(carriers):
            self.error(
                [*path, "count"],
                f"{count} can never be reached: only {len(carriers)} questions carry "
                f'the tag "{gate["tag"]}"',
            )
        if ("mandatory_tag" in gate) != ("mandatory_count" in gate):
            self.error(path, "give mandatory_tag and mandatory_count together")
            return
        mandatory_tag, mandatory_count = gate.get("mandatory_tag"), gate.get("mandatory_count")
        if not isinstance(mandatory_tag, str) or not isinstance(mandatory_count, int):
            return
        if isinstance(count, int) and mandatory_count > count:
            self.error([*path, "mandatory_count"], f"must not exceed count ({count})")
        if carriers is None:
            return
        both = [question for question in carriers if mandatory_tag in question.tags]
        if not both:
            self.error(
                [*path, "mandatory_tag"],
                f'no question carries both "{gate["tag"]}" and "{mandatory_tag}"',
            )
        elif mandatory_count > len(both):
            self.error(
                [*path, "mandatory_count"],
                f"{mandatory_count} can never be reached: only {len(both)} questions carry "
                f'both "{gate["tag"]}" and "{mandatory_tag}"',
            )

    def check_share_gate(self, gate: dict[str, Any], path: Path) -> None:
        carriers = self.scene_carriers(gate.get("of_tag"), [*path, "of_tag"])
        tag = gate.get("tag")
        if carriers is None or not isinstance(tag, str):
            return
        if not any(tag in question.tags for question in carriers):
            self.error([*path, "tag"], f'no question carries both "{gate["of_tag"]}" and "{tag}"')

    def check_tag_labels(self) -> None:
        labels = self.doc.get("tag_labels")
        if not isinstance(labels, dict):
            return
        for tag in labels:
            if tag not in self.tags:
                self.error(["tag_labels", tag], "no question carries this tag")


def _sum_or_none(values: list[Decimal | None]) -> Decimal | None:
    total = Decimal(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total


def check_semantics(doc: dict[str, Any]) -> list[str]:
    """Return the problems of a (normalised) document that span several places.

    Unique keys across dimensions, areas and questions; unique option values and
    level codes; recommendations where FORMAT.md asks for them; ascending bands and
    non-decreasing scores; exclusive options; ``show_if`` pointing to an earlier
    question with a compatible, upward-closed test; gates referring to existing
    dimensions, areas, questions and tags, and reachable at all.
    """
    return _Checker(doc).run()
