"""The shape of the synthetic Jiangsu population: where firms are, what they make, how big
they are, which clusters they join, what they are called.

These are weights for generating plausible test data, not statistics. They are rounded
and shaped after public figures (Jiangsu statistical yearbooks: industrial enterprises
above designated size by city and by GB/T 4754 division; the cities' well-known
specialisations, such as ships in Nantong, Taizhou and Yangzhou, construction machinery
in Xuzhou, pharmaceuticals in Lianyungang and Taizhou, liquor in Suqian). Never show a
figure computed from them as a fact about Jiangsu.
"""

from __future__ import annotations

# --- where -----------------------------------------------------------------------------

# Relative number of manufacturing enterprises per prefecture-level city (GB/T 2260).
CITY_WEIGHTS: dict[str, float] = {
    "320500": 24.0,  # 苏州
    "320200": 13.0,  # 无锡
    "320400": 10.0,  # 常州
    "320100": 8.5,  # 南京
    "320600": 9.5,  # 南通
    "321200": 5.5,  # 泰州
    "321000": 5.0,  # 扬州
    "320900": 5.0,  # 盐城
    "320300": 5.0,  # 徐州
    "321100": 3.5,  # 镇江
    "321300": 3.5,  # 宿迁
    "320800": 3.0,  # 淮安
    "320700": 2.5,  # 连云港
}

# Districts and county-level cities weigh 1.0 within their city unless listed: old city
# centres hold few factories, the manufacturing counties and development districts many.
DISTRICT_WEIGHTS: dict[str, float] = {
    # 南京: 江宁, 浦口/江北, 六合 (chemicals), 栖霞 make things; the old centre does not.
    "320102": 0.2,
    "320104": 0.25,
    "320105": 0.3,
    "320106": 0.25,
    "320111": 1.3,
    "320113": 1.3,
    "320114": 0.6,
    "320115": 2.8,
    "320116": 1.2,
    # 无锡: 江阴 and 宜兴 are industrial counties; 新吴 holds the high-tech zone.
    "320213": 0.4,
    "320214": 2.0,
    "320281": 3.0,
    "320282": 2.0,
    # 徐州: 铜山 and the county-level cities.
    "320302": 0.5,
    "320311": 0.6,
    "320312": 1.8,
    # 常州: 武进 and 新北 dominate.
    "320402": 0.5,
    "320404": 0.5,
    "320411": 2.2,
    "320412": 3.0,
    # 苏州: 昆山, 常熟, 张家港, 吴江 and 吴中 are among China's top manufacturing counties.
    "320505": 1.6,
    "320506": 1.5,
    "320507": 1.0,
    "320508": 0.2,
    "320509": 2.0,
    "320581": 1.9,
    "320582": 1.9,
    "320583": 2.8,
    "320585": 1.1,
    # 南通: 崇川 is the centre.
    "320613": 0.6,
    # 连云港
    "320706": 0.8,
    # 淮安
    "320812": 0.8,
    # 扬州
    "321002": 0.5,
    # 镇江
    "321102": 0.5,
    "321111": 0.4,
    "321181": 1.5,
    # 泰州
    "321202": 0.8,
}

# Short place names used in enterprise names (the city without 市).
CITY_SHORT_NAMES: dict[str, str] = {
    "320100": "南京",
    "320200": "无锡",
    "320300": "徐州",
    "320400": "常州",
    "320500": "苏州",
    "320600": "南通",
    "320700": "连云港",
    "320800": "淮安",
    "320900": "盐城",
    "321000": "扬州",
    "321100": "镇江",
    "321200": "泰州",
    "321300": "宿迁",
}

# --- what -------------------------------------------------------------------------------

