from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from qamqor.core import views as core_views
from qamqor.portal import views as portal_views

admin.site.site_header = admin.site.site_title = _("Qamqor administration")
admin.site.index_title = _("Reference data and records")

urlpatterns = [
    # Parents see the finder of consultation points at the root; staff go on to their work.
    path("", core_views.home, {"anonymous_view": portal_views.point_finder}, name="home"),
    path(
        "accounts/login/",
        core_views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor: verify, set up, recovery codes, the account page (qamqor/core/second_factor.py).
    path("accounts/second-factor/", include("qamqor.core.urls")),
    path("organization/", core_views.switch_organization, name="switch_organization"),
    path("journal/", include("qamqor.journal.urls")),
    path("parents/", include("qamqor.families.urls")),
    path("", include("qamqor.scheduling.urls")),
    path("reports/", include("qamqor.reports.urls")),
    path("audit/", include("qamqor.audit.urls")),
    path("", include("qamqor.portal.urls")),
    path("", include("qamqor.engagement.urls")),
    path("plans/", include("qamqor.plans.urls")),
    path("council/", include("qamqor.council.urls")),
    path("social/", include("qamqor.social.urls")),
    path("", include("qamqor.notify.urls")),
    path("api/v1/", include("qamqor.api.urls")),
    # The organisation's tokens for that API, in the back office (its managers issue and revoke them).
    path("api/tokens/", include("qamqor.api.token_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
