"""Rendering of document paths in messages (``dimensions[2].questions[5].options``)."""

from __future__ import annotations

from collections.abc import Iterable


def format_path(parts: Iterable[str | int]) -> str:
    """Render ``["dimensions", 2, "questions", 5]`` as ``dimensions[2].questions[5]``.

    The empty path (the document itself) reads ``(document)``.
    """
    rendered = ""
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
        else:
            rendered += f".{part}" if rendered else str(part)
    return rendered or "(document)"