# Relative number of enterprises per manufacturing division (GB/T 4754-2017, C13-C43):
# machinery, metal products, electrical machinery, electronics and chemicals lead,
# textiles and apparel are many small firms, tobacco almost none.
INDUSTRY_WEIGHTS: dict[str, float] = {
    "C13": 2.0,
    "C14": 1.0,
    "C15": 0.8,
    "C16": 0.02,
    "C17": 6.5,
    "C18": 4.0,
    "C19": 0.5,
    "C20": 1.0,
    "C21": 1.0,
    "C22": 1.2,
    "C23": 1.0,
    "C24": 1.5,
    "C25": 0.4,
    "C26": 6.0,
    "C27": 2.0,
    "C28": 1.5,
    "C29": 6.0,
    "C30": 4.0,
    "C31": 1.5,
    "C32": 2.0,
    "C33": 9.0,
    "C34": 12.0,
    "C35": 8.0,
    "C36": 6.0,
    "C37": 2.5,
    "C38": 11.0,
    "C39": 7.0,
    "C40": 2.0,
    "C41": 0.5,
    "C42": 0.8,
    "C43": 0.4,
}

# Specialisations: an industry weight is multiplied by the factor of its city and then
# by that of its district (prefix match on the region code).
INDUSTRY_FACTORS: dict[str, dict[str, float]] = {
    "3201": {"C39": 1.4, "C36": 1.3, "C26": 1.3, "C38": 1.3, "C27": 1.3, "C17": 0.4},
    "320111": {"C27": 2.0},  # 江北新区 biomedicine
    "320116": {"C26": 3.0, "C25": 5.0},  # 六合: the Yangzi petrochemical base
    "3202": {"C39": 1.6, "C38": 1.3, "C34": 1.3},
    "320214": {"C39": 3.0},  # 新吴: integrated circuits, IoT
    "320281": {"C17": 2.0, "C31": 3.0, "C33": 1.5},  # 江阴: textiles, steel
    "320282": {"C35": 1.6, "C30": 2.5, "C42": 3.0},  # 宜兴: environmental equipment, ceramics
    "3203": {"C35": 2.5, "C30": 1.5, "C13": 1.5},  # 徐州: construction machinery
    "3204": {"C38": 1.8, "C36": 1.8, "C34": 1.3, "C35": 1.2},  # 常州: PV, NEV
    "320481": {"C38": 1.5},  # 溧阳: batteries
    "3205": {"C39": 2.0, "C38": 1.3, "C34": 1.2, "C17": 1.4, "C18": 1.3},
    "320505": {"C39": 1.8},  # 苏州高新区
    "320509": {"C17": 4.0, "C28": 3.5},  # 吴江: silk, chemical fibre
    "320581": {"C18": 3.0},  # 常熟: apparel
    "320582": {"C31": 4.0, "C26": 1.5},  # 张家港: steel
    "320583": {"C39": 2.5},  # 昆山: electronics
    "320585": {"C36": 1.5},  # 太仓: German auto suppliers
    "3206": {"C37": 2.5, "C17": 2.0, "C18": 1.5, "C34": 1.2},  # 南通: ships, home textiles
    "3207": {"C27": 3.0, "C26": 2.5, "C30": 1.5},  # 连云港: pharma, petrochemicals
    "320722": {"C30": 3.0},  # 东海: quartz and silicon
    "3208": {"C13": 2.0, "C14": 2.0, "C39": 1.3, "C26": 1.3},  # 淮安: food, salt chemistry
    "3209": {"C36": 2.0, "C38": 1.5, "C17": 1.2},  # 盐城: KIA, wind and PV
    "3210": {"C37": 2.0, "C36": 1.3, "C38": 1.5},  # 扬州: ships, automobiles
    "3211": {"C38": 1.5, "C26": 1.3, "C22": 2.0, "C37": 1.3},  # 镇江
    "3212": {"C27": 3.0, "C37": 2.0, "C26": 1.5},  # 泰州: 中国医药城, ships
    "321283": {"C26": 3.0},  # 泰兴: chemicals
    "3213": {"C15": 4.0, "C17": 1.5, "C20": 3.0, "C21": 2.0, "C38": 1.3},  # 宿迁: liquor, wood
}

# Process industries answer "process" to the smart-factory framework's industry-type
# question; a few others are mixed.
PROCESS_INDUSTRIES = frozenset(
    {"C13", "C15", "C22", "C25", "C26", "C27", "C28", "C30", "C31", "C32", "C42"}
)
MIXED_INDUSTRIES = frozenset({"C14", "C17", "C29"})

