from django.urls import path

from . import api_assessments as api
from . import api_shares

urlpatterns = [
    path("assessments/", api.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", api.AssessmentDetailView.as_view(), name="api-assessment"),
    path(
        "assessments/<int:pk>/answers/<str:key>/",
        api.AnswerView.as_view(),
        name="api-assessment-answer",
    ),
    path(
        "assessments/<int:pk>/answers/<str:key>/revisions/",
        api.AnswerRevisionsView.as_view(),
        name="api-assessment-answer-revisions",
    ),
    path("assessments/<int:pk>/submit/", api.SubmitView.as_view(), name="api-assessment-submit"),
    path("assessments/<int:pk>/result/", api.ResultView.as_view(), name="api-assessment-result"),
    path("assessments/<int:pk>/review/", api.ReviewView.as_view(), name="api-assessment-review"),
    path("assessments/<int:pk>/history/", api.HistoryView.as_view(), name="api-assessment-history"),
    path(
        "assessments/<int:pk>/move-to-latest/",
        api.MoveToLatestView.as_view(),
        name="api-assessment-move",
    ),
    path(
        "assessments/<int:pk>/evidence/",
        api.EvidenceListView.as_view(),
        name="api-assessment-evidence",
    ),
    path(
        "evidence/<int:pk>/download/",
        api.EvidenceDownloadView.as_view(),
        name="api-evidence-download",
    ),
    path("evidence/<int:pk>/", api.EvidenceDetailView.as_view(), name="api-evidence"),
    path(
        "assessments/<int:pk>/shares/",
        api_shares.AssessmentSharesView.as_view(),
        name="api-assessment-shares",
    ),
    path(
        "assessments/<int:pk>/shares/<int:link>/",
        api_shares.AssessmentShareDetailView.as_view(),
        name="api-assessment-share",
    ),
    path(
        "enterprises/<int:pk>/shared-assessments/",
        api_shares.AnchorSharedAssessmentsView.as_view(),
        name="api-anchor-shared-assessments",
    ),
]
