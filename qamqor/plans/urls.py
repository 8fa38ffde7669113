from django.urls import path

from qamqor.plans import documentation_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("documentation/", documentation_views.documentation_page, name="documentation"),  # the point's documentation set
    path("documentation/<int:pk>/", documentation_views.documentation_file, name="documentation_file"),
    path("documentation/<int:pk>/delete/", documentation_views.documentation_file_delete, name="documentation_file_delete"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/delete/", views.plan_delete, name="delete"),
    path("<int:pk>/approve/", views.plan_approve, name="approve"),
    path("<int:pk>/items/new/", views.item_new, name="item_new"),
    path("<int:pk>/print/", views.plan_print, name="print"),
    path("<int:pk>/pdf/", views.plan_pdf, name="pdf"),
    path("<int:pk>/docx/", views.plan_docx, name="docx"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/status/", views.item_status, name="item_status"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    # The parent support centre's half-year information and annual report (?year=2026&kind=half_year).
    path("centre-report/", views.report_print, name="centre_report"),
    path("centre-report/pdf/", views.report_pdf, name="centre_report_pdf"),
    path("centre-report/docx/", views.report_docx, name="centre_report_docx"),
]
