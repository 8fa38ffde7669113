from django.urls import path

from qamqor.social import views

app_name = "social"
urlpatterns = [
    path("", views.home, name="home"),
    path("classes/new/", views.class_new, name="class_new"),
    path("classes/import/", views.class_import, name="class_import"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("children/", views.children, name="children"),
    path("children/<int:pk>/", views.child, name="child"),
    path("children/<int:pk>/categories/", views.category_new, name="category_new"),
    path("children/<int:pk>/acts/", views.act_new, name="act_new"),
    path("children/<int:pk>/support/", views.support_new, name="support_new"),
    path("children/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("acts/<int:pk>/print/", views.act_print, name="act_print"),
    path("categories/<int:pk>/end/", views.category_end, name="category_end"),
    path("enrolments/<int:pk>/leave/", views.leave, name="leave"),
    path("passport/", views.passport_page, name="passport"),
    path("passport/print/", views.passport_print, name="passport_print"),
    path("passport/pdf/", views.passport_pdf, name="passport_pdf"),
    path("passport/xlsx/", views.passport_xlsx, name="passport_xlsx"),
    path("movement/", views.movement_page, name="movement"),
    path("inspections/", views.due, name="due"),
    path("support/", views.support_list, name="support"),
    # Joint-plan access (issue 6, item 6): the head's switch, the grants, and the read-only pages
    # of a psychologist or class teacher whom a joint plan gives children.
    path("settings/", views.settings_page, name="settings"),
    path("joint/", views.grants, name="grants"),
    path("joint/<int:pk>/end/", views.grant_end, name="grant_end"),
    path("shared/", views.shared, name="shared"),
    path("shared/xlsx/", views.shared_xlsx, name="shared_xlsx"),
    path("shared/<int:pk>/", views.shared_child, name="shared_child"),
    # Figures only (no names): officers, and the organisation's other staff.
    path("counts/", views.counts, name="counts"),
    path("counts/xlsx/", views.counts_xlsx, name="counts_xlsx"),
]
