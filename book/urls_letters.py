"""Ageing out and the letters of introduction (namespace "book", under /book/)."""

from django.urls import path

from . import views_letters

urlpatterns = [
    path("ageing/<str:key>/<int:year>/", views_letters.ageing_page, name="ageing"),
    path("ageing/<str:key>/<int:year>/ended/", views_letters.ageing_ended, name="ageing_ended"),
    path("letters/issue/<int:pk>/", views_letters.letter_issue, name="letter_issue"),
    path("letters/receive/", views_letters.letter_receive, name="letter_receive"),
    path("letters/from-outside/", views_letters.letter_from_outside, name="letter_from_outside"),
    path("letters/book/<str:key>/<int:year>/", views_letters.letter_book, name="letter_book"),
    path("letters/<int:pk>/", views_letters.letter_page, name="letter"),
    path("letters/<int:pk>/docx/", views_letters.letter_download, name="letter_docx"),
]
