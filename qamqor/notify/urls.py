from django.urls import path

from qamqor.notify import views, webhook

app_name = "notify"
# Mounted at the root: the back office under notify/, the parent's private link under my/.
urlpatterns = [
    path("notify/messages/", views.message_list, name="messages"),
    path("notify/messages/reminders/", views.reminder_settings, name="reminder_settings"),
    path("notify/inbox/", views.inbox, name="inbox"),
    path("notify/inbox/badge/", views.badge, name="badge"),
    path("notify/inbox/read/", views.inbox_read, name="inbox_read"),
    path("notify/inbox/preference/", views.preference, name="preference"),
    path("notify/inbox/telegram/", views.telegram_staff, name="telegram_staff"),
    # Telegram's POSTs in webhook mode (QAMQOR_TELEGRAM_MODE), authenticated by their secret header.
    path("notify/telegram/webhook/", webhook.telegram_webhook, name="telegram_webhook"),
    # From the parent's manage page; under my/ like every private link, so never cached
    # (core.middleware.PRIVATE_ROUTE_PREFIXES).
    path("my/<str:token>/telegram/", views.telegram_parent, name="telegram_parent"),
]
