from django.urls import path

from qamqor.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.export_organization, name="export_organization"),
    path("safety/", views.safety, name="safety"),
    path("district/<int:pk>/", views.district, name="district"),
    path("district/<int:pk>/export/", views.export_district, name="export_district"),
    path("region/<int:pk>/", views.region, name="region"),
    path("region/<int:pk>/export/", views.export_region, name="export_region"),
    path("national/", views.national, name="national"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    # The public link of a survey: the token is the key, no login.
    # The survey's share code is the same for every respondent (no personal data): a public,
    # cacheable address, unlike the parents' private links under my/.
    path("s/<str:code>/", views.survey_public, name="survey_public"),
]
