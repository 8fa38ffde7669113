from django.urls import path

from qamqor.families import contract_views, views

app_name = "families"
urlpatterns = [
    path("", views.parent_list, name="parent_list"),
    path("new/", views.parent_new, name="parent_new"),
    path("<int:pk>/", views.parent_detail, name="parent_detail"),
    path("<int:pk>/children/new/", views.child_new, name="child_new"),
    # Contracts with parents (families/contract_views.py)
    path("<int:pk>/contracts/new/", contract_views.contract_new, name="contract_new"),
    path("contracts/", contract_views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", contract_views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/contract.docx", contract_views.contract_document, name="contract_document"),
    path("contracts/<int:pk>/scan/", contract_views.contract_scan, name="contract_scan"),
    path("contracts/<int:pk>/sign/", contract_views.contract_sign, name="contract_sign"),
    path("contracts/<int:pk>/end/", contract_views.contract_end, name="contract_end"),
    path("contracts/templates/", contract_views.contract_templates, name="contract_templates"),
    path(
        "contracts/templates/<str:language>/template.docx", contract_views.contract_template_file, name="contract_template_file"
    ),
    path("contracts/templates/<str:language>/remove/", contract_views.contract_template_remove, name="contract_template_remove"),
]
