from django.urls import path

from . import views_review

urlpatterns = [
    path("reviews/", views_review.review_queue, name="review-queue"),
    path("reviews/<int:pk>/", views_review.review_detail, name="review-detail"),
]
