"""Pages for assessments (questionnaire, submission, review)."""

from django.urls import path

from . import views, views_shares

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
    path(
        "assessments/<int:pk>/sharing/", views_shares.assessment_sharing, name="assessment-sharing"
    ),
    path(
        "assessments/<int:pk>/sharing/<int:link_pk>/share/",
        views_shares.assessment_share,
        name="assessment-share",
    ),
    path(
        "assessments/<int:pk>/sharing/<int:link_pk>/unshare/",
        views_shares.assessment_unshare,
        name="assessment-unshare",
    ),
    path(
        "enterprises/<int:pk>/suppliers/shared/",
        views_shares.anchor_shared_assessments,
        name="anchor-shared-assessments",
    ),
]
