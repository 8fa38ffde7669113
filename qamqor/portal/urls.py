from django.urls import path

from qamqor.portal import materials_views, questions_views, session_views, views

app_name = "portal"
urlpatterns = [
    path("points/", views.point_finder, name="finder"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/apply/", views.apply, name="apply"),
    # Group sessions open to sign-up (portal/session_signup.py); the parent's link is under my/sessions/.
    path("points/<int:pk>/sessions/", session_views.point_sessions, name="point_sessions"),
    path("points/<int:pk>/sessions/<int:session_pk>/", session_views.session_detail, name="session"),
    path("my/sessions/<str:token>/", session_views.my_session, name="my_session"),
    path("my/sessions/<str:token>/cancel/", session_views.my_session_cancel, name="my_session_cancel"),
    # The token is the only thing in these addresses: no names, phones or request numbers.
    path("my/<str:token>/", views.manage, name="manage"),
    path("my/<str:token>/done/", views.confirmation, name="confirmation"),
    path("my/<str:token>/consultation.ics", views.calendar_file, name="calendar"),
    path("my/<str:token>/cancel/", views.cancel, name="cancel"),
    path("my/<str:token>/move/", views.reschedule, name="reschedule"),
    path("my/<str:token>/data/", views.my_data, name="my_data"),
    path("my/<str:token>/data.json", views.my_data_download, name="my_data_download"),
    path("my/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("my/<str:token>/erase/", views.erase, name="erase"),
    # The feedback link's token is another (own salt): it opens this page and nothing else.
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    # Materials for parents and their questions: the public pages, then the back office's.
    path("materials/", materials_views.material_list, name="materials"),
    path("materials/<int:pk>/", materials_views.material_detail, name="material"),
    path("materials/<int:pk>/file/", materials_views.material_file, name="material_file"),
    path("points/<int:pk>/materials/", materials_views.material_list, name="point_materials"),
    path("points/<int:pk>/questions/", questions_views.point_questions, name="questions"),
    path("points/<int:pk>/ask/", questions_views.ask, name="ask"),
    path("points/<int:pk>/ask/sent/", questions_views.asked, name="asked"),
    path("office/materials/", materials_views.staff_material_list, name="staff_materials"),
    path("office/materials/new/", materials_views.staff_material_new, name="staff_material_new"),
    path("office/materials/<int:pk>/", materials_views.staff_material_edit, name="staff_material"),
    path("office/materials/<int:pk>/publish/", materials_views.staff_material_publish, name="staff_material_publish"),
    path("office/questions/", questions_views.staff_question_list, name="staff_questions"),
    path("office/questions/<int:pk>/", questions_views.staff_question_detail, name="staff_question"),
    path("office/questions/<int:pk>/publish/", questions_views.staff_question_publish, name="staff_question_publish"),
    path("office/questions/<int:pk>/delete/", questions_views.staff_question_delete, name="staff_question_delete"),
]
