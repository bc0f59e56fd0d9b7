"""Server-side SVG charts: valid standalone XML, escaped text, clamped values."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from reports.charts import FONT_FAMILY, bar_svg, line_svg, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 (our own output, under test)
    assert root.tag == f"{SVG}svg"
    return root


def vertices(root: ET.Element, css_class: str) -> list[tuple[float, float]]:
    polygon = next(
        el for el in root.iter(f"{SVG}polygon") if css_class in el.get("class", "").split()
    )
    pairs = polygon.get("points", "").split()
    return [(float(x), float(y)) for x, y in (p.split(",") for p in pairs)]


def all_text(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root)


def assert_no_active_content(root: ET.Element) -> None:
    for el in root.iter():
        assert not el.tag.endswith("script")
        assert not el.tag.endswith("foreignObject")
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "href" not in name.lower(), name
            assert "url(" not in value, value


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
def test_radar_has_one_polygon_vertex_per_axis(count: int) -> None:
    axes = [(f"维度{i}", 10.0 * i) for i in range(count)]
    root = parse(radar_svg(axes))
    assert len(vertices(root, "radar-series-0")) == count


def test_radar_is_a_standalone_svg_without_scripts_links_or_external_fonts() -> None:
    markup = radar_svg([("数字化基础", 62.5), ("网络化", 40), ("智能化", 10)], title="维度得分")
    root = parse(markup)
    assert_no_active_content(root)
    assert root.get("viewBox")
    assert root.get("font-family") == FONT_FAMILY
    assert "Noto Sans CJK SC" in FONT_FAMILY
    assert "@font-face" not in markup and "<?xml" not in markup
    assert root.find(f"{SVG}title").text == "维度得分"


def test_radar_keeps_chinese_labels_as_text() -> None:
    root = parse(radar_svg([("数字化基础", 62.5), ("网络化", 40), ("智能化", 10)]))
    text = all_text(root)
    assert "数字化基础" in text and "网络化" in text and "62.5%" in text


def test_radar_labels_are_escaped_and_stay_text() -> None:
    evil = '<script>alert("x")</script> & more'
    markup = radar_svg([(evil, 50), ("b", 50), ("c", 50)], title=evil, name=evil)
    assert "<script>" not in markup
    root = parse(markup)
    assert_no_active_content(root)
    assert evil in all_text(root)  # the full label survives as text (in <title>)
    assert root.get("aria-label") == evil


def test_radar_drops_characters_xml_forbids() -> None:
    root = parse(radar_svg([("a\x00b\x1fc", 50), ("b", 50), ("c", 50)]))
    assert "abc" in all_text(root)


def test_radar_clamps_values_to_0_100() -> None:
    wild = parse(radar_svg([("a", 150), ("b", 50), ("c", -10), ("d", math.nan)]))
    tame = parse(radar_svg([("a", 100), ("b", 50), ("c", 0), ("d", 0)]))
    assert vertices(wild, "radar-series-0") == vertices(tame, "radar-series-0")
    # A value of 0 sits at the centre, 100 on the outer ring (the first spoke points up).
    size = 360
    a, _b, c, _d = vertices(tame, "radar-series-0")
    assert c == pytest.approx((size / 2, size / 2), abs=0.01)
    assert a[0] == pytest.approx(size / 2, abs=0.01) and a[1] < size / 2
    assert "150" not in all_text(wild)


def test_radar_draws_comparison_series_under_the_main_one() -> None:
    axes = [("a", 80), ("b", 60), ("c", 40)]
    root = parse(radar_svg(axes, name="本企业", series=[("行业中位数", [50, None, 200])]))
    median = vertices(root, "radar-series-1")
    assert len(median) == 3
    size = 360
    assert median[1] == pytest.approx((size / 2, size / 2), abs=0.01)  # None draws at 0
    polygons = [el.get("class", "") for el in root.iter(f"{SVG}polygon")]
    assert polygons.index("radar-series radar-series-1") < polygons.index(
        "radar-series radar-series-0"
    )
    assert "行业中位数" in all_text(root) and "本企业" in all_text(root)


def test_radar_with_no_axes_is_still_valid() -> None:
    root = parse(radar_svg([]))
    assert list(root.iter(f"{SVG}polygon")) == []


def test_bar_chart_is_valid_escaped_and_clamped() -> None:
    markup = bar_svg([("<b>粗</b>", 150), ("网络化", 40), ("x" * 80, -3)], title="t")
    root = parse(markup)
    assert_no_active_content(root)
    bars = [r for r in root.iter(f"{SVG}rect") if "bar-value" in r.get("class", "")]
    widths = [float(r.get("width", "")) for r in bars]
    assert len(widths) == 3
    assert widths[2] == 0 and widths[0] > widths[1] > 0
    assert "<b>粗</b>" in all_text(root)


def test_line_chart_has_one_point_per_value_and_clamps() -> None:
    points = [("2024-01-05", 30.0), ("2024-06-30", 55.5), ("2025-01-02", 120.0)]
    root = parse(line_svg(points, max_value=100, title="趋势"))
    assert_no_active_content(root)
    polyline = next(root.iter(f"{SVG}polyline"))
    coords = [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]
    assert len(coords) == 3
    ys = [y for _x, y in coords]
    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher
    assert "2024-06-30" in all_text(root) and "55.5" in all_text(root)
    assert "120" not in all_text(root)


@pytest.mark.parametrize("count", [0, 1, 40])
def test_line_chart_handles_empty_single_and_long_series(count: int) -> None:
    points = [(f"2024-{i % 12 + 1:02d}-01", float(i)) for i in range(count)]
    root = parse(line_svg(points))
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == count
