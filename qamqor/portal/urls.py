from django.urls import path

from qamqor.portal import views

app_name = "portal"
urlpatterns = [
    path("points/", views.point_finder, name="finder"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/apply/", views.apply, name="apply"),
    # The token is the only thing in these addresses: no names, phones or request numbers.
    path("my/<str:token>/", views.manage, name="manage"),
    path("my/<str:token>/done/", views.confirmation, name="confirmation"),
    path("my/<str:token>/consultation.ics", views.calendar_file, name="calendar"),
    path("my/<str:token>/cancel/", views.cancel, name="cancel"),
    path("my/<str:token>/move/", views.reschedule, name="reschedule"),
]
