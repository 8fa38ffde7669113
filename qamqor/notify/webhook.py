"""The Telegram bot's webhook (QAMQOR_TELEGRAM_MODE=webhook): Telegram POSTs each update here.

The one view of the project exempt from CSRF (test_access_matrix.py allows this file and this
view by name): Telegram's servers cannot hold a CSRF token, and none is needed, because the view
reads no cookie and no session. Instead it is authenticated by the secret that `setWebhook` gave
Telegram (settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET), which Telegram sends back in the header
X-Telegram-Bot-Api-Secret-Token; it is compared in constant time. Without the bot in webhook
mode, or without the right secret, the answer is 404 and nothing is done, so the address
confirms nothing to a stranger.

Telegram sends an update again when it got no 200 in time; telegram.handle_update acts on each
update id once, so the journal gets one question however often the same update arrives.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from qamqor.notify import telegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (the header's name, not a secret)


def _is_on() -> bool:
    return settings.QAMQOR_TELEGRAM_MODE == "webhook" and telegram.is_on() and bool(settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET)


@csrf_exempt
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    # The secret first: without it even the method is not discussed.
    if not _is_on() or not constant_time_compare(request.headers.get(SECRET_HEADER, ""), settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        update = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest()
    # Without its id an update could not be told from its repetition.
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return HttpResponseBadRequest()
    # As in polling: an update that cannot be answered is logged, and still answered 200, or
    # Telegram would send it again and again.
    telegram.answer_update(update)
    return HttpResponse("ok", content_type="text/plain")
