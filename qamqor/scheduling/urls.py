from django.urls import path

from qamqor.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("schedule/", views.work_schedule, name="work_schedule"),
    path("schedule/print/", views.work_schedule_print, name="work_schedule_print"),
]
