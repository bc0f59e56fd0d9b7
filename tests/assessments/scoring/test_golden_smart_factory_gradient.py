"""Golden tests for ``assessments/frameworks/smart-factory-gradient.yaml``.

Hand-worked answer sets for the smart-factory gradient self-assessment: each case
states its arithmetic in a comment and pins the exact Decimal total, the pillar
scores and the level. Pure: no database, only the YAML file and the scoring engine.

Points (1000): basic requirements 100 (6 booleans x 10, CMMM level 0/0/10/20/40/40
for levels 0-5); digital 250; network 250; intelligent 400 (40 scenarios, level
0-4 -> 0/2.5/5/7.5/10).

Gates (each level also needs the levels below):
  基础级 basic      6 basic booleans true; CMMM >= 2; a 生产作业 scenario >= 1;
                    digital >= 30 %; network >= 20 %.
  先进级 advanced   CMMM >= 2; 生产作业, 生产管理, 运营管理 each a scenario >= 2;
                    digital >= 50 %, network >= 40 %, intelligent >= 15 %.
  卓越级 excellent  CMMM >= 3; all five dimensions a scenario >= 3; AI scenarios
                    >= 20 % of the scenarios at >= 3; digital 70, network 60,
                    intelligent 30 %.
  领航级 leading    CMMM >= 4; all five dimensions a scenario at 4; AI scenarios
                    >= 60 % of the scenarios at 4; digital 85, network 80,
                    intelligent 50 %.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessments.scoring import (
    Framework,
    Result,
    load_definition,
    missing_required,
    score,
    validate_answers,
    validate_definition,
)

ROOT = Path(__file__).resolve().parents[3]
FRAMEWORK_FILE = ROOT / "assessments" / "frameworks" / "smart-factory-gradient.yaml"

# The 40 scenarios of the 2025 guide, by scenario dimension of the gradient.
FACTORY_BUILD = ("sc01_factory_planning", "sc02_digital_infrastructure", "sc03_digital_twin")
RND_DESIGN = (
    "sc04_product_design",
    "sc05_virtual_validation",
    "sc06_process_design",
    "sc07_manufacturing_engineering",
)
PRODUCTION_OPS = (
    "sc20_fast_changeover",
    "sc21_process_optimisation",
    "sc22_apc",
    "sc23_human_robot",
    "sc24_online_inspection",
    "sc25_quality_traceability",
    "sc26_quality_analysis",
    "sc27_equipment_monitoring",
    "sc28_fault_prediction",
    "sc29_maintenance",
)
PRODUCTION_MGMT = (
    "sc08_production_planning",
    "sc09_intelligent_scheduling",
    "sc10_progress_tracking",
    "sc11_dynamic_dispatching",
    "sc12_smart_warehousing",
    "sc13_material_delivery",
    "sc14_hazardous_automation",
    "sc15_safety_management",
    "sc16_energy_management",
    "sc17_carbon_assets",
    "sc18_pollution_control",
    "sc19_networked_manufacturing",
)
OPERATIONS_MGMT = (
    "sc30_business_decisions",
    "sc31_lean_management",
    "sc32_mass_customisation",
    "sc33_precision_marketing",
    "sc34_remote_om",
    "sc35_value_added_services",
    "sc36_proactive_service",
    "sc37_supplier_management",
    "sc38_procurement_planning",
    "sc39_supply_risk",
    "sc40_logistics",
)
ALL_SCENARIOS = FACTORY_BUILD + RND_DESIGN + PRODUCTION_OPS + PRODUCTION_MGMT + OPERATIONS_MGMT

# Tagged ai_scenario: sheet §4.2's 14 plus 10 chosen by the platform (see the YAML).
AI_SCENARIOS = frozenset(
    {
        "sc03_digital_twin",
        "sc04_product_design",
        "sc05_virtual_validation",
        "sc07_manufacturing_engineering",
        "sc08_production_planning",
        "sc09_intelligent_scheduling",
        "sc11_dynamic_dispatching",
        "sc12_smart_warehousing",
        "sc15_safety_management",
        "sc16_energy_management",
        "sc21_process_optimisation",
        "sc22_apc",
        "sc23_human_robot",
        "sc24_online_inspection",
        "sc26_quality_analysis",
        "sc28_fault_prediction",
        "sc30_business_decisions",
        "sc31_lean_management",
        "sc33_precision_marketing",
        "sc34_remote_om",
        "sc36_proactive_service",
        "sc38_procurement_planning",
        "sc39_supply_risk",
        "sc40_logistics",
    }
)

BASIC_REQUIREMENTS = {
    "bq_above_designated_size": True,
    "bq_sound_operations": True,
    "bq_no_major_incident": True,
    "bq_secure_controllable": True,
    "bq_organisation": True,
    "bq_talent": True,
}

# Every question at its best answer: 100 + 250 + 250 + 400 = 1000.
BEST: dict[str, Any] = {
    **BASIC_REQUIREMENTS,  # 6 x 10 = 60
    "bq_industry_type": "discrete",  # not scored
    "bq_cmmm_level": 5,  # 40
    # digital 250 = 70 + 60 + 70 + 50
    "dg_cnc_rate": 95,  # > 80 % -> 25
    "dg_automation": "full",  # 25
    "dg_equipment_interfaces": "read_write",  # 20
    "dc_coverage": [
        "rnd",
        "planning",
        "process",
        "quality",
        "equipment",
        "energy",
        "safety_env",
        "warehouse",
        "purchasing",
        "sales_service",
    ],  # 10 x 3 = 30
    "dc_method": "full_auto",  # 15
    "dc_timeliness": "realtime",  # 15
    "is_systems": [
        "erp",
        "mes",
        "plm",
        "cax",
        "aps",
        "wms",
        "qms",
        "eam",
        "ems",
        "scada",
        "srm",
        "crm",
    ],  # 12 x 3 = 36, capped at 30
    "is_integration": "platform_integrated",  # 25
    "is_plan": "reviewed",  # 15
    "gv_standards": "system",  # 15
    "gv_quality": "automated",  # 10
    "gv_assets": "assets",  # 10
    "gv_dcmm": "level3_plus",  # 10
    "gv_cdo": True,  # 5
    # network 250 = 70 + 30 + 40 + 35 + 45 + 30
    "nw_types": [
        "fieldbus",
        "industrial_ethernet",
        "industrial_wireless",
        "five_g",
        "tsn",
        "ipv6",
    ],  # 6 x 4 = 24, capped at 20
    "nw_coverage": "plant_wide",  # 15
    "nw_it_ot": "converged",  # 15
    "nw_5g_factory": "plant",  # 15
    "nw_5g_directory": True,  # 5
    "nw_networking_rate": 98,  # > 80 % -> 20
    "nw_protocol": "plug_and_play",  # 10
    "id_connection": "enterprise_node",  # 15
    "id_secondary_node": "工业互联网标识解析二级节点（机械行业）",  # text, not scored
    "id_registered": 5_000_000,  # > 1 million -> 8
    "id_resolutions": 2_000_000,  # > 1 million -> 8
    "id_applications": [
        "traceability",
        "supply_chain",
        "asset_lifecycle",
        "energy_carbon",
        "logistics",
    ],  # 5 x 3 = 15, capped at 9
    "cl_cloud_depth": "data_model",  # 15
    "cl_star_level": "four_star",  # 8
    "cl_five_star": True,  # 4
    "cl_platform": "chain",  # 8
    "sec_ics": "continuous",  # 15
    "sec_dengbao": "closed",  # 10
    "sec_iiot_grade": "monitored",  # 10
    "sec_data": ["classification", "backup", "access_audit", "encryption", "risk_assessment"],
    "ep_edge": "edge_cloud",  # 10
    "ep_data_platform": "ai_ready",  # 10
    "ep_compute": "cloud_edge",  # 10
    # intelligent 40 x 10 = 400
    **dict.fromkeys(ALL_SCENARIOS, 4),
}

# A typical 基础级 factory (discrete parts maker, CMMM 2).
BASIC_FACTORY: dict[str, Any] = {
    **BASIC_REQUIREMENTS,  # 60
    "bq_industry_type": "discrete",
    "bq_cmmm_level": 2,  # 10
    # digital: 15 + 8 + 7 + 18 + 5 + 5 + 15 + 8 + 5 + 5 + 4 + 0 + 0 + 0 = 95
    "dg_cnc_rate": 45,  # (40, 60] -> 15
    "dg_automation": "partial",  # 8
    "dg_equipment_interfaces": "closed",  # 7
    "dc_coverage": ["planning", "process", "quality", "equipment", "warehouse", "purchasing"],
    "dc_method": "manual_terminal",  # 5
    "dc_timeliness": "hourly",  # 5
    "is_systems": ["erp", "mes", "cax", "wms", "eam"],  # 5 x 3 = 15
    "is_integration": "point_to_point",  # 8
    "is_plan": "annual",  # 5
    "gv_standards": "partial",  # 5
    "gv_quality": "reactive",  # 4
    "gv_assets": "none",  # 0
    "gv_dcmm": "none",  # 0
    "gv_cdo": False,  # 0
    # network: (8 + 10 + 5 + 0) + (8 + 4) + 0 + (4 + 0 + 3) + (5 + 3 + 4 + 4) + (3 + 3 + 3)
    #        = 23 + 12 + 0 + 7 + 16 + 9 = 67
    "nw_types": ["industrial_ethernet", "industrial_wireless"],  # 8
    "nw_coverage": "all_workshops",  # 10
    "nw_it_ot": "air_gap",  # 5
    "nw_5g_factory": "none",  # 0; hides nw_5g_directory
    "nw_networking_rate": 35,  # (20, 40] -> 8
    "nw_protocol": "partial_unified",  # 4
    "id_connection": "none",  # 0; hides the identifier details
    "cl_cloud_depth": "general_it",  # 4
    "cl_star_level": "none",  # 0; hides cl_five_star
    "cl_platform": "saas",  # 3
    "sec_ics": "partial",  # 5
    "sec_dengbao": "filed",  # 3
    "sec_iiot_grade": "graded",  # 4
    "sec_data": ["backup", "access_audit"],  # 4
    "ep_edge": "gateway",  # 3
    "ep_data_platform": "warehouse",  # 3
    "ep_compute": "virtualised",  # 3
    # intelligent: 13 levels x 2.5 = 32.5
    **dict.fromkeys(ALL_SCENARIOS, 0),
    "sc25_quality_traceability": 2,
    "sc27_equipment_monitoring": 1,
    "sc29_maintenance": 1,
    "sc24_online_inspection": 1,
    "sc10_progress_tracking": 2,
    "sc12_smart_warehousing": 1,
    "sc08_production_planning": 1,
    "sc37_supplier_management": 1,
    "sc30_business_decisions": 1,
    "sc04_product_design": 1,
    "sc06_process_design": 1,
}

# An automation-heavy, AI-light factory (CMMM 3): everything of 卓越级 but the AI share.
AI_LIGHT_FACTORY: dict[str, Any] = {
    **BASIC_REQUIREMENTS,  # 60
    "bq_industry_type": "mixed",
    "bq_cmmm_level": 3,  # 20
    # digital: (25 + 16 + 14) + (27 + 10 + 10) + (30 + 16 + 10) + (10 + 7 + 4 + 6 + 5)
    #        = 55 + 47 + 56 + 32 = 190 (76 %)
    "dg_cnc_rate": 85,  # > 80 -> 25
    "dg_automation": "most",  # 16
    "dg_equipment_interfaces": "readable",  # 14
    "dc_coverage": [
        "rnd",
        "planning",
        "process",
        "quality",
        "equipment",
        "energy",
        "safety_env",
        "warehouse",
        "purchasing",
    ],  # 9 x 3 = 27
    "dc_method": "key_auto",  # 10
    "dc_timeliness": "minute",  # 10
    "is_systems": ["erp", "mes", "plm", "cax", "wms", "qms", "eam", "ems", "scada", "srm"],
    "is_integration": "core_integrated",  # 16
    "is_plan": "multi_year",  # 10
    "gv_standards": "enterprise",  # 10
    "gv_quality": "rules",  # 7
    "gv_assets": "catalogue",  # 4
    "gv_dcmm": "level2",  # 6
    "gv_cdo": True,  # 5
    # network: (16 + 15 + 10 + 12 + 5) + (16 + 7) + (10 + 6 + 4 + 6) + (12 + 8 + 0 + 6)
    #          + (10 + 7 + 7 + 8) + (7 + 7 + 3)
    #        = 58 + 23 + 26 + 26 + 32 + 17 = 182 (72.8 %)
    "nw_types": ["fieldbus", "industrial_ethernet", "industrial_wireless", "five_g"],  # 16
    "nw_coverage": "plant_wide",  # 15
    "nw_it_ot": "zoned",  # 10
    "nw_5g_factory": "workshop",  # 12
    "nw_5g_directory": True,  # 5
    "nw_networking_rate": 75,  # (60, 80] -> 16
    "nw_protocol": "unified",  # 7
    "id_connection": "connected",  # 10
    "id_secondary_node": "工业互联网标识解析二级节点（通用机械行业）",
    "id_registered": 250_000,  # (100k, 1M] -> 6
    "id_resolutions": 60_000,  # (10k, 100k] -> 4
    "id_applications": ["traceability", "supply_chain"],  # 6
    "cl_cloud_depth": "equipment",  # 12
    "cl_star_level": "four_star",  # 8
    "cl_five_star": False,  # 0
    "cl_platform": "enterprise",  # 6
    "sec_ics": "baseline",  # 10
    "sec_dengbao": "tested",  # 7
    "sec_iiot_grade": "protected",  # 7
    "sec_data": ["classification", "backup", "access_audit", "risk_assessment"],  # 8
    "ep_edge": "local_compute",  # 7
    "ep_data_platform": "data_platform",  # 7
    "ep_compute": "virtualised",  # 3
    # intelligent: 12 at level 3, 12 at 2, 9 at 1, 7 at 0
    #   = 12 x 7.5 + 12 x 5 + 9 x 2.5 = 90 + 60 + 22.5 = 172.5 (43.125 %)
    # Level 3 or above: 12 scenarios, of which AI-tagged only sc24 and sc12
    #   -> share 2 / 12 = 16.7 % < 20 %.
    **dict.fromkeys(ALL_SCENARIOS, 0),  # sc05 sc22 sc23 sc19 sc31 sc34 sc39 stay 0
    # level 3 (each of the five dimensions has one)
    "sc01_factory_planning": 3,
    "sc06_process_design": 3,
    "sc24_online_inspection": 3,  # AI
    "sc25_quality_traceability": 3,
    "sc27_equipment_monitoring": 3,
    "sc29_maintenance": 3,
    "sc10_progress_tracking": 3,
    "sc12_smart_warehousing": 3,  # AI
    "sc13_material_delivery": 3,
    "sc14_hazardous_automation": 3,
    "sc32_mass_customisation": 3,
    "sc37_supplier_management": 3,
    # level 2
    "sc02_digital_infrastructure": 2,
    "sc04_product_design": 2,
    "sc20_fast_changeover": 2,
    "sc26_quality_analysis": 2,
    "sc28_fault_prediction": 2,
    "sc08_production_planning": 2,
    "sc09_intelligent_scheduling": 2,
    "sc15_safety_management": 2,
    "sc16_energy_management": 2,
    "sc30_business_decisions": 2,
    "sc35_value_added_services": 2,
    "sc38_procurement_planning": 2,
    # level 1
    "sc03_digital_twin": 1,
    "sc07_manufacturing_engineering": 1,
    "sc21_process_optimisation": 1,
    "sc11_dynamic_dispatching": 1,
    "sc17_carbon_assets": 1,
    "sc18_pollution_control": 1,
    "sc33_precision_marketing": 1,
    "sc36_proactive_service": 1,
    "sc40_logistics": 1,
}


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_definition(yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8")))


def run(fw: Framework, answers: dict[str, Any]) -> Result:
    assert validate_answers(fw, answers) == {}
    return score(fw, answers)


def pillars(result: Result) -> dict[str, Decimal]:
    return {dimension.key: dimension.score for dimension in result.dimensions}


def level_code(result: Result) -> str | None:
    return result.level.code if result.level else None


def unmet(result: Result, level: str) -> list[tuple[str, Any, Any]]:
    """(type, required, actual) of each unmet gate of ``level``, in document order;
    every one of them also carries a bilingual explanation."""
    evaluation = next(e for e in result.levels if e.code == level)
    failed = [gate for gate in evaluation.gates if not gate.met]
    for gate in failed:
        assert gate.description["zh-hans"]
        assert gate.description["en"]
    return [(gate.type, gate.required, gate.actual) for gate in failed]


# ---- the document ---------------------------------------------------------------------------


def test_the_file_is_valid_and_has_the_documented_shape(fw: Framework) -> None:
    doc = yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    assert validate_definition(doc) == []
    assert (fw.code, fw.version) == ("smart-factory-gradient", "2025.1")
    assert [level.code for level in fw.levels] == ["basic", "advanced", "excellent", "leading"]
    assert fw.max_total == Decimal(1000)
    maxima = {dimension.key: dimension.maximum for dimension in fw.dimensions}
    assert maxima == {
        "basic_requirements": Decimal(100),
        "digital": Decimal(250),
        "network": Decimal(250),
        "intelligent": Decimal(400),
    }
    assert len(fw.questions) >= 60
    scenarios = {key for key, q in fw.questions.items() if "sf_scenario" in q.tags}
    assert scenarios == set(ALL_SCENARIOS)
    assert {key for key, q in fw.questions.items() if "ai_scenario" in q.tags} == AI_SCENARIOS
    for tag, keys in (
        ("sd_factory_build", FACTORY_BUILD),
        ("sd_rnd_design", RND_DESIGN),
        ("sd_production_ops", PRODUCTION_OPS),
        ("sd_production_mgmt", PRODUCTION_MGMT),
        ("sd_operations_mgmt", OPERATIONS_MGMT),
    ):
        assert {key for key, q in fw.questions.items() if tag in q.tags} == set(keys)


# ---- the extremes ---------------------------------------------------------------------------


def test_best_answers_score_the_maximum_and_reach_leading(fw: Framework) -> None:
    result = run(fw, BEST)
    assert missing_required(fw, BEST) == []
    assert result.total == result.max_total == Decimal(1000)
    assert pillars(result) == {
        "basic_requirements": Decimal(100),
        "digital": Decimal(250),
        "network": Decimal(250),
        "intelligent": Decimal(400),
    }
    assert all(q.score == q.max for q in result.questions.values())
    assert level_code(result) == "leading"
    assert result.next_level is None
    # The AI share sits exactly on the 领航级 bar: 24 of the 40 level-4 scenarios.
    leading = result.levels[-1]
    share = next(g for g in leading.gates if g.type == "tagged_share_at_least")
    assert share.met
    assert share.actual == Decimal("0.6")


def test_empty_answers_reach_no_level_and_basic_explains_every_gate(fw: Framework) -> None:
    result = run(fw, {})
    assert result.total == Decimal(0)
    assert result.level is None
    assert result.next_level is not None
    assert result.next_level.code == "basic"
    assert result.next_level.name == {"zh-hans": "基础级", "en": "Basic"}
    gates = result.next_level.gates
    assert len(gates) == 10  # 6 basic requirements, CMMM, 生产作业 coverage, 2 pillars
    assert not any(gate.met for gate in gates)
    for gate in gates:
        assert gate.description["zh-hans"]
        assert gate.description["en"]
    assert {gate.type for gate in gates} == {
        "answer_equals",
        "answer_at_least",
        "scenes_at_least",
        "dimension_percent_at_least",
    }
    # The generated sentences show where the enterprise stands now.
    cmmm = next(g for g in gates if g.type == "answer_at_least")
    assert cmmm.actual is None
    assert cmmm.required == Decimal(2)
    digital = next(g for g in gates if g.type == "dimension_percent_at_least" and g.required == 30)
    assert digital.actual == Decimal(0)


# ---- hand-worked middle cases ---------------------------------------------------------------


def test_a_typical_basic_factory(fw: Framework) -> None:
    # basic 60 + 10 = 70; digital 95 (38 %); network 67 (26.8 %);
    # intelligent 32.5 (8.125 %). Total 70 + 95 + 67 + 32.5 = 264.5.
    result = run(fw, BASIC_FACTORY)
    assert missing_required(fw, BASIC_FACTORY) == []
    assert pillars(result) == {
        "basic_requirements": Decimal(70),
        "digital": Decimal(95),
        "network": Decimal(67),
        "intelligent": Decimal("32.5"),
    }
    assert result.total == Decimal("264.5")
    assert level_code(result) == "basic"
    # show_if: no 5G factory, no secondary node, no star rating -> details hidden.
    for key in (
        "nw_5g_directory",
        "id_secondary_node",
        "id_registered",
        "id_resolutions",
        "id_applications",
        "cl_five_star",
    ):
        assert result.questions[key].visible is False
    # 先进级 is missed on the 运营管理 coverage (best there is level 1) and on all
    # three pillar thresholds.
    assert result.next_level is not None
    assert result.next_level.code == "advanced"
    assert unmet(result, "advanced") == [
        ("scenes_at_least", 1, 0),
        ("dimension_percent_at_least", Decimal(50), Decimal(38)),
        ("dimension_percent_at_least", Decimal(40), Decimal("26.8")),
        ("dimension_percent_at_least", Decimal(15), Decimal("8.125")),
    ]
    coverage = next(g for g in result.next_level.gates if not g.met)
    assert coverage.description["en"] == (
        "At least one operations-management scenario at level 2 or above"
    )


def test_high_scores_but_a_recent_major_incident_reach_no_level(fw: Framework) -> None:
    # Best answers except one basic requirement: 1000 - 10 = 990, yet no level at all.
    answers = {**BEST, "bq_no_major_incident": False}
    result = run(fw, answers)
    assert result.total == Decimal(990)
    assert pillars(result)["basic_requirements"] == Decimal(90)
    assert result.level is None
    assert result.next_level is not None
    assert result.next_level.code == "basic"
    assert unmet(result, "basic") == [("answer_equals", True, False)]
    incident = next(g for g in result.next_level.gates if not g.met)
    assert incident.description["en"] == (
        "No serious or worse safety, environmental or quality incident and no violation "
        "in the last three years"
    )
    # Every higher level's own gates pass; only the inherited requirement blocks them.
    assert all(e.met for e in result.levels[1:])
    assert not any(e.reached for e in result.levels)


def test_advanced_factory_misses_excellent_only_on_the_ai_share(fw: Framework) -> None:
    # basic 60 + 20 = 80; digital 190; network 182; intelligent 172.5.
    # Total 80 + 190 + 182 + 172.5 = 624.5.
    result = run(fw, AI_LIGHT_FACTORY)
    assert missing_required(fw, AI_LIGHT_FACTORY) == []
    assert pillars(result) == {
        "basic_requirements": Decimal(80),
        "digital": Decimal(190),
        "network": Decimal(182),
        "intelligent": Decimal("172.5"),
    }
    assert result.total == Decimal("624.5")
    assert level_code(result) == "advanced"
    assert result.next_level is not None
    assert result.next_level.code == "excellent"
    failed = [gate for gate in result.next_level.gates if not gate.met]
    assert [gate.type for gate in failed] == ["tagged_share_at_least"]
    assert failed[0].actual == Decimal(2) / Decimal(12)
    assert failed[0].required == Decimal("0.2")


def test_one_more_ai_scenario_at_level_3_lifts_the_same_factory_to_excellent(
    fw: Framework,
) -> None:
    # sc28 fault prediction (AI) from level 2 to 3: +2.5 -> 627; share 3 / 13 = 23.1 %.
    answers = {**AI_LIGHT_FACTORY, "sc28_fault_prediction": 3}
    result = run(fw, answers)
    assert result.total == Decimal(627)
    assert pillars(result)["intelligent"] == Decimal(175)
    assert level_code(result) == "excellent"
    assert result.next_level is not None
    assert result.next_level.code == "leading"
    # 领航级 fails on CMMM (3 < 4), on level-4 coverage of all five dimensions, on
    # the AI share at level 4 (no scenario there: 0 of 0) and on all three pillars.
    assert [gate.type for gate in result.next_level.gates if not gate.met] == [
        "answer_at_least",
        "scenes_at_least",
        "scenes_at_least",
        "scenes_at_least",
        "scenes_at_least",
        "scenes_at_least",
        "tagged_share_at_least",
        "dimension_percent_at_least",
        "dimension_percent_at_least",
        "dimension_percent_at_least",
    ]


def test_digital_pillar_exactly_at_the_basic_threshold(fw: Framework) -> None:
    # The basic factory with fewer systems (erp, mes: 15 -> 6, -9), closed-off
    # machines (interfaces 7 -> 0, -7) and no data-quality measures (4 -> 0, -4):
    # digital 95 - 9 - 7 - 4 = 75 = exactly 30 % of 250.
    # Total 70 + 75 + 67 + 32.5 = 244.5.
    answers = {
        **BASIC_FACTORY,
        "is_systems": ["erp", "mes"],
        "dg_equipment_interfaces": "none",
        "gv_quality": "none",
    }
    result = run(fw, answers)
    assert pillars(result)["digital"] == Decimal(75)
    assert result.total == Decimal("244.5")
    assert level_code(result) == "basic"
    digital_gate = next(
        g
        for g in result.levels[0].gates
        if g.type == "dimension_percent_at_least" and g.required == 30
    )
    assert digital_gate.met
    assert digital_gate.actual == Decimal(30)

    # Data reported per shift instead of hourly (5 -> 0): 70 = 28 % -> no level.
    below = run(fw, {**answers, "dc_timeliness": "daily"})
    assert pillars(below)["digital"] == Decimal(70)
    assert below.total == Decimal("239.5")
    assert below.level is None
    assert unmet(below, "basic") == [("dimension_percent_at_least", Decimal(30), Decimal(28))]


def test_leading_candidate_held_back_by_cmmm_level_3(fw: Framework) -> None:
    # Best answers with CMMM level 3 (40 -> 20): 980, every gate of 领航级 but CMMM met.
    result = run(fw, {**BEST, "bq_cmmm_level": 3})
    assert result.total == Decimal(980)
    assert level_code(result) == "excellent"
    assert result.next_level is not None
    assert [g.type for g in result.next_level.gates if not g.met] == ["answer_at_least"]


def test_leading_needs_most_level_4_scenarios_to_be_ai_scenarios(
    fw: Framework,
) -> None:
    # Best answers, but every AI scenario held at level 3: the level-4 scenarios are
    # the 16 untagged ones, AI share at level 4 = 0 of 16 -> 卓越级, not 领航级.
    # Intelligent 16 x 10 + 24 x 7.5 = 160 + 180 = 340; total 1000 - 60 = 940.
    answers = {**BEST, **dict.fromkeys(AI_SCENARIOS, 3)}
    result = run(fw, answers)
    assert pillars(result)["intelligent"] == Decimal(340)
    assert result.total == Decimal(940)
    assert level_code(result) == "excellent"
    assert result.next_level is not None
    failed = [g for g in result.next_level.gates if not g.met]
    assert [g.type for g in failed] == ["tagged_share_at_least"]
    assert failed[0].actual == Decimal(0)
