from django.urls import path

from . import term_views, views

app_name = "branches"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("branches/<int:pk>/", views.branch_detail, name="branch"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/officers/add/", views.officer_add, name="officer_add"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("branches/<int:pk>/terms/add/", term_views.term_add, name="term_add"),
    path("terms/<int:pk>/edit/", term_views.term_edit, name="term_edit"),
    path("congresses/", term_views.congresses, name="congresses"),
    path("congresses/<str:key>/", term_views.congresses, name="congresses"),
    path("<str:key>/", views.area_detail, name="area"),
    path("<str:key>/edit/", views.hamlet_edit, name="hamlet_edit"),
    path("<str:key>/hamlets/add/", views.hamlet_add, name="hamlet_add"),
    path("<str:key>/hamlets/merge/", views.hamlet_merge, name="hamlet_merge"),
    path("<str:key>/split/", views.hamlet_split, name="hamlet_split"),
    path("<str:key>/branches/add/", views.branch_add, name="branch_add"),
]
