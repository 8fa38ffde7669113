from django.urls import path

from qamqor.engagement import reception_views, recognition_views, views

app_name = "engagement"
urlpatterns = [
    # The back office: events by month, each with its lists; attendance on a phone.
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/held/", views.event_held, name="event_held"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("events/registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("events/registrations/<int:pk>/attended/", views.attended, name="attended"),
    path("events/ideas/", views.idea_list, name="ideas"),
    path("events/ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("events/participation/", views.participation_figures, name="participation"),
    # Recognition at the end of an academic year: candidates, awards, letters, the Honor Book.
    path("events/recognition/", recognition_views.recognition_page, name="recognition"),
    path("events/recognition/awards/new/", recognition_views.award_new, name="award_new"),
    path("events/recognition/awards/<int:pk>/revoke/", recognition_views.award_revoke, name="award_revoke"),
    path("events/recognition/awards/<int:pk>/letter/", recognition_views.award_letter, name="award_letter"),
    path("events/honor-book/", recognition_views.honor_book, name="honor_book"),
    path("events/honor-book/new/", recognition_views.honor_entry_new, name="honor_entry_new"),
    path("events/honor-book/<int:pk>/", recognition_views.honor_entry, name="honor_entry"),
    path("events/honor-book/<int:pk>/withdraw/", recognition_views.honor_consent_withdraw, name="honor_consent_withdraw"),
    path("events/honor-book/<int:pk>/delete/", recognition_views.honor_entry_delete, name="honor_entry_delete"),
    # Office hours with the administration (the Director's hour): the managers' list of visits.
    path("events/reception/", reception_views.reception_visits, name="reception_visits"),
    path("events/reception/<int:pk>/status/", reception_views.reception_visit_status, name="reception_visit_status"),
    # The public site: an organisation's events and ideas; the parent's private link.
    path("o/<int:pk>/events/", views.public_events, name="public_events"),
    path("o/events/<int:pk>/", views.public_event, name="public_event"),
    path("o/<int:pk>/ideas/new/", views.idea_new, name="idea_new"),
    path("o/<int:pk>/reception/", reception_views.public_reception, name="reception"),
    path("o/honor-book/<int:pk>/photo/", recognition_views.honor_photo, name="honor_photo"),
    # The token is the only thing in these addresses (no names or phones); under my/ they are
    # never cached (core.middleware.PRIVATE_ROUTE_PREFIXES).
    path("my/events/<str:token>/", views.my_registration, name="my_registration"),
    path("my/events/<str:token>/cancel/", views.my_registration_cancel, name="my_registration_cancel"),
    path("my/reception/<str:token>/", reception_views.my_reception, name="my_reception"),
    path("my/reception/<str:token>/cancel/", reception_views.my_reception_cancel, name="my_reception_cancel"),
]