# --- clusters ------------------------------------------------------------------------

# Chance that a firm of an industry belongs to a cluster (codes from clusters.csv). Each is
# drawn on its own, so a firm is in none, one or (rarely) two clusters.
CLUSTER_CHANCES: dict[str, dict[str, float]] = {
    "C13": {"new-food": 0.45},
    "C14": {"new-food": 0.55},
    "C15": {"new-food": 0.5},
    "C17": {"high-end-textiles": 0.6},
    "C18": {"high-end-textiles": 0.55},
    "C26": {"frontier-materials": 0.4},
    "C27": {"biomedicine-medical-devices": 0.75},
    "C28": {"high-end-textiles": 0.4, "frontier-materials": 0.2},
    "C29": {"frontier-materials": 0.15, "automobiles-parts": 0.15},
    "C30": {"frontier-materials": 0.2},
    "C31": {"frontier-materials": 0.15},
    "C32": {"frontier-materials": 0.25},
    "C33": {"high-end-equipment": 0.15, "automobiles-parts": 0.1},
    "C34": {"high-end-equipment": 0.5},
    "C35": {
        "high-end-equipment": 0.35,
        "construction-machinery": 0.15,
        "biomedicine-medical-devices": 0.08,
        "energy-saving-environmental": 0.1,
    },
    "C36": {"automobiles-parts": 0.8},
    "C37": {"offshore-equipment-ships": 0.6, "high-end-equipment": 0.1},
    "C38": {"new-power-equipment": 0.45, "new-energy": 0.25},
    "C39": {
        "integrated-circuits": 0.25,
        "iot": 0.15,
        "new-display": 0.12,
        "information-communication": 0.2,
        "software-information-services": 0.05,
    },
    "C40": {"high-end-equipment": 0.2, "iot": 0.2, "biomedicine-medical-devices": 0.1},
    "C42": {"energy-saving-environmental": 0.5},
}

# Where a cluster is concentrated, its chance is multiplied (prefix match, capped at 0.9).
CLUSTER_FACTORS: dict[str, dict[str, float]] = {
    "construction-machinery": {"3203": 4.0},
    "offshore-equipment-ships": {"3206": 1.4, "3212": 1.4, "3210": 1.3},
    "integrated-circuits": {"3202": 1.6, "3205": 1.3, "3201": 1.3},
    "new-display": {"3205": 1.5, "3201": 1.5},
    "new-energy": {"3204": 1.6, "3209": 1.5, "3213": 1.4, "3208": 1.3},
    "energy-saving-environmental": {"320282": 3.0},
    "iot": {"3202": 2.0},
    "software-information-services": {"3201": 3.0},
    "biomedicine-medical-devices": {"3212": 1.2, "3207": 1.2, "3205": 1.1},
    "automobiles-parts": {"3204": 1.1, "3209": 1.1},
}

# --- how big ---------------------------------------------------------------------------

# Size classes of the firms that are not anchors: registration skews small and micro.
SIZE_WEIGHTS: dict[str, float] = {"micro": 45.0, "small": 39.0, "medium": 13.0, "large": 3.0}

# Every ANCHOR_EVERY-th enterprise is a large anchor firm with a supplier tree (2.5 %).
ANCHOR_EVERY = 40
# Industries whose large firms lead supply chains; an anchor draws its industry from these.
ANCHOR_INDUSTRIES: dict[str, float] = {
    "C36": 5.0,
    "C38": 5.0,
    "C39": 4.0,
    "C35": 3.0,
    "C34": 3.0,
    "C37": 2.0,
    "C26": 2.0,
    "C27": 1.5,
    "C17": 1.5,
    "C31": 1.0,
    "C40": 1.0,
}

# --- names -------------------------------------------------------------------------------

