from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qamqor.core import views as core_views
from qamqor.core.forms import LoginForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organization/", core_views.switch_organization, name="switch_organization"),
    path("journal/", include("qamqor.journal.urls")),
    path("parents/", include("qamqor.families.urls")),
    path("", include("qamqor.scheduling.urls")),
    path("reports/", include("qamqor.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
