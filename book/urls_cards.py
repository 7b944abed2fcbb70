"""Member cards, and awards and discipline (namespace "book", under /book/)."""

from django.urls import path

from . import views_awards, views_cards

urlpatterns = [
    path("cards/issue/<int:pk>/", views_cards.card_issue, name="card_issue"),
    path("cards/missing/<str:key>/", views_cards.cards_missing, name="cards_missing"),
    path("awards/add/<int:pk>/", views_awards.award_add, name="award_add"),
    path("awards/<int:pk>/edit/", views_awards.award_edit, name="award_edit"),
    path("awards/<int:pk>/delete/", views_awards.award_delete, name="award_delete"),
]
