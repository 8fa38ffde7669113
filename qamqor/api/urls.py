from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from qamqor.api import docs, views

app_name = "api"
urlpatterns = [
    path("organizations/", views.OrganizationList.as_view(), name="organizations"),
    path("organizations/<int:pk>/", views.OrganizationDetail.as_view(), name="organization"),
    path("points/", views.PointList.as_view(), name="points"),
    path("points/<int:pk>/", views.PointDetail.as_view(), name="point"),
    path("points/<int:pk>/specialists/", views.SpecialistList.as_view(), name="specialists"),
    path("points/<int:pk>/free-slots/", views.FreeSlotList.as_view(), name="free_slots"),
    path("topics/", views.TopicList.as_view(), name="topics"),
    path("events/", views.EventList.as_view(), name="events"),
    path("events/<int:pk>/", views.EventDetail.as_view(), name="event"),
    path("materials/", views.MaterialList.as_view(), name="materials"),
    path("materials/<int:pk>/", views.MaterialDetail.as_view(), name="material"),
    path("bookings/", views.BookingCreate.as_view(), name="bookings"),
    # With a token whose roles read the journal (a manager's): the organisation's requests.
    path("requests/", views.RequestList.as_view(), name="requests"),
    path("requests/<int:pk>/", views.RequestDetail.as_view(), name="request"),
    # The OpenAPI schema (YAML; JSON with ?format=json) and our own page generated from it.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    # Anything else under /api/v1/ (a typo, a negative id) is a 404 in the API's error format,
    # not the site's HTML page.
    re_path(r"^", views.NotFoundView.as_view(), name="not_found"),
]
