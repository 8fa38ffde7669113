from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qamqor.audit.forms import AuditSearchForm
from qamqor.audit.selectors import audit_entries
from qamqor.core.access import current_organization_id
from qamqor.core.scoping import scope_for

ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}


def audit_organization(request: HttpRequest) -> int | None:
    """The organisation whose log this user may search (None: all, a superuser); 403 otherwise."""
    if request.user.is_superuser:
        return None
    scope = scope_for(request.user)
    org_id = current_organization_id(request, scope)
    if org_id is None or not scope.reads_audit(org_id):  # the head of an organisation reads its log
        raise PermissionDenied
    return org_id


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    organization_id = audit_organization(request)
    # A search by a person's name is sent by POST, so the name stays out of the URL and the
    # server's access log; the pages of the result are buttons of the same form.
    form = AuditSearchForm(request.POST if request.method == "POST" else None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entries(organization_id=organization_id, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.POST.get("page") if form.is_bound else request.GET.get("page"))
    for entry in page.object_list:
        entry.action_label = ACTIONS.get(entry.action, entry.action)
        entry.changed_fields = ", ".join(entry.changes_dict) if entry.action == LogEntry.Action.UPDATE else ""
    return render(request, "audit/log.html", {"form": form, "page": page, "all_organizations": organization_id is None})
