from django.urls import path

from qamqor.council import views

app_name = "council"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/new/", views.member_new, name="member_new"),
    path("members/<int:pk>/position/", views.member_position, name="member_position"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_new, name="agenda_new"),
    path("meetings/<int:pk>/minutes/", views.minutes_print, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_delete, name="agenda_delete"),
    path("agenda/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("decisions/<int:pk>/reopen/", views.decision_reopen, name="decision_reopen"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
]
