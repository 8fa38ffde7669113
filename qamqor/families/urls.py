from django.urls import path

from qamqor.families import views

app_name = "families"
urlpatterns = [
    path("", views.parent_list, name="parent_list"),
    path("new/", views.parent_new, name="parent_new"),
    path("<int:pk>/", views.parent_detail, name="parent_detail"),
    path("<int:pk>/children/new/", views.child_new, name="child_new"),
]
