"""Answers: validation of values, visibility (``show_if``) and completeness.

Answer values by question type (API.md): ``single`` an option value (str);
``multi`` a list of distinct option values; ``number`` an int or float (not a bool);
``scene_level`` an int 0-4 (not a bool); ``boolean`` true/false; ``text`` a str of
at most 5000 characters. ``None`` means "no answer" for every type, and so do
``""`` for single and text and ``[]`` for multi.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .bilingual import Message, format_number, message, text
from .model import Framework, Question

MAX_TEXT_LENGTH = 5000


def visibility(fw: Framework, answers: Mapping[str, Any]) -> list[bool]:
    """Per question, in document order: is it visible under ``answers``?

    A question is visible when it has no ``show_if``, or when the question it refers
    to is visible and that question's answer shows it.
    """
    entries = fw._plan.entries
    visible = [True] * len(entries)
    get = answers.get
    for entry in entries:
        if entry.source >= 0:
            visible[entry.index] = visible[entry.source] and entry.shows(get(entry.source_key))
    return visible


def visible_questions(fw: Framework, answers: Mapping[str, Any]) -> set[str]:
    """The keys of the questions visible under ``answers`` (see :func:`visibility`)."""
    flags = visibility(fw, answers)
    return {entry.key for entry in fw._plan.entries if flags[entry.index]}


def missing_required(fw: Framework, answers: Mapping[str, Any]) -> list[str]:
    """Keys of the visible required questions without an answer (absent, None, ``""``,
    blank text, ``[]``), in document order."""
    flags = visibility(fw, answers)
    missing = []
    for entry in fw._plan.entries:
        if entry.question.required and flags[entry.index]:
            value = answers.get(entry.key)
            if value is None or not entry.answered(value):
                missing.append(entry.key)
    return missing


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _quoted(value: Any) -> str:
    return str(value) if isinstance(value, str) else repr(value)


def _check_single(question: Question, value: Any) -> list[Message]:
    if not isinstance(value, str):
        return [message("请选择一个选项。", "Choose one option.")]
    if value != "" and question.option(value) is None:
        return [
            message(f"「{value}」不是本题的选项。", f"“{value}” is not an option of this question.")
        ]
    return []


def _check_multi(question: Question, value: Any) -> list[Message]:
    if not isinstance(value, list | tuple):
        return [message("请以列表形式给出所选选项。", "Give the chosen options as a list.")]
    problems: list[Message] = []
    seen: set[str] = set()
    exclusive = []
    for item in value:
        option = question.option(item) if isinstance(item, str) else None
        if option is None:
            problems.append(
                message(
                    f"「{_quoted(item)}」不是本题的选项。",
                    f"“{_quoted(item)}” is not an option of this question.",
                )
            )
            continue
        if item in seen:
            problems.append(
                message(f"选项「{item}」重复选择。", f"Option “{item}” is chosen twice.")
            )
        seen.add(item)
        if option.exclusive:
            exclusive.append(option)
    if exclusive and len(seen) > 1:
        for option in exclusive:
            problems.append(
                message(
                    f"「{text(option.label, 'zh-hans')}」不能与其他选项同时选择。",
                    f"“{text(option.label, 'en')}” cannot be combined with other options.",
                )
            )
    return problems


def _check_number(question: Question, value: Any) -> list[Message]:
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return [message("请输入数字。", "Enter a number.")]
    problems = []
    if question.min_value is not None and value < question.min_value:
        low = format_number(question.min_value)
        problems.append(message(f"不能小于 {low}。", f"Must be at least {low}."))
    if question.max_value is not None and value > question.max_value:
        high = format_number(question.max_value)
        problems.append(message(f"不能大于 {high}。", f"Must be at most {high}."))
    return problems


def _check_scene(question: Question, value: Any) -> list[Message]:
    if type(value) is not int or not 0 <= value <= 4:
        return [message("请选择 0 到 4 之间的整数等级。", "Choose a whole level from 0 to 4.")]
    return []


def _check_boolean(question: Question, value: Any) -> list[Message]:
    if not isinstance(value, bool):
        return [message("请选择“是”或“否”。", "Answer yes or no.")]
    return []


def _check_text(question: Question, value: Any) -> list[Message]:
    if not isinstance(value, str):
        return [message("请输入文字。", "Enter text.")]
    if len(value) > MAX_TEXT_LENGTH:
        return [
            message(
                f"不能超过 {MAX_TEXT_LENGTH} 个字符（当前 {len(value)} 个）。",
                f"At most {MAX_TEXT_LENGTH} characters (now {len(value)}).",
            )
        ]
    return []


_CHECKS = {
    "single": _check_single,
    "multi": _check_multi,
    "number": _check_number,
    "scene_level": _check_scene,
    "boolean": _check_boolean,
    "text": _check_text,
}


def validate_answer(question: Question, value: Any) -> list[Message]:
    """Every problem with one answer value (empty when valid; None is always valid)."""
    if value is None:
        return []
    return _CHECKS[question.type](question, value)


def validate_answers(fw: Framework, answers: Mapping[str, Any]) -> dict[str, list[Message]]:
    """Every invalid answer at once: question key -> bilingual messages.

    Reports unknown keys, values of the wrong type, options not offered, repeated
    options, an exclusive option combined with another, numbers outside min/max,
    scene levels outside 0-4 and texts over 5000 characters. Missing answers are not
    errors (drafts); neither are answers to currently hidden questions.
    """
    problems: dict[str, list[Message]] = {}
    questions = fw.questions
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            problems[key] = [message("没有这道题目。", "There is no such question.")]
            continue
        found = validate_answer(question, value)
        if found:
            problems[key] = found
    return problems