BRAND_CHARACTERS = (
    "恒远华盛鑫宏达泰金新祥瑞利丰源德信通博创科锐立嘉隆昌永和兴海天光明正大同"
    "中广汇联合安宇鼎佳力诚顺腾飞亚美凯欣旭润康晨星辰奥越精工东南江苏汉诺普"
)

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "C13": ("粮油", "农产品", "饲料", "食品"),
    "C14": ("食品", "乳业", "调味品", "烘焙食品"),
    "C15": ("酒业", "饮料", "茶业"),
    "C16": ("卷烟",),
    "C17": ("纺织", "织造", "印染", "家纺", "丝绸"),
    "C18": ("服饰", "服装", "制衣"),
    "C19": ("鞋业", "皮革制品"),
    "C20": ("木业", "竹木制品"),
    "C21": ("家具", "家居"),
    "C22": ("纸业", "包装材料"),
    "C23": ("印务", "包装印刷"),
    "C24": ("文体用品", "工艺品"),
    "C25": ("石化", "能源"),
    "C26": ("化工", "新材料", "精细化工"),
    "C27": ("药业", "生物医药", "制药"),
    "C28": ("化纤", "新材料"),
    "C29": ("塑业", "橡塑制品", "塑胶"),
    "C30": ("建材", "新型建材", "玻璃", "陶瓷"),
    "C31": ("特钢", "钢铁"),
    "C32": ("铝业", "铜业", "金属材料"),
    "C33": ("金属制品", "五金", "紧固件"),
    "C34": ("机械", "精密机械", "泵阀", "轴承"),
    "C35": ("装备", "专用设备", "环保设备", "智能装备"),
    "C36": ("汽车零部件", "汽车部件", "车业"),
    "C37": ("船舶", "海洋工程", "轨道交通装备"),
    "C38": ("电气", "电机", "电缆", "新能源", "电器"),
    "C39": ("电子", "微电子", "光电", "半导体", "通信设备"),
    "C40": ("仪器仪表", "仪表", "检测设备"),
    "C41": ("制品",),
    "C42": ("再生资源", "环保科技"),
    "C43": ("设备维修", "机电工程"),
}

# Legal-form suffixes by size class, with their weights.
NAME_SUFFIXES: dict[str, tuple[tuple[str, float], ...]] = {
    "micro": (("有限公司", 9.0), ("有限责任公司", 1.0)),
    "small": (("有限公司", 9.0), ("有限责任公司", 1.0)),
    "medium": (("有限公司", 8.0), ("股份有限公司", 2.0)),
    "large": (("股份有限公司", 5.0), ("集团有限公司", 3.0), ("有限公司", 2.0)),
}

# --- supply chains -------------------------------------------------------------------------

SUPPLIER_TAGS = ("核心供应商", "关键零部件", "原材料", "外协加工", "本地配套", "战略合作", "备选")

REVIEW_LOWER_COMMENTS = (
    "部分场景的佐证材料不足，按下一等级确认。",
    "现场核查发现数据采集尚未覆盖全部关键工序，暂按较低等级确认。",
    "智能化场景的应用深度与自评不符，调整后确认。",
)
REVIEW_RETURN_COMMENTS = (
    "请补充关键工序数据采集和设备联网的佐证材料后重新提交。",
    "典型场景等级与佐证材料不一致，请核实后修改。",
    "请补充信息系统集成情况的说明。",
)

# Industries an anchor of an industry buys from (its own included).
SUPPLIER_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "C36": ("C36", "C33", "C29", "C34", "C38", "C39", "C17", "C30", "C32"),
    "C38": ("C38", "C32", "C33", "C29", "C39", "C26"),
    "C39": ("C39", "C26", "C29", "C33", "C38", "C40"),
    "C35": ("C35", "C33", "C34", "C31", "C32", "C38", "C29", "C40"),
    "C34": ("C34", "C33", "C31", "C32", "C38", "C29"),
    "C37": ("C37", "C31", "C33", "C34", "C38"),
    "C26": ("C26", "C29", "C25", "C22"),
    "C27": ("C27", "C26", "C29", "C22"),
    "C17": ("C17", "C28", "C26", "C18"),
    "C31": ("C31", "C33", "C34", "C32"),
    "C40": ("C40", "C39", "C33", "C29"),
}
