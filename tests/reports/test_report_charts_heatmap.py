"""The heatmap chart: one coloured cell per value, weak warm and strong green, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reports.charts import heatmap_svg

SVG = "{http://www.w3.org/2000/svg}"


def cells(markup: str) -> list[tuple[str, str]]:
    root = ET.fromstring(markup)  # noqa: S314 (our own output, under test)
    assert root.tag == f"{SVG}svg"
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "cell":
            rect = group.find(f"{SVG}rect")
            text = group.find(f"{SVG}text")
            assert rect is not None and text is not None
            found.append((rect.get("fill", ""), text.text or ""))
    return found


def test_each_value_gets_a_cell_and_a_missing_one_a_dash() -> None:
    markup = heatmap_svg(
        ["第 1 级", "第 2 级"], ["数字化基础", "网络化"], [[10, None], [55.5, 100]]
    )
    found = cells(markup)
    assert [text for _fill, text in found] == ["10%", "—", "55.5%", "100%"]
    fills = [fill for fill, _text in found]
    assert len(set(fills)) == 4  # low, empty, middling and high differ
    assert fills[1] == "#eef2f6"


def test_values_are_clamped_and_labels_escaped() -> None:
    markup = heatmap_svg(["<b>&"], ['x"y'], [[150]], title="<script>")
    assert "<script>" not in markup and "&lt;b&gt;&amp;" in markup
    assert [text for _fill, text in cells(markup)] == ["100%"]
    assert cells(heatmap_svg(["a"], ["b"], [[-5]]))[0][1] == "0%"


def test_an_empty_grid_is_still_a_valid_svg() -> None:
    assert cells(heatmap_svg([], [], [])) == []
