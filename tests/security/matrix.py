"""Expected statuses for every route, read by tests/security/test_permission_matrix.py.

One line per route and method: the route's name, the tenant object its URL points at
(tests/security/world.py), the method, then "own/other" for each persona in `PERSONAS`
order. Methods a route does not list must answer 405.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAS = (
    "anonymous",
    "admin",
    "editor",
    "viewer",
    "outsider",
    "anchor",
    "officer",
    "other_officer",
    "assessor",
    "platform_admin",
)

# Django's admin has its own staff-only permission system, tested by Django.
SKIPPED_PREFIXES = ("admin/",)

TABLE = """
# route                              target               method anon    admin   editor  viewer  outsidr anchor  officer oth_off assessr staff
analytics                            none                 GET    302/302 403/403 403/403 403/403 403/403 403/403 200/200 200/200 403/403 403/403
analytics-enterprises                none                 GET    302/302 403/403 403/403 403/403 403/403 403/403 200/200 200/200 403/403 403/403
anchor-requirement-delete            requirement          POST   302/302 302/404 403/404 403/404 404/302 404/404 404/404 404/404 404/404 404/404
anchor-requirement-edit              requirement          GET    302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-requirement-edit              requirement          POST   302/302 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
anchor-requirement-new               enterprise_framework GET    302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-requirement-new               enterprise_framework POST   302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-requirements                  enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-shared-assessments            enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supplier-import               enterprise           POST   302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supplier-invite               enterprise           POST   302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supplier-link-edit            anchored_link        GET    302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supplier-link-edit            anchored_link        POST   302/302 302/404 403/404 403/404 404/302 404/404 404/404 404/404 404/404 404/404
anchor-suppliers                     enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supply-chain                  enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
anchor-supply-dashboard              enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-analytics-enterprises            none                 GET    401/401 403/403 403/403 403/403 403/403 403/403 200/200 200/200 403/403 403/403
api-analytics-summary                none                 GET    401/401 403/403 403/403 403/403 403/403 403/403 200/200 200/200 403/403 403/403
api-anchor-requirements              enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-anchor-requirements              enterprise           POST   401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-anchor-shared-assessments        enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers                 enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers                 enterprise           POST   401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers-dashboard       enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers-import          enterprise           POST   401/401 415/404 403/404 403/404 404/415 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers-import-errors   import_rejection     GET    401/401 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
api-anchor-suppliers-import-template enterprise           GET    401/401 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
api-assessment                       settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-answer                draft_answer         PUT    401/401 400/404 400/404 403/404 404/400 404/404 404/404 404/404 404/404 403/403
api-assessment-answer-revisions      draft_answer         GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 200/200
api-assessment-certificate           settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-evidence              draft                GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 200/200
api-assessment-evidence              draft                POST   401/401 415/404 415/404 403/404 404/415 404/404 404/404 404/404 404/404 403/403
api-assessment-history               settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-move                  draft                POST   401/401 409/404 409/404 403/404 404/409 404/404 404/404 404/404 404/404 403/403
api-assessment-plan                  settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-plan-items            settled              POST   401/401 400/404 400/404 403/404 404/400 404/404 403/404 404/404 404/404 403/403
api-assessment-report                settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-report                settled              POST   401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-result                settled              GET    401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-assessment-review                pending              POST   401/401 403/404 403/404 403/404 404/403 404/404 400/404 404/404 400/400 403/403
api-assessment-share                 settled_link         DELETE 401/401 204/404 403/404 403/404 404/204 403/404 403/404 404/404 404/404 403/403
api-assessment-shares                settled              GET    401/401 200/404 200/404 200/404 404/200 403/404 403/404 404/404 404/404 403/403
api-assessment-shares                settled              POST   401/401 400/404 403/404 403/404 404/400 403/404 403/404 404/404 404/404 403/403
api-assessment-submit                draft                POST   401/401 400/404 400/404 403/404 404/400 404/404 404/404 404/404 404/404 403/403
api-assessments                      none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-assessments                      none                 POST   401/401 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400
api-audit-events                     none                 GET    401/401 403/403 403/403 403/403 403/403 403/403 403/403 403/403 403/403 200/200
api-certificate-pdf                  serial               POST   401/401 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
api-certificate-revoke               serial               POST   401/401 403/404 403/404 403/404 404/403 403/404 400/404 404/404 404/404 400/400
api-clusters                         none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-docs                             none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-enterprise                       enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 200/404 404/404 404/404 200/200
api-enterprise                       enterprise           PUT    401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-evidence                         evidence             DELETE 401/401 204/404 204/404 403/404 404/204 404/404 404/404 404/404 404/404 403/403
api-evidence-download                evidence             GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 200/200
api-export-detail                    export_job           GET    401/401 404/404 404/404 404/404 404/404 404/404 200/404 404/200 404/404 200/200
api-export-download                  export_job           GET    401/401 404/404 404/404 404/404 404/404 404/404 200/404 404/200 404/404 200/200
api-export-kinds                     none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-export-retry                     export_job           POST   401/401 404/404 404/404 404/404 404/404 404/404 409/404 404/409 404/404 409/409
api-exports                          none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-exports                          none                 POST   401/401 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400
api-framework                        framework            GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-framework-score                  framework            POST   401/401 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400
api-framework-version                framework_version    GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-frameworks                       none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-industries                       none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-me                               none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-member                           member               PATCH  401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-member                           member               DELETE 401/401 204/404 403/404 403/404 404/409 404/404 404/404 404/404 404/404 404/404
api-members                          enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-members                          enterprise           POST   401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-plan-item                        plan_item            GET    401/401 200/404 200/404 200/404 404/200 404/404 200/404 404/404 404/404 200/200
api-plan-item                        plan_item            PATCH  401/401 400/404 400/404 403/404 404/400 404/404 403/404 404/404 404/404 403/403
api-regions                          none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-register                         none                 POST   400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400
api-requirement                      requirement_api      GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-requirement                      requirement_api      PATCH  401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-requirement                      requirement_api      DELETE 401/401 204/404 403/404 403/404 404/204 404/404 404/404 404/404 404/404 404/404
api-requirements-received            enterprise           GET    401/401 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
api-schema                           none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-supplier-link                    anchored_link_api    PATCH  401/401 400/404 403/404 403/404 404/400 404/404 404/404 404/404 404/404 404/404
api-supplier-link-accept             link                 POST   401/401 409/404 403/404 403/404 404/200 403/403 404/404 404/404 404/404 404/404
api-supplier-link-decline            link                 POST   401/401 409/404 403/404 403/404 404/200 403/403 404/404 404/404 404/404 404/404
api-supplier-link-revoke             link                 POST   401/401 200/404 403/404 403/404 404/409 403/403 404/404 404/404 404/404 404/404
api-supplier-links                   none                 GET    401/401 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
api-token                            none                 POST   400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400 400/400
api-verify                           serial               GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
assessment-detail                    settled              GET    302/302 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
assessment-evidence-delete           draft_evidence       POST   302/302 302/404 302/404 403/404 404/302 404/404 404/404 404/404 404/404 403/403
assessment-evidence-upload           draft                POST   302/302 302/404 302/404 403/404 404/302 404/404 404/404 404/404 404/404 403/403
assessment-move-to-latest            draft                POST   302/302 302/404 302/404 403/404 404/302 404/404 404/404 404/404 404/404 403/403
assessment-plan                      settled              GET    302/302 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
assessment-plan                      settled              POST   302/302 400/404 400/404 403/404 404/400 404/404 403/404 404/404 404/404 403/403
assessment-result                    settled              GET    302/302 200/404 200/404 200/404 404/200 200/404 200/404 404/404 404/404 200/200
assessment-share                     settled_link_pk      POST   302/302 302/404 403/404 403/404 404/302 403/404 403/404 404/404 404/404 403/403
assessment-sharing                   settled              GET    302/302 200/404 200/404 200/404 404/200 403/404 403/404 404/404 404/404 403/403
assessment-submit                    draft                GET    302/302 200/404 200/404 403/404 404/200 404/404 404/404 404/404 404/404 403/403
assessment-submit                    draft                POST   302/302 200/404 200/404 403/404 404/200 404/404 404/404 404/404 404/404 403/403
assessment-unshare                   settled_link_pk      POST   302/302 302/404 403/404 403/404 404/302 403/404 403/404 404/404 404/404 403/403
audit-events                         none                 GET    302/302 403/403 403/403 403/403 403/403 403/403 403/403 403/403 403/403 200/200
certificate-pdf                      serial               GET    302/302 202/404 202/404 202/404 404/202 202/404 202/404 404/404 404/404 202/202
certificate-pdf-retry                serial               POST   302/302 302/404 302/404 302/404 404/302 302/404 302/404 404/404 404/404 302/302
dashboard                            none                 GET    302/302 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
enterprise-assessments               enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 200/404 404/404 404/404 200/200
enterprise-assessments               enterprise           POST   302/302 200/404 200/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
enterprise-detail                    enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 200/404 404/404 404/404 200/200
enterprise-detail                    enterprise           POST   302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
enterprise-members                   enterprise           GET    302/302 200/404 200/404 200/404 404/200 404/404 404/404 404/404 404/404 404/404
export-download                      export_job           GET    302/302 404/404 404/404 404/404 404/404 404/404 200/404 404/200 404/404 200/200
export-request                       export_kind          POST   302/302 403/403 403/403 403/403 403/403 403/403 400/400 400/400 403/403 403/403
export-retry                         export_job           POST   302/302 404/404 404/404 404/404 404/404 404/404 302/404 404/302 404/404 302/302
export-row                           export_job           GET    302/302 404/404 404/404 404/404 404/404 404/404 200/404 404/200 404/404 200/200
exports                              none                 GET    302/302 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
healthz                              none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
home                                 none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
login                                none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
login                                none                 POST   200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
logout                               none                 POST   302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
member-add                           enterprise           POST   302/302 302/404 403/404 403/404 404/302 404/404 404/404 404/404 404/404 404/404
member-remove                        member               POST   302/302 302/404 403/404 403/404 404/302 404/404 404/404 404/404 404/404 404/404
member-role                          member               POST   302/302 302/404 403/404 403/404 404/302 404/404 404/404 404/404 404/404 404/404
register                             none                 GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
register                             none                 POST   200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
reminder-opt-out                     opt_out              GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
reminder-opt-out                     opt_out              POST   200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
report-pdf                           settled              GET    302/302 202/404 202/404 202/404 404/202 202/404 202/404 404/404 404/404 202/202
report-pdf-retry                     settled              POST   302/302 302/404 302/404 302/404 404/302 302/404 302/404 404/404 404/404 302/302
review-detail                        pending              GET    302/302 403/404 403/404 403/404 404/403 404/404 200/404 404/404 200/200 403/403
review-detail                        pending              POST   302/302 403/404 403/404 403/404 404/403 404/404 200/404 404/404 200/200 403/403
review-queue                         none                 GET    302/302 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
set_language                         none                 GET    302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
set_language                         none                 POST   302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
set_language                         none                 PUT    302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
set_language                         none                 PATCH  302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
set_language                         none                 DELETE 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302 302/302
supplier-reminder-settings           enterprise           GET    302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
supplier-reminder-settings           enterprise           POST   302/302 200/404 403/404 403/404 404/200 404/404 404/404 404/404 404/404 404/404
supplier-request-accept              link                 POST   302/302 302/404 403/404 403/404 404/302 403/403 404/404 404/404 404/404 404/404
supplier-request-decline             link                 POST   302/302 302/404 403/404 403/404 404/302 403/403 404/404 404/404 404/404 404/404
supplier-request-revoke              link                 POST   302/302 302/404 403/404 403/404 404/302 403/403 404/404 404/404 404/404 404/404
supplier-requests                    none                 GET    302/302 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
verify                               serial               GET    200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200 200/200
"""


@dataclass(frozen=True)
class Row:
    target: str  # which object of a tenant the URL points at
    methods: dict[str, dict[str, str]]  # method -> persona -> "own/other"


def _parse(table: str) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        name, target, method, *statuses = line.split()
        assert len(statuses) == len(PERSONAS), f"{name} {method}: one status per persona"
        row = rows.setdefault(name, Row(target, {}))
        assert row.target == target, f"{name}: one target per route"
        row.methods[method] = dict(zip(PERSONAS, statuses, strict=True))
    return rows


MATRIX = _parse(TABLE)
