from django.urls import path

from qamqor.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("privacy/", views.privacy_records, name="privacy"),
]
