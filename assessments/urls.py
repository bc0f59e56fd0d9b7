"""Pages for assessments (questionnaire, submission, review)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "enterprises/<int:pk>/assessments/",
        views.enterprise_assessments,
        name="enterprise-assessments",
    ),
    path("assessments/<int:pk>/", views.questionnaire, name="assessment-detail"),
    path("assessments/<int:pk>/submit/", views.assessment_submit_page, name="assessment-submit"),
    path(
        "assessments/<int:pk>/move-to-latest/",
        views.assessment_move,
        name="assessment-move-to-latest",
    ),
    path(
        "assessments/<int:pk>/evidence/",
        views.evidence_upload,
        name="assessment-evidence-upload",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="assessment-evidence-delete",
    ),
]
