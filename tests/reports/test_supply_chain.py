"""The anchor's supply chain drawn by tier (/enterprises/{pk}/suppliers/chain/): members
only, consent honoured, whole branches per page, a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import Enterprise, SupplierLink
from reports import charts
from reports.selectors_supply import supply_chain_page
from tests.conftest import Personas
from tests.factories import EnterpriseFactory, valid_uscc
from tests.reports.conftest import LEVEL1, store_submitted

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def chain_url(enterprise: Enterprise) -> str:
    return f"/enterprises/{enterprise.pk}/suppliers/chain/"


def link(anchor: Enterprise, name: str, *, parent=None, status="invited", supplier=None, tier=None):
    return SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc if supplier else valid_uscc(),
        supplier_name=name,
        status=status,
        tier=tier or (parent.tier + 1 if parent else 1),
        parent=parent,
    )


CHAIN_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), CHAIN_PAGE.items())
def test_only_the_anchors_members_see_its_chain(
    personas: Personas, persona: str, expected: int
) -> None:
    link(personas.enterprise, "一级供应商甲")
    response = signed_in(personas.all()[persona]).get(chain_url(personas.enterprise))
    assert response.status_code == expected
    if expected == 200:
        assert "一级供应商甲" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(personas: Personas, client: Client) -> None:
    response = client.get(chain_url(personas.enterprise))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_anchor_without_suppliers_gets_an_empty_state(personas: Personas) -> None:
    html = signed_in(personas.admin).get(chain_url(personas.enterprise)).content.decode()
    assert "<svg" not in html
    assert "还没有供应商" in html or "card empty" in html


def test_the_chain_is_drawn_by_tier_with_parent_links_and_a_table(personas: Personas) -> None:
    anchor = personas.enterprise
    first = link(anchor, "一级甲")
    second = link(anchor, "二级乙", parent=first)
    link(anchor, "三级丙", parent=second)
    link(anchor, "一级丁")
    html = signed_in(personas.viewer).get(chain_url(anchor)).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    for name in ("一级甲", "二级乙", "三级丙", "一级丁", anchor.name):
        assert name in svg
    # One edge per link: two from the anchor, one per parent link.
    assert svg.count("<path ") == 4
    # Columns by tier: each tier's box sits further right.
    xs = {}
    for name in ("一级甲", "二级乙", "三级丙"):
        match = re.search(r'<rect x="([\d.]+)"[^>]*/><text[^>]*>' + name, svg)
        xs[name] = float(match.group(1))
    assert xs["一级甲"] < xs["二级乙"] < xs["三级丙"]
    table = html[html.index('class="table chain-table"') :]
    assert table.index("一级甲") < table.index("二级乙") < table.index("三级丙")


def test_a_supplier_that_has_not_consented_shows_name_and_status_only(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.outsider_enterprise
    membership_user = personas.outsider
    consenting = EnterpriseFactory(name="同意的供应商")
    withholding = EnterpriseFactory(name="撤回的供应商")
    store_submitted(consenting, LEVEL1)
    store_submitted(withholding, {**LEVEL1, "q_mes": True, "q_data": "all", "q_train": True})
    link(anchor, "同意的供应商", supplier=consenting, status="accepted")
    link(anchor, "撤回的供应商", supplier=withholding, status="revoked")
    html = signed_in(membership_user).get(chain_url(anchor)).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    # The consenting supplier's level (一级) shows, with a level stripe; the other's
    # (二级 at best) nowhere, neither in the drawing nor in the table.
    assert "一级" in svg
    assert svg.count('class="level-stripe"') == 1
    withheld_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*撤回的供应商.*?</tr>", html, re.S).group(0)
    assert "二级" not in withheld_row and "一级" not in withheld_row
    assert "未共享" in withheld_row
    withheld_node = re.search(r'<g class="chain-node chain-revoked">.*?</g>', svg, re.S).group(0)
    assert "级" not in withheld_node.replace("撤回的供应商", "")


def test_branches_stay_whole_on_a_page_and_parents_elsewhere_come_as_ghosts(
    personas: Personas,
) -> None:
    anchor = personas.enterprise
    small = link(anchor, "A 小分支")
    link(anchor, "A1", parent=small)
    big = link(anchor, "B 大分支")
    middle = link(anchor, "B1", parent=big)
    for n in range(6):
        link(anchor, f"B1-{n}", parent=middle)
    link(anchor, "C 独立")

    first = supply_chain_page(anchor, 1, limit=4)
    assert first.total == 11
    assert [n.name for n in first.nodes] == ["A 小分支", "A1"]  # B's branch would not fit
    assert first.pages == 4  # A | B (8 nodes over 2 pages) | C
    second = supply_chain_page(anchor, 2, limit=4)
    assert [n.name for n in second.nodes] == ["B 大分支", "B1", "B1-0", "B1-1"]
    assert second.split_branch
    third = supply_chain_page(anchor, 3, limit=4)
    assert [n.name for n in third.nodes] == ["B1-2", "B1-3", "B1-4", "B1-5"]
    assert [(g.name, g.ghost_page) for g in third.ghosts] == [("B1", 2)]
    fourth = supply_chain_page(anchor, 4, limit=4)
    assert [n.name for n in fourth.nodes] == ["C 独立"]
    assert not fourth.split_branch and not fourth.ghosts
    # Out of range pages are clamped.
    assert supply_chain_page(anchor, 99, limit=4).number == 4
    assert supply_chain_page(anchor, "x", limit=4).number == 1


def test_a_cycle_in_parent_links_is_still_drawn_once(personas: Personas) -> None:
    anchor = personas.enterprise
    a = link(anchor, "环甲")
    b = link(anchor, "环乙", parent=a)
    SupplierLink.objects.filter(pk=a.pk).update(parent=b)
    page = supply_chain_page(anchor)
    assert sorted(n.name for n in page.nodes) == ["环乙", "环甲"]
    svg = charts.chain_svg(
        [
            {"id": n.id, "parent": n.parent_id, "column": n.tier, "label": n.name}
            for n in page.nodes
        ],
        root_label="链主",
        column_labels=["链主", "一级", "二级"],
    )
    assert svg.count("环甲") == 2  # the label and its tooltip
    assert svg.count("环乙") == 2


def test_a_long_chain_is_paginated_with_a_note(personas: Personas) -> None:
    anchor = personas.enterprise
    SupplierLink.objects.bulk_create(
        SupplierLink(
            anchor=anchor, supplier_uscc=valid_uscc(), supplier_name=f"供应商{n:03d}", tier=1
        )
        for n in range(130)
    )
    client = signed_in(personas.admin)
    html = client.get(chain_url(anchor)).content.decode()
    assert "共有 130 家供应商" in html
    assert "?page=2" in html
    assert "供应商000" in html and "供应商125" not in html
    assert "供应商125" in client.get(chain_url(anchor) + "?page=2").content.decode()


def test_the_chain_page_runs_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    anchor = personas.enterprise
    client = signed_in(personas.admin)

    def grow(count: int) -> None:
        for n in range(count):
            supplier = EnterpriseFactory()
            store_submitted(supplier, LEVEL1)
            top = link(anchor, f"一级{n}-{count}", supplier=supplier, status="accepted")
            link(anchor, f"二级{n}-{count}", parent=top)

    grow(2)
    client.get(chain_url(anchor))  # warm caches (compiled frameworks, session)
    with CaptureQueriesContext(connection) as small:
        assert client.get(chain_url(anchor)).status_code == 200
    grow(20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(chain_url(anchor))
    assert response.status_code == 200
    assert response.content.decode().count('class="level-stripe"') == 22
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Assessment.objects.count() == 22


def test_chain_svg_escapes_names_and_marks_ghosts() -> None:
    svg = charts.chain_svg(
        [
            {"id": 1, "parent": None, "column": 1, "label": "<b>&甲", "ghost": True},
            {
                "id": 2,
                "parent": 1,
                "column": 2,
                "label": "乙",
                "status": "accepted",
                "level_rank": 2,
                "detail": "已接受 · 二级",
            },
        ],
        root_label="链主 <script>",
        column_labels=["链主", "一级", "二级"],
        legend=[("accepted", "已接受")],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<b>" not in svg and "&lt;b&gt;&amp;甲" in svg
    assert 'class="chain-node chain-ghost"' in svg and 'stroke-dasharray="4 3"' in svg
    # The ghost hangs from nothing: one edge only, ghost -> child.
    assert svg.count("<path ") == 1
    assert 'class="legend"' in svg
