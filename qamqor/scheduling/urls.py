from django.urls import path

from qamqor.scheduling import session_views, views

app_name = "scheduling"
urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("schedule/", views.work_schedule, name="work_schedule"),
    path("schedule/print/", views.work_schedule_print, name="work_schedule_print"),
    path("sessions/", session_views.session_list, name="sessions"),
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session"),
    path("sessions/<int:pk>/public/", session_views.session_public, name="session_public"),
    path("sessions/participants/<int:pk>/status/", session_views.participant_status, name="participant_status"),
    path("sessions/participants/<int:pk>/remove/", session_views.participant_remove, name="participant_remove"),
]
