from django.urls import path

from .views import memberships, merge, people, search

app_name = "members"
urlpatterns = [
    path("", search.search, name="search"),
    path("branches/<int:pk>/", search.branch_roll, name="branch_roll"),
    path("branches/<int:pk>/merge/", merge.branch_merge, name="branch_merge"),
    path("people/add/", people.person_add, name="person_add"),
    path("people/duplicates/", people.duplicates, name="duplicates"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/memberships/add/", people.membership_add, name="membership_add"),
    path("memberships/<int:pk>/edit/", memberships.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/transfer/", memberships.transfer, name="transfer"),
    path("memberships/<int:pk>/transfer/branches/", memberships.transfer_branches, name="transfer_branches"),
    path("memberships/<int:pk>/status/", memberships.status_change, name="status_change"),
    path("memberships/<int:pk>/end/", memberships.end, name="end"),
]
