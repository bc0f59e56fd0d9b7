"""Golden tests for ``assessments/frameworks/sme-digital-level-2024.yaml``.

Hand-worked answer sets for the SME digital-level evaluation (2024 edition): each
case states its arithmetic in a comment and pins the exact Decimal total, the
dimension scores and the level. Pure: no database, only the YAML file and the
scoring engine.

Points (fact sheet §3): Q1 4 x 2; Q2/Q3 bands 0/1.5/3/4.5/6; Q4 13 stages x 0.7 and
人力资源 0.9; Q5 0/2.5/5/7.5/10; Q6/Q7 4 x 1.25; Q8 0/1.5/3/4.5/6/7.5; Q9 4 x 1.875;
Q10 5 x 1.5; Q11 0/1.875/3.75/5.625/7.5; Q12/Q13 0/3.5/7; Q14/Q15 0/1.5/3.

Gates (sheet §5): 一级 total >= 20 and 6 scenes >= 1 (3 mandatory); 二级 40 and 6 >= 2
(3); 三级 60 and 8 >= 3 (5); 四级 80 and 10 at 4 (6). Every level also needs the
levels below it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.scoring import (
    load_definition,
    missing_required,
    score,
    validate_answers,
    validate_definition,
)

ROOT = Path(__file__).resolve().parents[3]
FRAMEWORK_FILE = ROOT / "assessments" / "frameworks" / "sme-digital-level-2024.yaml"

MANDATORY_SCENES = (
    "scene_product_design",
    "scene_marketing",
    "scene_production_control",
    "scene_quality",
    "scene_equipment",
    "scene_safety",
    "scene_energy",
    "scene_procurement",
    "scene_warehousing",
    "scene_finance",
)
OTHER_SCENES = (
    "scene_process_design",
    "scene_after_sales",
    "scene_planning_scheduling",
    "scene_hr",
    "scene_collaboration",
    "scene_decision_support",
)
ALL_SCENES = MANDATORY_SCENES + OTHER_SCENES

Q4_STAGES = (
    "product_design",
    "process_design",
    "marketing",
    "after_sales",
    "planning_scheduling",
    "production_control",
    "quality",
    "equipment",
    "safety",
    "energy",
    "procurement",
    "warehousing",
    "finance",
    "hr",
)

# Every scored question at its zero-point option (option A), every scene at 0.
WORST: dict[str, Any] = {
    "q1_network": ["none"],
    "q2_equipment_digitisation": "pct_0_10",
    "q3_equipment_networking": "pct_0_10",
    "q4_data_collection": ["none"],
    "q5_information_systems": "none",
    "q6_network_security": ["none"],
    "q7_data_security": ["none"],
    "q8_planning": "none",
    "q9_mechanisms": ["none"],
    "q10_talent": ["none"],
    "q11_funding": "pct_0_10",
    "q12_energy_intensity": "increased",
    "q13_pass_rate": "decreased",
    "q14_revenue_per_employee": "decreased",
    "q15_cost_per_revenue": "increased",
    **dict.fromkeys(ALL_SCENES, 0),
}

# Every scored question at its best answer, every scene at level 4.
BEST: dict[str, Any] = {
    "q1_network": ["industrial_control", "application_network", "5g_network", "full_coverage"],
    "q2_equipment_digitisation": "pct_60_100",
    "q3_equipment_networking": "pct_60_100",
    "q4_data_collection": list(Q4_STAGES),
    "q5_information_systems": "all_stages",
    "q6_network_security": ["policy", "products", "risk_assessment", "boundary_detection"],
    "q7_data_security": ["policy", "products", "risk_assessment", "inventory_checks"],
    "q8_planning": "peer_visits",
    "q9_mechanisms": [
        "transformation_process",
        "it_operations_rules",
        "data_rules",
        "innovation_incentives",
    ],
    "q10_talent": ["staff", "dedicated_unit", "training", "appraisal_pay", "career_path"],
    "q11_funding": "pct_60_100",
    "q12_energy_intensity": "decreased",
    "q13_pass_rate": "increased",
    "q14_revenue_per_employee": "increased",
    "q15_cost_per_revenue": "decreased",
    **dict.fromkeys(ALL_SCENES, 4),
}

QUESTION_MAXIMA = {
    "q1_network": "8",
    "q2_equipment_digitisation": "6",
    "q3_equipment_networking": "6",
    "q4_data_collection": "10",
    "q5_information_systems": "10",
    "q6_network_security": "5",
    "q7_data_security": "5",
    "q8_planning": "7.5",
    "q9_mechanisms": "7.5",
    "q10_talent": "7.5",
    "q11_funding": "7.5",
    "q12_energy_intensity": "7",
    "q13_pass_rate": "7",
    "q14_revenue_per_employee": "3",
    "q15_cost_per_revenue": "3",
}


def answers(scenes: dict[str, int] | None = None, **scored: Any) -> dict[str, Any]:
    """A complete answer set: WORST overridden by ``scored`` and ``scenes``."""
    return {**WORST, **scored, **(scenes or {})}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    with FRAMEWORK_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def fw(doc):
    return load_definition(doc)


def dimension_scores(result) -> dict[str, Decimal]:
    return {dimension.key: dimension.score for dimension in result.dimensions}


def level_code(result) -> str | None:
    return result.level.code if result.level else None


def gate(evaluation, gate_type: str):
    (found,) = [g for g in evaluation.gates if g.type == gate_type]
    return found


# ---- the document itself ------------------------------------------------------------------


def test_definition_is_valid(doc):
    assert validate_definition(doc) == []


def test_maxima_add_up_to_100(fw):
    result = score(fw, {})
    assert result.max_total == Decimal("100")
    maxima = {d.key: d.max for d in result.dimensions}
    assert maxima == {
        "foundation": Decimal("50"),
        "management": Decimal("30"),
        "results": Decimal("20"),
        "operations": Decimal("0"),
    }
    areas = {a.key: a.max for d in result.dimensions for a in d.areas}
    assert areas == {
        "equipment_systems": Decimal("20"),
        "data_collection": Decimal("10"),
        "information_systems": Decimal("10"),
        "information_security": Decimal("10"),
        "planning_management": Decimal("15"),
        "resources": Decimal("15"),
        "green_low_carbon": Decimal("7"),
        "product_quality": Decimal("7"),
        "market_benefit": Decimal("6"),
        "product_lifecycle": Decimal("0"),
        "production_execution": Decimal("0"),
        "supply_chain": Decimal("0"),
        "management_decision": Decimal("0"),
    }
    for key, maximum in QUESTION_MAXIMA.items():
        assert result.questions[key].max == Decimal(maximum), key
    for key in ALL_SCENES:
        assert result.questions[key].max == Decimal("0"), key


def test_sixteen_scenes_ten_mandatory(doc):
    scenes = {
        question["key"]: question.get("tags", [])
        for dimension in doc["dimensions"]
        for area in dimension.get("areas", [])
        for question in area["questions"]
        if question["type"] == "scene_level"
    }
    assert set(scenes) == set(ALL_SCENES)
    assert {key for key, tags in scenes.items() if "sme_scene" in tags} == set(ALL_SCENES)
    assert {key for key, tags in scenes.items() if "mandatory_scene" in tags} == set(
        MANDATORY_SCENES
    )


def test_q4_stage_points_are_exact(fw):
    # 13 stages x 0.7 + 人力资源 0.9 = 9.1 + 0.9 = 10, with no float residue.
    all_stages = score(fw, answers(q4_data_collection=list(Q4_STAGES)))
    assert all_stages.questions["q4_data_collection"].score == Decimal("10")
    hr_only = score(fw, answers(q4_data_collection=["hr"]))
    assert hr_only.total == Decimal("0.9")
    design_only = score(fw, answers(q4_data_collection=["product_design"]))
    assert design_only.total == Decimal("0.7")


def test_exclusive_none_and_scene_range(fw):
    bad = validate_answers(fw, {"q6_network_security": ["none", "policy"], "scene_hr": 5})
    assert set(bad) == {"q6_network_security", "scene_hr"}
    # Level 0 ("not reached") is an allowed scene answer.
    assert validate_answers(fw, {"scene_hr": 0}) == {}


# ---- extremes --------------------------------------------------------------------------------


def test_best_answers_score_100_and_reach_level_4(fw):
    assert validate_answers(fw, BEST) == {}
    assert missing_required(fw, BEST) == []
    result = score(fw, BEST)
    assert result.total == Decimal("100")
    assert dimension_scores(result) == {
        "foundation": Decimal("50"),
        "management": Decimal("30"),
        "results": Decimal("20"),
        "operations": Decimal("0"),
    }
    for key, maximum in QUESTION_MAXIMA.items():
        assert result.questions[key].score == Decimal(maximum), key
    assert level_code(result) == "L4"
    assert result.level.name == {"zh-hans": "四级", "en": "Level 4"}
    assert [level.reached for level in result.levels] == [True, True, True, True]
    assert result.next_level is None


def test_empty_answers_reach_no_level(fw):
    result = score(fw, {})
    assert result.total == Decimal("0")
    assert result.level is None
    # Every question is required: the 15 scored ones, then the 16 scenes (document order).
    scenes_in_document_order = [
        "scene_product_design",
        "scene_process_design",
        "scene_marketing",
        "scene_after_sales",
        "scene_planning_scheduling",
        "scene_production_control",
        "scene_quality",
        "scene_equipment",
        "scene_safety",
        "scene_energy",
        "scene_procurement",
        "scene_warehousing",
        "scene_finance",
        "scene_hr",
        "scene_collaboration",
        "scene_decision_support",
    ]
    assert missing_required(fw, {}) == [*QUESTION_MAXIMA, *scenes_in_document_order]
    nxt = result.next_level
    assert nxt.code == "L1"
    assert nxt.name == {"zh-hans": "一级", "en": "Level 1"}
    assert not nxt.met
    total_gate = gate(nxt, "total_at_least")
    assert not total_gate.met
    assert total_gate.actual == Decimal("0")
    assert total_gate.required == Decimal("20")
    scenes_gate = gate(nxt, "scenes_at_least")
    assert not scenes_gate.met
    assert (scenes_gate.actual, scenes_gate.required) == (0, 6)
    mandatory = [c for c in scenes_gate.children if c.type == "mandatory_scenes_at_least"]
    assert [(c.met, c.actual, c.required) for c in mandatory] == [(False, 0, 3)]
    assert "约束性场景" in scenes_gate.description["zh-hans"]


def test_worst_complete_answers_score_0(fw):
    assert validate_answers(fw, WORST) == {}
    assert missing_required(fw, WORST) == []
    result = score(fw, WORST)
    assert result.total == Decimal("0")
    assert result.level is None
    assert result.next_level.code == "L1"


def test_full_score_without_any_scene_reaches_no_level(fw):
    # Q1-Q15 at best = 100, but every scene at 0 ("not reached", allowed by this file):
    # 一级 needs 6 scenes >= 1 with 3 mandatory, so no level at all.
    result = score(fw, {**BEST, **dict.fromkeys(ALL_SCENES, 0)})
    assert result.total == Decimal("100")
    assert result.level is None
    nxt = result.next_level
    assert nxt.code == "L1"
    assert gate(nxt, "total_at_least").met
    assert not gate(nxt, "scenes_at_least").met


# ---- hand-worked middle and boundary cases --------------------------------------------------

CASES: list[dict[str, Any]] = [
    # A small workshop starting out -> 一级.
    # foundation: Q1 B+C 2+2 = 4; Q2 (10,20] 1.5; Q3 [0,10] 0;
    #   Q4 finance 0.7 + warehousing 0.7 + hr 0.9 = 2.3; Q5 several 5;
    #   Q6 policy+products 2.5; Q7 products 1.25
    #   = 4 + 1.5 + 0 + 2.3 + 5 + 2.5 + 1.25 = 16.55
    # management: Q8 learning 1.5; Q9 none 0; Q10 staff 1.5; Q11 [0,10] 0 = 3
    # results: Q12 flat 3.5; Q13 flat 3.5; Q14 up 3; Q15 flat 1.5 = 11.5
    # total 16.55 + 3 + 11.5 = 31.05 (>= 20, < 40)
    # scenes >= 1: finance, warehousing, marketing, procurement (4 mandatory), hr,
    #   collaboration = 6 -> 一级 scene gate met; >= 2: finance, warehousing,
    #   collaboration = 3 < 6.
    {
        "id": "workshop_starter_level_1",
        "answers": answers(
            q1_network=["industrial_control", "application_network"],
            q2_equipment_digitisation="pct_10_20",
            q4_data_collection=["finance", "warehousing", "hr"],
            q5_information_systems="several_stages",
            q6_network_security=["policy", "products"],
            q7_data_security=["products"],
            q8_planning="learning",
            q10_talent=["staff"],
            q12_energy_intensity="unchanged",
            q13_pass_rate="unchanged",
            q14_revenue_per_employee="increased",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_finance": 2,
                "scene_warehousing": 2,
                "scene_marketing": 1,
                "scene_procurement": 1,
                "scene_hr": 1,
                "scene_collaboration": 2,
            },
        ),
        "total": "31.05",
        "dimensions": ("16.55", "3", "11.5"),
        "level": "L1",
        "met": (True, False, False, False),
    },
    # Same workshop, but only two mandatory scenes reach level 1 (finance, marketing;
    # warehousing and procurement at 0; process_design and after_sales at 1 instead):
    # 6 scenes >= 1 of which 2 mandatory < 3 -> no level despite 31.05 points.
    {
        "id": "workshop_starter_too_few_mandatory_scenes",
        "answers": answers(
            q1_network=["industrial_control", "application_network"],
            q2_equipment_digitisation="pct_10_20",
            q4_data_collection=["finance", "warehousing", "hr"],
            q5_information_systems="several_stages",
            q6_network_security=["policy", "products"],
            q7_data_security=["products"],
            q8_planning="learning",
            q10_talent=["staff"],
            q12_energy_intensity="unchanged",
            q13_pass_rate="unchanged",
            q14_revenue_per_employee="increased",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_finance": 2,
                "scene_marketing": 1,
                "scene_process_design": 1,
                "scene_after_sales": 1,
                "scene_hr": 1,
                "scene_collaboration": 2,
            },
        ),
        "total": "31.05",
        "dimensions": ("16.55", "3", "11.5"),
        "level": None,
        "met": (False, False, False, False),
    },
    # A growing manufacturer -> 二级.
    # foundation: Q1 B+C 4; Q2 (20,40] 3; Q3 (10,20] 1.5;
    #   Q4 production_control, quality, warehousing, finance, procurement 5 x 0.7 = 3.5
    #   + hr 0.9 = 4.4; Q5 several 5; Q6 policy+products 2.5; Q7 products 1.25
    #   = 4 + 3 + 1.5 + 4.4 + 5 + 2.5 + 1.25 = 21.65
    # management: Q8 planned 3; Q9 it rules 1.875; Q10 staff+training 3; Q11 0
    #   = 7.875
    # results: Q12 down 7; Q13 flat 3.5; Q14 up 3; Q15 flat 1.5 = 15
    # total 21.65 + 7.875 + 15 = 44.525 (>= 40, < 60)
    # scenes >= 2: finance, warehousing, procurement, production_control (4 mandatory),
    #   collaboration, hr = 6 -> 二级 scene gate met; >= 1 adds marketing, quality,
    #   equipment, product_design, planning_scheduling: 11, 8 mandatory.
    {
        "id": "growing_manufacturer_level_2",
        "answers": answers(
            q1_network=["industrial_control", "application_network"],
            q2_equipment_digitisation="pct_20_40",
            q3_equipment_networking="pct_10_20",
            q4_data_collection=[
                "production_control",
                "quality",
                "warehousing",
                "finance",
                "procurement",
                "hr",
            ],
            q5_information_systems="several_stages",
            q6_network_security=["policy", "products"],
            q7_data_security=["products"],
            q8_planning="planned",
            q9_mechanisms=["it_operations_rules"],
            q10_talent=["staff", "training"],
            q12_energy_intensity="decreased",
            q13_pass_rate="unchanged",
            q14_revenue_per_employee="increased",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_finance": 2,
                "scene_warehousing": 2,
                "scene_procurement": 2,
                "scene_production_control": 2,
                "scene_collaboration": 2,
                "scene_hr": 2,
                "scene_marketing": 1,
                "scene_quality": 1,
                "scene_equipment": 1,
                "scene_product_design": 1,
                "scene_planning_scheduling": 1,
            },
        ),
        "total": "44.525",
        "dimensions": ("21.65", "7.875", "15"),
        "level": "L2",
        "met": (True, True, False, False),
    },
    # Enough points for 三级 but too few mandatory scenes at level 3 -> stops at 二级.
    # foundation: Q1 B+C+D 6; Q2 (40,60] 4.5; Q3 (20,40] 3;
    #   Q4 marketing, planning, production_control, quality, equipment, energy,
    #   procurement, warehousing, finance 9 x 0.7 = 6.3 + hr 0.9 = 7.2;
    #   Q5 most 7.5; Q6 policy+products+boundary 3.75; Q7 policy+products 2.5
    #   = 6 + 4.5 + 3 + 7.2 + 7.5 + 3.75 + 2.5 = 34.45
    # management: Q8 retrofitting 4.5; Q9 process+it+data 3 x 1.875 = 5.625;
    #   Q10 staff+unit+training 4.5; Q11 (10,20] 1.875 = 16.5
    # results: Q12 down 7; Q13 up 7; Q14 flat 1.5; Q15 down 3 = 18.5
    # total 34.45 + 16.5 + 18.5 = 69.45 (>= 60)
    # scenes >= 3: marketing, finance, warehousing, procurement (4 mandatory),
    #   process_design, planning_scheduling, hr, collaboration = 8 (count met) but
    #   4 mandatory < 5 -> 三级 fails. >= 2: all but safety and energy = 14, 8 mandatory.
    {
        "id": "high_score_few_mandatory_scenes_stops_at_level_2",
        "answers": answers(
            q1_network=["industrial_control", "application_network", "5g_network"],
            q2_equipment_digitisation="pct_40_60",
            q3_equipment_networking="pct_20_40",
            q4_data_collection=[
                "marketing",
                "planning_scheduling",
                "production_control",
                "quality",
                "equipment",
                "energy",
                "procurement",
                "warehousing",
                "finance",
                "hr",
            ],
            q5_information_systems="most_stages",
            q6_network_security=["policy", "products", "boundary_detection"],
            q7_data_security=["policy", "products"],
            q8_planning="retrofitting",
            q9_mechanisms=["transformation_process", "it_operations_rules", "data_rules"],
            q10_talent=["staff", "dedicated_unit", "training"],
            q11_funding="pct_10_20",
            q12_energy_intensity="decreased",
            q13_pass_rate="increased",
            q14_revenue_per_employee="unchanged",
            q15_cost_per_revenue="decreased",
            scenes={
                "scene_marketing": 3,
                "scene_finance": 3,
                "scene_warehousing": 3,
                "scene_procurement": 3,
                "scene_process_design": 3,
                "scene_planning_scheduling": 3,
                "scene_hr": 3,
                "scene_collaboration": 3,
                "scene_production_control": 2,
                "scene_quality": 2,
                "scene_equipment": 2,
                "scene_product_design": 2,
                "scene_after_sales": 2,
                "scene_decision_support": 2,
                "scene_safety": 1,
                "scene_energy": 1,
            },
        ),
        "total": "69.45",
        "dimensions": ("34.45", "16.5", "18.5"),
        "level": "L2",
        "met": (True, True, False, False),
    },
    # An integrated factory: points for 四级 but scenes only at 三级 -> 三级.
    # foundation: Q1 B+C+E 6; Q2 (60,100] 6; Q3 (40,60] 4.5;
    #   Q4 all but product_design, process_design, after_sales: 10 x 0.7 = 7 + hr 0.9
    #   = 7.9; Q5 most 7.5; Q6 all 5; Q7 policy+products+inventory 3.75
    #   = 6 + 6 + 4.5 + 7.9 + 7.5 + 5 + 3.75 = 40.65
    # management: Q8 transformed 6; Q9 3 x 1.875 = 5.625; Q10 4 x 1.5 = 6;
    #   Q11 (20,40] 3.75 = 21.375
    # results: Q12 down 7; Q13 up 7; Q14 up 3; Q15 flat 1.5 = 18.5
    # total 40.65 + 21.375 + 18.5 = 80.525 (>= 80)
    # scenes at 4: production_control, quality, planning_scheduling = 3 < 10;
    #   >= 3: those + product_design, marketing, equipment, energy, procurement,
    #   warehousing, finance, hr, collaboration = 12, 9 mandatory -> 三级 met.
    {
        "id": "integrated_factory_level_3",
        "answers": answers(
            q1_network=["industrial_control", "application_network", "full_coverage"],
            q2_equipment_digitisation="pct_60_100",
            q3_equipment_networking="pct_40_60",
            q4_data_collection=[
                "marketing",
                "planning_scheduling",
                "production_control",
                "quality",
                "equipment",
                "safety",
                "energy",
                "procurement",
                "warehousing",
                "finance",
                "hr",
            ],
            q5_information_systems="most_stages",
            q6_network_security=["policy", "products", "risk_assessment", "boundary_detection"],
            q7_data_security=["policy", "products", "inventory_checks"],
            q8_planning="transformed",
            q9_mechanisms=["transformation_process", "it_operations_rules", "data_rules"],
            q10_talent=["staff", "dedicated_unit", "training", "appraisal_pay"],
            q11_funding="pct_20_40",
            q12_energy_intensity="decreased",
            q13_pass_rate="increased",
            q14_revenue_per_employee="increased",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_production_control": 4,
                "scene_quality": 4,
                "scene_planning_scheduling": 4,
                "scene_product_design": 3,
                "scene_marketing": 3,
                "scene_equipment": 3,
                "scene_energy": 3,
                "scene_procurement": 3,
                "scene_warehousing": 3,
                "scene_finance": 3,
                "scene_hr": 3,
                "scene_collaboration": 3,
                "scene_safety": 2,
                "scene_process_design": 2,
                "scene_after_sales": 2,
                "scene_decision_support": 2,
            },
        ),
        "total": "80.525",
        "dimensions": ("40.65", "21.375", "18.5"),
        "level": "L3",
        "met": (True, True, True, False),
    },
    # Boundary just below 20: no rounding before gating.
    # Q2 (60,100] 6 + Q4 marketing, finance, warehousing 3 x 0.7 = 2.1 + Q5 all 10
    #   + Q9 data rules 1.875 = 19.975 < 20.
    # scenes >= 1: finance, warehousing, procurement (3 mandatory), hr, collaboration,
    #   decision_support = 6 (scene gate met).
    {
        "id": "boundary_19_975_no_level",
        "answers": answers(
            q2_equipment_digitisation="pct_60_100",
            q4_data_collection=["marketing", "finance", "warehousing"],
            q5_information_systems="all_stages",
            q9_mechanisms=["data_rules"],
            scenes={
                "scene_finance": 1,
                "scene_warehousing": 1,
                "scene_procurement": 1,
                "scene_hr": 1,
                "scene_collaboration": 1,
                "scene_decision_support": 1,
            },
        ),
        "total": "19.975",
        "dimensions": ("18.1", "1.875", "0"),
        "level": None,
        "met": (False, False, False, False),
    },
    # Boundary exactly 20 -> 一级.
    # Q4 all 14 stages 13 x 0.7 + 0.9 = 10 + Q5 all 10 = 20.
    # scenes >= 1: exactly 6, exactly 3 mandatory (finance, warehousing, procurement).
    {
        "id": "boundary_20_level_1",
        "answers": answers(
            q4_data_collection=list(Q4_STAGES),
            q5_information_systems="all_stages",
            scenes={
                "scene_finance": 1,
                "scene_warehousing": 1,
                "scene_procurement": 1,
                "scene_hr": 1,
                "scene_collaboration": 1,
                "scene_decision_support": 1,
            },
        ),
        "total": "20",
        "dimensions": ("20", "0", "0"),
        "level": "L1",
        "met": (True, False, False, False),
    },
    # Boundary exactly 40 -> 二级.
    # foundation: Q1 all 8; Q2 (40,60] 4.5; Q3 (40,60] 4.5; Q5 all 10;
    #   Q7 policy+products 2.5 = 29.5
    # management: Q9 data rules 1.875 + Q11 (40,60] 5.625 = 7.5
    # results: Q14 flat 1.5 + Q15 flat 1.5 = 3
    # total 29.5 + 7.5 + 3 = 40
    # scenes >= 2: finance, warehousing, procurement (exactly 3 mandatory), hr,
    #   collaboration (3), decision_support = exactly 6; >= 1 adds marketing, quality.
    {
        "id": "boundary_40_level_2",
        "answers": answers(
            q1_network=["industrial_control", "application_network", "5g_network", "full_coverage"],
            q2_equipment_digitisation="pct_40_60",
            q3_equipment_networking="pct_40_60",
            q5_information_systems="all_stages",
            q7_data_security=["policy", "products"],
            q9_mechanisms=["data_rules"],
            q11_funding="pct_40_60",
            q14_revenue_per_employee="unchanged",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_finance": 2,
                "scene_warehousing": 2,
                "scene_procurement": 2,
                "scene_hr": 2,
                "scene_collaboration": 3,
                "scene_decision_support": 2,
                "scene_marketing": 1,
                "scene_quality": 1,
            },
        ),
        "total": "40",
        "dimensions": ("29.5", "7.5", "3"),
        "level": "L2",
        "met": (True, True, False, False),
    },
    # Boundary exactly 60 -> 三级.
    # foundation: Q1 B+C+E 6; Q2 (40,60] 4.5; Q3 (20,40] 3; Q4 all 10; Q5 most 7.5;
    #   Q6 policy+products+assessment 3.75; Q7 policy+products 2.5 = 37.25
    # management: Q8 retrofitting 4.5; Q9 data rules 1.875; Q10 3 x 1.5 = 4.5;
    #   Q11 (10,20] 1.875 = 12.75
    # results: all flat 3.5 + 3.5 + 1.5 + 1.5 = 10
    # total 37.25 + 12.75 + 10 = 60
    # scenes >= 3: product_design, marketing, production_control, quality, warehousing
    #   (exactly 5 mandatory), planning_scheduling, hr, collaboration (4) = exactly 8;
    #   >= 2: add equipment, safety, energy, procurement, finance, decision_support = 14.
    {
        "id": "boundary_60_level_3",
        "answers": answers(
            q1_network=["industrial_control", "application_network", "full_coverage"],
            q2_equipment_digitisation="pct_40_60",
            q3_equipment_networking="pct_20_40",
            q4_data_collection=list(Q4_STAGES),
            q5_information_systems="most_stages",
            q6_network_security=["policy", "products", "risk_assessment"],
            q7_data_security=["policy", "products"],
            q8_planning="retrofitting",
            q9_mechanisms=["data_rules"],
            q10_talent=["staff", "training", "appraisal_pay"],
            q11_funding="pct_10_20",
            q12_energy_intensity="unchanged",
            q13_pass_rate="unchanged",
            q14_revenue_per_employee="unchanged",
            q15_cost_per_revenue="unchanged",
            scenes={
                "scene_product_design": 3,
                "scene_marketing": 3,
                "scene_production_control": 3,
                "scene_quality": 3,
                "scene_warehousing": 3,
                "scene_planning_scheduling": 3,
                "scene_hr": 3,
                "scene_collaboration": 4,
                "scene_equipment": 2,
                "scene_safety": 2,
                "scene_energy": 2,
                "scene_procurement": 2,
                "scene_finance": 2,
                "scene_decision_support": 2,
                "scene_process_design": 1,
                "scene_after_sales": 1,
            },
        ),
        "total": "60",
        "dimensions": ("37.25", "12.75", "10"),
        "level": "L3",
        "met": (True, True, True, False),
    },
    # Boundary exactly 80 -> 四级.
    # foundation: Q1 all 8; Q2 (60,100] 6; Q3 (40,60] 4.5;
    #   Q4 marketing, planning, production_control, quality, equipment, procurement,
    #   warehousing, finance 8 x 0.7 = 5.6 + hr 0.9 = 6.5; Q5 all 10; Q6 all 5;
    #   Q7 policy+products+assessment 3.75 = 43.75
    # management: Q8 transformed 6; Q9 all 7.5; Q10 4 x 1.5 = 6; Q11 (20,40] 3.75
    #   = 23.25
    # results: Q12 flat 3.5; Q13 flat 3.5; Q14 up 3; Q15 down 3 = 13
    # total 43.75 + 23.25 + 13 = 80
    # scenes at 4: marketing, production_control, quality, equipment, procurement,
    #   warehousing (exactly 6 mandatory), process_design, planning_scheduling, hr,
    #   collaboration (4) = exactly 10; all others at 3.
    {
        "id": "boundary_80_level_4",
        "answers": answers(
            q1_network=["industrial_control", "application_network", "5g_network", "full_coverage"],
            q2_equipment_digitisation="pct_60_100",
            q3_equipment_networking="pct_40_60",
            q4_data_collection=[
                "marketing",
                "planning_scheduling",
                "production_control",
                "quality",
                "equipment",
                "procurement",
                "warehousing",
                "finance",
                "hr",
            ],
            q5_information_systems="all_stages",
            q6_network_security=["policy", "products", "risk_assessment", "boundary_detection"],
            q7_data_security=["policy", "products", "risk_assessment"],
            q8_planning="transformed",
            q9_mechanisms=[
                "transformation_process",
                "it_operations_rules",
                "data_rules",
                "innovation_incentives",
            ],
            q10_talent=["staff", "dedicated_unit", "training", "appraisal_pay"],
            q11_funding="pct_20_40",
            q12_energy_intensity="unchanged",
            q13_pass_rate="unchanged",
            q14_revenue_per_employee="increased",
            q15_cost_per_revenue="decreased",
            scenes={
                **dict.fromkeys(ALL_SCENES, 3),
                "scene_marketing": 4,
                "scene_production_control": 4,
                "scene_quality": 4,
                "scene_equipment": 4,
                "scene_procurement": 4,
                "scene_warehousing": 4,
                "scene_process_design": 4,
                "scene_planning_scheduling": 4,
                "scene_hr": 4,
                "scene_collaboration": 4,
            },
        ),
        "total": "80",
        "dimensions": ("43.75", "23.25", "13"),
        "level": "L4",
        "met": (True, True, True, True),
    },
]

# The 80-point case with warehousing at 3 and after_sales at 4 instead: still 10 scenes
# at level 4 but only 5 of them mandatory (< 6) -> 四级 fails, stops at 三级.
_NEAR_80 = dict(CASES[-1])
_NEAR_80["id"] = "boundary_80_only_5_mandatory_at_4_level_3"
_NEAR_80["answers"] = {**CASES[-1]["answers"], "scene_warehousing": 3, "scene_after_sales": 4}
_NEAR_80["level"] = "L3"
_NEAR_80["met"] = (True, True, True, False)
CASES.append(_NEAR_80)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_golden_case(fw, case):
    given = case["answers"]
    assert validate_answers(fw, given) == {}
    assert missing_required(fw, given) == []
    result = score(fw, given)
    assert result.total == Decimal(case["total"])
    foundation, management, results = (Decimal(value) for value in case["dimensions"])
    assert dimension_scores(result) == {
        "foundation": foundation,
        "management": management,
        "results": results,
        "operations": Decimal("0"),
    }
    assert level_code(result) == case["level"]
    assert tuple(level.met for level in result.levels) == case["met"]


def test_level_2_stop_reports_the_missing_mandatory_scene(fw):
    case = next(c for c in CASES if c["id"].startswith("high_score_few_mandatory"))
    result = score(fw, case["answers"])
    nxt = result.next_level
    assert nxt.code == "L3"
    total_gate = gate(nxt, "total_at_least")
    assert total_gate.met
    assert total_gate.actual == Decimal("69.45")
    scenes_gate = gate(nxt, "scenes_at_least")
    assert not scenes_gate.met
    assert [(c.type, c.met, c.actual, c.required) for c in scenes_gate.children] == [
        ("scenes_at_least", True, 8, 8),
        ("mandatory_scenes_at_least", False, 4, 5),
    ]


def test_just_below_20_fails_only_the_total_gate(fw):
    case = next(c for c in CASES if c["id"] == "boundary_19_975_no_level")
    result = score(fw, case["answers"])
    nxt = result.next_level
    assert nxt.code == "L1"
    assert not gate(nxt, "total_at_least").met
    assert gate(nxt, "total_at_least").actual == Decimal("19.975")
    assert gate(nxt, "scenes_at_least").met


def test_integrated_factory_next_level_needs_scenes_only(fw):
    case = next(c for c in CASES if c["id"] == "integrated_factory_level_3")
    result = score(fw, case["answers"])
    nxt = result.next_level
    assert nxt.code == "L4"
    assert gate(nxt, "total_at_least").met
    scenes_gate = gate(nxt, "scenes_at_least")
    assert not scenes_gate.met
    assert [(c.met, c.actual, c.required) for c in scenes_gate.children] == [
        (False, 3, 10),
        (False, 2, 6),
    ]
