from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qamqor.audit.forms import AuditSearchForm
from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.audit.selectors import audit_entries
from qamqor.audit.services import count_label
from qamqor.core.access import current_organization_id
from qamqor.core.scoping import scope_for, visible_to

ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
    LogEntry.Action.ACCESS: _("viewed"),
}

COUNT_LABELS = {
    "parents_anonymised": _("parents anonymised"),
    "parents_deleted": _("parents deleted"),
    "children_anonymised": _("children anonymised"),
    "children_deleted": _("children deleted"),
    "requests_anonymised": _("requests anonymised"),
    "feedback_anonymised": _("feedback comments erased"),
    "audit_entries_redacted": _("audit log entries cleared of values"),
    "questions_anonymised": _("questions' contacts erased"),
    "requests_cancelled": _("requests cancelled"),
    "children": _("children"),
    "requests": _("requests"),
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


# How many of each the page lists: newest first; the admin and the database hold the rest.
PRIVACY_ROWS = 100


@login_required
def privacy_records(request: HttpRequest) -> HttpResponse:
    """The parents' data requests (export, erasure) and the retention runs of the organisation."""
    organization_id = audit_organization(request)
    data_requests = visible_to(request.user, DataRequest.objects.select_related("organization"))
    runs = visible_to(request.user, RetentionRun.objects.select_related("organization"))
    if organization_id is not None:
        data_requests = data_requests.filter(organization_id=organization_id)
        runs = runs.filter(organization_id=organization_id)
    data_requests, runs = list(data_requests[:PRIVACY_ROWS]), list(runs[:PRIVACY_ROWS])
    for row in (*data_requests, *runs):
        row.count_labels = [(COUNT_LABELS.get(kind) or count_label(kind) or kind, n) for kind, n in row.counts.items()]
    context = {"data_requests": data_requests, "runs": runs, "all_organizations": organization_id is None}
    return render(request, "audit/privacy.html", context)
