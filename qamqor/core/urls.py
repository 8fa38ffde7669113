"""The second factor's pages, under /accounts/second-factor/ (qamqor/core/second_factor.py)."""

from django.urls import path

from qamqor.core import views

app_name = "second_factor"

urlpatterns = [
    path("", views.second_factor_account_page, name="account"),
    path("verify/", views.second_factor_verify_page, name="verify"),
    path("setup/", views.second_factor_setup_page, name="setup"),
    path("recovery-codes/", views.second_factor_codes_page, name="codes"),
]
