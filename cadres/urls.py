from django.urls import path

from . import views

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("add/", views.cadre_add, name="add"),
    path("mine/", views.my_duty, name="mine"),
    path("mine/meetings/<int:pk>/report/", views.my_report, name="my_report"),
    path("<int:pk>/", views.cadre_detail, name="cadre"),
    path("<int:pk>/edit/", views.cadre_edit, name="edit"),
    path("<int:pk>/assign/", views.assignment_add, name="assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="end_assignment"),
]
