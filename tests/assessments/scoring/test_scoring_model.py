"""The loaded Framework: what it exposes, immutability, and the text helper."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from assessments.scoring import (
    Framework,
    format_number,
    load_definition,
    score,
    text,
)
from tests.assessments.scoring.samples import answers_full_marks, find_question, sample_doc


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_definition(sample_doc())


def test_framework_exposes_identity_levels_and_structure(fw: Framework) -> None:
    assert fw.code == "sample-framework"
    assert fw.version == "2024.1"
    assert fw.title == {"zh-hans": "样例框架", "en": "Sample framework"}
    assert [level.code for level in fw.levels] == ["L1", "L2", "L3"]
    assert [level.confirmation for level in fw.levels] == ["self", "self", "review"]
    assert [dimension.key for dimension in fw.dimensions] == ["foundation", "management", "scenes"]
    foundation = fw.dimensions[0]
    assert [area.key for area in foundation.areas] == ["equipment", "systems"]
    assert [question.key for question in foundation.questions] == [
        "q_network",
        "q_digital_rate",
        "q_has_5g",
        "q_it_coverage",
        "q_5g_uses",
    ]
    assert fw.dimensions[1].areas == ()


def test_questions_are_in_document_order_with_their_groups(fw: Framework) -> None:
    keys = list(fw.questions)
    assert keys[:3] == ["q_network", "q_digital_rate", "q_has_5g"]
    assert keys[-1] == "s_energy"
    assert [question.key for question in fw.iter_questions()] == keys
    assert [question.index for question in fw.iter_questions()] == list(range(len(keys)))
    network = fw.questions["q_network"]
    assert (network.dimension, network.area) == ("foundation", "equipment")
    assert fw.questions["q_plan"].area is None


def test_maxima_follow_format_rules(fw: Framework) -> None:
    assert fw.question_max("q_network") == Decimal(6)  # 4 x 2 capped by max_score 6
    assert fw.question_max("q_digital_rate") == Decimal(6)  # the last band
    assert fw.question_max("q_has_5g") == Decimal(2)
    assert fw.question_max("q_plan") == Decimal("7.5")
    assert fw.question_max("q_budget") == Decimal(0)  # a number without bands
    assert fw.question_max("s_quality") == Decimal(4)
    assert fw.question_max("s_design") == Decimal(0)  # a scene without scores
    assert fw.question_max("q_notes") == Decimal(0)
    assert fw.area("equipment").maximum == Decimal(14)
    assert fw.area("systems").maximum == Decimal(12)
    assert fw.dimension("foundation").maximum == Decimal(26)
    assert fw.max_total == Decimal("37.5")
    with pytest.raises(KeyError):
        fw.question_max("nope")


def test_decimal_scores_carry_no_float_artefacts() -> None:
    doc = sample_doc()
    stages = [{"value": f"s{i}", "label": {"zh-hans": f"环节{i}"}, "score": 0.7} for i in range(13)]
    stages.append({"value": "hr", "label": {"zh-hans": "人力资源"}, "score": 0.9})
    for stage in stages:
        stage["recommendation"] = {"zh-hans": "采集数据"}
    find_question(doc, "q_network").update(options=stages, max_score=10)
    fw = load_definition(doc)
    assert fw.question_max("q_network") == Decimal(10)
    result = score(fw, {"q_network": [stage["value"] for stage in stages]})
    assert result.questions["q_network"].score == Decimal("10.0")


def test_question_details_are_available_for_templates_and_plans(fw: Framework) -> None:
    rate = fw.questions["q_digital_rate"]
    assert rate.unit == {"zh-hans": "%"}
    assert (rate.min_value, rate.max_value) == (Decimal(0), Decimal(100))
    assert [band.upto for band in rate.bands] == [10, 20, 40, 60, None]
    assert [field.key for field in rate.evidence_fields] == ["devices_total", "devices_digital"]
    plan = fw.questions["q_plan"]
    assert plan.weight == Decimal(2)
    chosen = plan.option("b")
    assert chosen is not None
    assert chosen.score == Decimal("1.5")
    assert plan.option("zz") is None
    quality = fw.questions["s_quality"]
    assert quality.descriptors[4] == {"zh-hans": "s_quality第4级", "en": "s_quality level 4"}
    assert quality.scene_recommendation(0) == {
        "zh-hans": "开始质量数字化",
        "en": "Start digital quality",
    }
    assert quality.scene_recommendation(1) == quality.descriptors[2]
    assert quality.scene_recommendation(4) is None
    assert fw.questions["q_industry"].is_classification
    assert fw.questions["q_above_size"].is_classification
    assert not fw.questions["q_has_5g"].is_classification
    assert fw.questions["q_5g_uses"].show_if is not None
    assert fw.questions["q_cmmm"].required is False
    assert fw.questions["q_plan"].required is True


def test_framework_is_immutable(fw: Framework) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.code = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        fw.questions["q_new"] = fw.questions["q_plan"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fw.questions["q_plan"].required = False  # type: ignore[misc]


def test_doc_is_an_independent_copy_for_export() -> None:
    doc = sample_doc()
    fw = load_definition(doc)
    assert fw.doc == doc
    doc["code"] = "changed"
    assert fw.doc["code"] == "sample-framework"
    assert load_definition(fw.doc).max_total == fw.max_total


def test_a_pickled_framework_scores_the_same(fw: Framework) -> None:
    restored = pickle.loads(pickle.dumps(fw))  # noqa: S301 (our own bytes)
    assert restored == fw
    assert score(restored, answers_full_marks()) == score(fw, answers_full_marks())


def test_no_level_name_defaults_when_absent() -> None:
    doc = sample_doc()
    del doc["no_level_name"]
    assert load_definition(doc).no_level_name == {"zh-hans": "无等级", "en": "No level"}


def test_tag_label_falls_back_to_the_tag(fw: Framework) -> None:
    assert fw.tag_label("ai") == {"zh-hans": "人工智能场景", "en": "AI scenes"}
    assert fw.tag_label("other") == {"zh-hans": "other", "en": "other"}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hans", "设备"),
        ("zh-Hans", "设备"),
        ("zh_CN", "设备"),
        ("zh", "设备"),
        ("en", "Equipment"),
        ("en-us", "Equipment"),
        ("fr", "设备"),
        ("", "设备"),
    ],
)
def test_text_picks_the_language_with_fallback_to_chinese(lang: str, expected: str) -> None:
    assert text({"zh-hans": "设备", "en": "Equipment"}, lang) == expected


def test_text_falls_back_when_english_is_missing_or_empty() -> None:
    assert text({"zh-hans": "设备"}, "en") == "设备"
    assert text({"zh-hans": "设备", "en": ""}, "en") == "设备"
    assert text(None, "en") == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("60.000"), "60"),
        (Decimal("52.5"), "52.5"),
        (Decimal("1.875"), "1.875"),
        (Decimal("1.8755"), "1.876"),
        (Decimal(0), "0"),
        (Decimal("-0.0001"), "0"),
        (Decimal("1E+2"), "100"),
        (7, "7"),
        (0.7, "0.7"),
    ],
)
def test_format_number_drops_trailing_zeros(value: Decimal | float, expected: str) -> None:
    assert format_number(value) == expected
