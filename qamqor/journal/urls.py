from django.urls import path

from qamqor.journal import views

app_name = "journal"
urlpatterns = [
    path("", views.journal, name="list"),
    path("print/", views.journal_print, name="print"),
    path("export.pdf", views.journal_export_pdf, name="export_pdf"),
    path("export.xlsx", views.journal_export_xlsx, name="export_xlsx"),
    path("new/", views.request_new, name="new"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/schedule/", views.request_schedule, name="schedule"),
    path("<int:pk>/slots/", views.slots_partial, name="slots"),
    path("<int:pk>/complete/", views.request_complete, name="complete"),
    path("<int:pk>/no-show/", views.request_no_show, name="no_show"),
    path("<int:pk>/cancel/", views.request_cancel, name="cancel"),
]
