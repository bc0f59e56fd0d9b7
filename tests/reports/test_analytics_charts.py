"""The analytics charts: stacked level bars (the heatmap is the supply dashboard's,
tested with it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports.charts import level_colours, stacked_bar_svg
from tests.reports.test_report_charts import SVG, all_text, assert_no_active_content, parse


def segments(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == "stack-segment"]


def test_each_row_fills_the_track_in_proportion_to_its_counts() -> None:
    root = parse(
        stacked_bar_svg(
            [("苏州市", [10, 0, 30, 60]), ("无锡市", [1, 1, 1, 1])],
            series=["未评估", "未达一级", "一级", "二级"],
            colours=level_colours(2),
        )
    )
    rects = segments(root)
    first = [float(r.get("width")) for r in rects[:3]]  # the zero segment is not drawn
    assert first[0] * 3 == pytest.approx(first[1], abs=0.02)
    assert first[0] * 6 == pytest.approx(first[2], abs=0.02)
    second = [float(r.get("width")) for r in rects[3:]]
    assert len(second) == 4 and max(second) - min(second) < 0.02
    assert sum(first) == pytest.approx(sum(second), abs=0.05)
    assert "60%" in all_text(root)


def test_a_suppressed_row_is_an_empty_track_with_its_note() -> None:
    root = parse(
        stacked_bar_svg([("小集群", None)], series=["一级"], hidden_label="少于5家：不显示")
    )
    assert segments(root) == []
    assert next(el.get("class") for el in root.iter(f"{SVG}rect")) == "stack-hidden"
    assert "少于5家：不显示" in all_text(root)


def test_stacked_bars_escape_text_and_carry_no_active_content() -> None:
    markup = stacked_bar_svg(
        [('<script>alert("x")</script>', [1, 2])],
        series=['"><a href="x">', "二级"],
        right_labels=["<b>3</b>"],
        title="<title>",
    )
    root = parse(markup)
    assert_no_active_content(root)
    assert "<script>" not in markup and "<b>" not in markup


def test_junk_counts_as_zero_in_a_stacked_bar() -> None:
    root = parse(stacked_bar_svg([("a", [-5, float("inf"), 2])], series=["x", "y", "z"]))
    assert len(segments(root)) == 1
