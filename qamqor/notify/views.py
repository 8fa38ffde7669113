"""The back office's pages of notify: the organisation's messages with their delivery log and
the reminder times (managers), and each member of staff's notifications (new online requests)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.access import manager_required, staff_required
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.notify import services, telegram
from qamqor.notify.forms import ReminderSettingsForm, StaffPreferenceForm
from qamqor.notify.models import Message, ReminderSettings, StaffNotification, StaffPreference, TelegramLink
from qamqor.portal.views import with_manage_link

MESSAGES_PER_PAGE = 50
NOTIFICATIONS_SHOWN = 100


def _reminder_form(request: HttpRequest, data=None) -> ReminderSettingsForm:
    return ReminderSettingsForm(data, instance=ReminderSettings.for_organization(request.organization_id))


def _messages_page(request: HttpRequest, form: ReminderSettingsForm, http_status: int = 200) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = visible_to(request.user, Message.objects.filter(organization_id=request.organization_id))
    if status in Message.Status.values:
        rows = rows.filter(status=status)
    rows = rows.select_related("parent", "user", "appointment", "registration__event")
    page = Paginator(rows, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/messages.html",
        {"page": page, "form": form, "status": status, "statuses": Message.Status.choices},
        status=http_status,
    )


@manager_required
def message_list(request: HttpRequest) -> HttpResponse:
    return _messages_page(request, _reminder_form(request))


@manager_required
@require_POST
def reminder_settings(request: HttpRequest) -> HttpResponse:
    form = _reminder_form(request, request.POST)
    if form.is_valid():
        try:
            services.reminder_settings_save(
                organization_id=request.organization_id,
                first_hours=form.cleaned_data["first_hours"],
                second_hours=form.cleaned_data["second_hours"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reminder times are saved. Sessions booked from now on follow them."))
            return redirect("notify:messages")
    return _messages_page(request, form, http_status=400)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notifications. What the page says comes here, by email and to Telegram is
    what staff_notify_new_request does for this person: a psychologist is not told of new
    requests (the point's methodist is), so is not offered a choice about them either."""
    notifications = StaffNotification.objects.for_user(request.user.pk, request.organization_id).select_related(
        "request__topic", "request__parent"
    )[:NOTIFICATIONS_SHOWN]
    hears = services.hears_of_new_requests(
        roles=request.scope.roles_in(request.organization_id),
        organization_id=request.organization_id,
    )
    context = {"notifications": notifications, "hears_of_new_requests": hears, "telegram_on": telegram.is_on()}
    if hears and request.user.email:
        preference = StaffPreference.objects.filter(user=request.user).first()
        context["form"] = StaffPreferenceForm(initial={"by_email": preference.by_email if preference else True})
    if context["telegram_on"]:
        context["telegram_linked"] = TelegramLink.objects.filter(user=request.user).exists()
    return render(request, "notify/inbox.html", context)


@staff_required
def badge(request: HttpRequest) -> HttpResponse:
    """The count of unread notifications in the menu, fetched by the page after it loads (htmx),
    so no page pays a query for it."""
    unread = StaffNotification.objects.for_user(request.user.pk, request.organization_id).unread().count()
    return render(request, "notify/_badge.html", {"unread": unread})


@staff_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user, organization_id=request.organization_id)
    return redirect("notify:inbox")


@staff_required
@require_POST
def preference(request: HttpRequest) -> HttpResponse:
    form = StaffPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    services.staff_preference_save(user=request.user, by_email=form.cleaned_data.get("by_email", False))
    messages.success(request, _("Your choice is saved."))
    return redirect("notify:inbox")


@staff_required
@require_POST
def telegram_staff(request: HttpRequest) -> HttpResponse:
    """A member of staff links Telegram (to ask the bot for today's schedule): off the site."""
    if not telegram.is_on():
        raise Http404
    return redirect(telegram.deep_link(telegram.telegram_code_issue(user=request.user)))


@with_manage_link
def telegram_parent(request: HttpRequest, item, token: str) -> HttpResponse:
    """From the parent's manage page: the one-time deep link that links their Telegram."""
    if not telegram.is_on():
        raise Http404
    code = telegram.telegram_code_issue(parent=item.parent)
    context = {
        "item": item,
        "token": token,
        "url": telegram.deep_link(code),
        "linked": TelegramLink.objects.filter(parent_id=item.parent_id).exists(),
    }
    return render(request, "notify/telegram_parent.html", context)
