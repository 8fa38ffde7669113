from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.db_router import reads_from_replica
from qamqor.core.scoping import scope_for
from qamqor.reports.selectors import request_counts_by_organization


@login_required
@reads_from_replica  # counts only: a replica seconds behind is fine (qamqor/core/db_router.py)
def overview(request: HttpRequest) -> HttpResponse:
    """An officer's first page: figures per organisation of their district or region."""
    scope = scope_for(request.user)
    if not (scope.district_ids or scope.region_ids):
        raise PermissionDenied
    year = current_academic_year()
    rows = request_counts_by_organization(scope, year)
    totals = {key: sum(r[key] for r in rows) for key in ("total", "handled", "open", "by_phone")}
    return render(request, "reports/overview.html", {"rows": rows, "totals": totals, "year": academic_year_label(year)})
